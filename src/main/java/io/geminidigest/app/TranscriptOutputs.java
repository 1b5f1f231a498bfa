package io.geminidigest.app;

import java.util.List;

import io.geminidigest.job.Job;
import io.geminidigest.transcript.Region;
import io.geminidigest.transcript.SubtitleWriter;

/**
 * The files of a transcription, named after the input's full name: {@code <name>.transcript.md} (readable, with
 * timestamps and speakers), {@code <name>.srt}, {@code <name>.vtt} and {@code <name>.transcript.json}. Pure: the
 * output route writes them (atomically).
 */
public final class TranscriptOutputs {

    /** One file to write: its name under the output folder and its content. */
    public record OutputFile(String name, String content) {
    }

    private final SubtitleWriter writer;

    public TranscriptOutputs(SubtitleWriter writer) {
        this.writer = writer;
    }

    public List<OutputFile> files(Job job, MediaTranscriber.Transcription t) {
        List<Region> speech = t.speech().speech().stream().map(r -> new Region(r.startMs(), r.endMs())).toList();
        return List.of(
                new OutputFile(job.name() + ".transcript.md", writer.markdown(t.transcript())),
                new OutputFile(job.name() + ".srt", writer.srt(t.transcript().cues())),
                new OutputFile(job.name() + ".vtt", writer.webVtt(t.transcript().cues())),
                new OutputFile(job.name() + ".transcript.json", writer.json(t.transcript(), t.alignment(), speech)));
    }
}

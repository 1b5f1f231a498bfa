package io.geminidigest.transcript;

import java.util.List;

/**
 * The transcript of one segment of a recording, as input to {@link TranscriptJoiner}.
 *
 * <p>The audio sent for the segment starts {@code overlapBeforeMs} before {@code segmentStartMs} (a short
 * overlap with the previous segment so that no word is cut at the seam) and ends at {@code segmentEndMs};
 * the cue times are relative to the start of that audio, i.e. to {@code segmentStartMs - overlapBeforeMs}.
 */
public record SegmentTranscript(long segmentStartMs, long segmentEndMs, long overlapBeforeMs, List<Cue> cues) {

    public SegmentTranscript {
        if (segmentStartMs < 0 || segmentEndMs < segmentStartMs || overlapBeforeMs < 0
                || overlapBeforeMs > segmentStartMs) {
            throw new IllegalArgumentException("bad segment " + segmentStartMs + ".." + segmentEndMs
                    + " overlap " + overlapBeforeMs);
        }
        cues = List.copyOf(cues);
    }

    /** Where the audio sent for this segment starts in the recording. */
    public long audioStartMs() {
        return segmentStartMs - overlapBeforeMs;
    }
}

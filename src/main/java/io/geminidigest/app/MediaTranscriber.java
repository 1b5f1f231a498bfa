package io.geminidigest.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GeminiRest.Content;
import io.geminidigest.gemini.GeminiRest.FileData;
import io.geminidigest.gemini.GeminiRest.GenerateContentRequest;
import io.geminidigest.gemini.GeminiRest.GenerationConfig;
import io.geminidigest.gemini.GeminiRest.InlineData;
import io.geminidigest.gemini.GeminiRest.Part;
import io.geminidigest.gemini.GeminiRest.ThinkingConfig;
import io.geminidigest.gemini.GenerateResult;
import io.geminidigest.gemini.Upload.FileResource;
import io.geminidigest.job.Job;
import io.geminidigest.limits.RetryPolicy;
import io.geminidigest.media.MediaConverter;
import io.geminidigest.media.MediaException;
import io.geminidigest.media.MediaInfo;
import io.geminidigest.media.MediaProbe;
import io.geminidigest.media.Segment;
import io.geminidigest.media.SegmentPlanner;
import io.geminidigest.media.SpeechDetector;
import io.geminidigest.media.SpeechMap;
import io.geminidigest.transcript.Aligner;
import io.geminidigest.transcript.AlignmentResult;
import io.geminidigest.transcript.AlignmentSettings;
import io.geminidigest.transcript.Cue;
import io.geminidigest.transcript.Region;
import io.geminidigest.transcript.SegmentTranscript;
import io.geminidigest.transcript.Transcript;
import io.geminidigest.transcript.TranscriptException;
import io.geminidigest.transcript.TranscriptParser;
import io.geminidigest.transcript.TranscriptSchema;

/**
 * Transcribes audio and the sound track of video: speech detected locally, segments cut in silences (long silences
 * are not sent), each segment sent inline or through the Files API with structured output (a segment whose estimate
 * is near the budget is first counted with {@code countTokens} on the same contents, and split if over), answers
 * validated (invalid JSON repaired once; a segment cut off at {@code MAX_TOKENS} split and redone, never written
 * truncated), segments joined on the original timeline and aligned onto the detected speech.
 * <p>
 * Segments are transcribed one after the other, so that each prompt can carry the previous segment's speaker labels
 * (the tokens-per-minute limit, not this order, bounds the speed of one recording). This bean sequences gateway calls
 * and ffmpeg runs: it is the media path's orchestrator, named for it.
 */
public final class MediaTranscriber {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest.transcribe");
    /** Why an answer that was billed was not used: not valid JSON of the transcript schema. */
    static final String INVALID_TRANSCRIPT = "invalid-transcript";

    /**
     * Settings of transcription.
     *
     * @param confirmNearFraction segments whose estimated media tokens are at least this share of the budget are
     *                            counted with {@code countTokens} before they are sent ({@code chunk.confirm-near-fraction},
     *                            the same band as for text chunks)
     */
    public record Settings(String model, long inlineMaxBytes, int maxOutputTokens, String thinkingLevel,
            String language, boolean deleteRemoteFiles, Path workRoot, int maxSplitDepth,
            AlignmentSettings alignment, double confirmNearFraction) {
    }

    /**
     * What one recording gave.
     *
     * @param plan                 the segments planned from the estimate
     * @param sent                 the segments transcribed, after the splits, in order
     * @param splitOverBudget      segments {@code countTokens} found over the budget (split before sending)
     * @param splitAtOutputLimit   segments whose answer stopped at {@code MAX_TOKENS} (split and redone)
     * @param countTokensCalls     segments confirmed with {@code countTokens}
     * @param budgetTokens         the budget the segments were held to
     * @param calls                every billed transcription request in order, the answers that were not used
     *                             included (marked {@linkplain GenerateResult#discarded() discarded}: cut off at
     *                             {@code MAX_TOKENS}, invalid JSON repaired, answered without a finish reason and
     *                             retried); {@code countTokens} is free and not among them
     */
    public record Transcription(MediaInfo info, SpeechMap speech, List<Segment> plan, List<Segment> sent,
            int splitOverBudget, int splitAtOutputLimit, int countTokensCalls, int budgetTokens,
            Transcript transcript, AlignmentResult alignment, List<GenerateResult> calls,
            List<GeminiFiles.Active> uploads, long localMillis) {

        /** The transcript as plain text with speakers, for the summary. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            String last = null;
            for (Cue c : transcript.cues()) {
                if (c.speaker() != null && !c.speaker().equals(last)) {
                    sb.append(sb.isEmpty() ? "" : "\n\n").append(c.speaker()).append(": ");
                    last = c.speaker();
                } else if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(c.text());
            }
            return sb.toString();
        }
    }

    private final ProducerTemplate gateway;
    private final GatewayTokenCounter counter;
    private final GeminiFiles files;
    private final MediaProbe probe;
    private final SpeechDetector detector;
    private final MediaConverter converter;
    private final SegmentPlanner.Settings plannerDefaults;
    private final Settings settings;

    public MediaTranscriber(ProducerTemplate gateway, GatewayTokenCounter counter, GeminiFiles files, MediaProbe probe,
            SpeechDetector detector, MediaConverter converter, SegmentPlanner.Settings plannerDefaults,
            Settings settings) {
        this.gateway = gateway;
        this.counter = counter;
        this.files = files;
        this.probe = probe;
        this.detector = detector;
        this.converter = converter;
        this.plannerDefaults = plannerDefaults;
        this.settings = settings;
    }

    /** What the summary of a transcript reads: the transcript as text with speakers, in its language. */
    public io.geminidigest.summarize.SummaryInput summaryInput(Job job, Transcription t, JobOptions options) {
        return new io.geminidigest.summarize.SummaryInput(job.name(), null, t.transcript().language(), t.text(),
                PipelineSupport.summaryOptions(options));
    }

    /** Duration and streams, read from the file. */
    public MediaInfo probe(Job job) {
        return probe.probe(job.file());
    }

    /** Speech and silence regions of the recording (or of a video's sound track). */
    public SpeechMap speech(Job job, MediaInfo info) {
        if (!info.hasAudio()) {
            throw new MediaException(MediaException.Kind.NO_AUDIO, job.fileName() + " has no sound track");
        }
        return detector.detect(job.file(), info);
    }

    /** The requests a recording needs, under the chunk budget of the moment. */
    public List<Segment> plan(SpeechMap speech, int budgetTokens) {
        SegmentPlanner.Settings s = plannerDefaults;
        SegmentPlanner planner = new SegmentPlanner(new SegmentPlanner.Settings(s.tokensPerSecond(), budgetTokens,
                s.maxOutputTokens(), s.outputTokensPerSecond(), s.maxSegmentMillis(), s.overlapMillis(),
                s.longSilenceMillis(), s.paddingMillis()));
        List<Segment> plan = planner.plan(speech);
        if (plan.isEmpty()) {
            throw new MediaException(MediaException.Kind.EMPTY,
                    "the recording is silent: no speech was detected, so nothing was sent");
        }
        return plan;
    }

    /** Transcribes the planned segments, joins them on the recording's timeline and aligns them onto the speech. */
    public Transcription transcribe(Job job, MediaInfo info, SpeechMap speech, List<Segment> plan, int budgetTokens)
            throws IOException, InterruptedException {
        return transcribe(job, info, speech, plan, budgetTokens, null);
    }

    /**
     * As above, on the job's own model when it chose one ({@code options.model}); the transcript stays in the spoken
     * language whatever the job's language (that is the summary's).
     */
    public Transcription transcribe(Job job, MediaInfo info, SpeechMap speech, List<Segment> plan, int budgetTokens,
            JobOptions options) throws IOException, InterruptedException {
        return transcribe(job, info, speech, plan, budgetTokens, options, null);
    }

    /**
     * As above; the transcription's billed requests are added to the job's spend when it ends, also when it fails
     * ({@code null}: none).
     */
    public Transcription transcribe(Job job, MediaInfo info, SpeechMap speech, List<Segment> plan, int budgetTokens,
            JobOptions options, JobSpend spend) throws IOException, InterruptedException {
        String model = options != null && options.model() != null ? options.model() : settings.model();
        Path work = Files.createDirectories(settings.workRoot().resolve(job.id()));
        long localNanos = 0;
        List<GenerateResult> calls = new ArrayList<>();
        List<GeminiFiles.Active> uploads = new ArrayList<>();
        List<SegmentTranscript> parts = new ArrayList<>();
        List<Segment> sent = new ArrayList<>();
        int splitOverBudget = 0;
        int splitAtOutputLimit = 0;
        int counted = 0;
        LinkedHashSet<String> speakers = new LinkedHashSet<>();
        String language = null;
        SegmentPlanner planner = new SegmentPlanner(new SegmentPlanner.Settings(plannerDefaults.tokensPerSecond(),
                budgetTokens, plannerDefaults.maxOutputTokens(), plannerDefaults.outputTokensPerSecond(),
                plannerDefaults.maxSegmentMillis(), plannerDefaults.overlapMillis(),
                plannerDefaults.longSilenceMillis(), plannerDefaults.paddingMillis()));
        try {
            // one decode of the whole recording into FLAC (exact sample positions), then every cut seeks directly
            long tConvert = System.nanoTime();
            Path source = plan.size() > 1 ? converter.extractAudio(job.file(), work) : job.file();
            localNanos += System.nanoTime() - tConvert;
            java.util.Deque<Pending> queue = new java.util.ArrayDeque<>();
            plan.forEach(s -> queue.add(new Pending(s, 0)));
            while (!queue.isEmpty()) {
                Pending p = queue.pollFirst();
                long t0 = System.nanoTime();
                Path audio = converter.cut(source, p.segment.startMs(), p.segment.endMs(), work);
                localNanos += System.nanoTime() - t0;
                try {
                    SegmentAnswer answer = transcribeSegment(job, p.segment, audio, List.copyOf(speakers), uploads,
                            budgetTokens, model, calls);
                    counted += answer.countedTokens >= 0 ? 1 : 0;
                    if (answer.transcript == null) {
                        // countTokens found it over the budget: split before anything is generated
                        List<Segment> halves = p.depth < settings.maxSplitDepth() ? planner.split(p.segment, speech)
                                : List.of(p.segment);
                        if (halves.size() < 2) {
                            throw new GeminiException(GeminiErrorKind.INPUT_TOO_LONG, job.name() + ": segment "
                                    + p.segment.startMs() + "-" + p.segment.endMs() + " ms counts "
                                    + answer.countedTokens + " media tokens, over the budget of " + budgetTokens
                                    + ", and cannot be split further");
                        }
                        LOG.info("{}: segment {}-{} ms counts {} media tokens (estimate {}), over the budget of {};"
                                + " splitting it in {} before sending", job.name(), p.segment.startMs(),
                                p.segment.endMs(), answer.countedTokens, p.segment.estimatedTokens(), budgetTokens,
                                halves.size());
                        splitOverBudget++;
                        for (int i = halves.size() - 1; i >= 0; i--) {
                            queue.addFirst(new Pending(halves.get(i), p.depth + 1));
                        }
                        continue;
                    }
                    sent.add(p.segment);
                    Transcript t = answer.transcript;
                    language = language == null ? t.language() : language;
                    t.cues().stream().map(Cue::speaker).filter(x -> x != null && !x.isBlank()).forEach(speakers::add);
                    parts.add(new SegmentTranscript(p.segment.startMs() + p.segment.overlapBeforeMs(),
                            p.segment.endMs(), p.segment.overlapBeforeMs(), t.cues()));
                } catch (GeminiException e) {
                    if (e.kind() == GeminiErrorKind.OUTPUT_TRUNCATED && p.depth < settings.maxSplitDepth()) {
                        List<Segment> halves = planner.split(p.segment, speech);
                        if (halves.size() > 1) {
                            LOG.info("{}: segment {}-{} ms ran out of output tokens; splitting it in {} and redoing",
                                    job.name(), p.segment.startMs(), p.segment.endMs(), halves.size());
                            splitAtOutputLimit++;
                            for (int i = halves.size() - 1; i >= 0; i--) {
                                queue.addFirst(new Pending(halves.get(i), p.depth + 1));
                            }
                            continue;
                        }
                    }
                    throw e;
                } finally {
                    Files.deleteIfExists(audio);
                }
            }
        } finally {
            deleteTree(work);
            if (spend != null) {
                spend.add(calls); // what was billed, with the answers not used marked: also for the error report
            }
        }
        parts.sort(Comparator.comparingLong(SegmentTranscript::segmentStartMs));
        List<Region> speechRegions = speech.speech().stream().map(r -> new Region(r.startMs(), r.endMs())).toList();
        long t0 = System.nanoTime();
        AlignmentResult aligned = new Aligner().alignSegments(parts, speechRegions, info.durationMillis(),
                settings.alignment());
        localNanos += System.nanoTime() - t0;
        if (aligned.hasWarning()) {
            LOG.warn("{}: {}", job.name(), aligned.warning());
        }
        Transcript transcript = new Transcript(language, aligned.cues(), info.durationMillis());
        sent.sort(Comparator.comparingLong(Segment::startMs));
        return new Transcription(info, speech, plan, SegmentPlanner.renumber(sent), splitOverBudget,
                splitAtOutputLimit, counted, budgetTokens, transcript, aligned, calls, uploads,
                localNanos / 1_000_000);
    }

    private record Pending(Segment segment, int depth) {
    }

    /**
     * A segment's transcript; {@code transcript == null} when {@code countTokens} found the segment over the budget
     * (nothing was generated). {@code countedTokens}: its media tokens by {@code countTokens}, or -1 when its estimate
     * was far enough below the budget not to ask.
     */
    private record SegmentAnswer(Transcript transcript, int countedTokens) {
    }

    /**
     * One segment: media part; near the budget, its media tokens confirmed with {@code countTokens} on the same
     * contents (over the budget: nothing is generated, the caller splits it); structured request, answer parsed;
     * invalid JSON is repaired once. Every billed request is added to {@code billed} as it is answered, also those
     * whose answer is not used (invalid JSON, cut off at {@code MAX_TOKENS}: marked discarded), so that the
     * sidecar's tokens and cost are what Google bills.
     */
    SegmentAnswer transcribeSegment(Job job, Segment segment, Path audio, List<String> speakers,
            List<GeminiFiles.Active> uploads, int budgetTokens, String model,
            List<GenerateResult> billed)
            throws IOException, InterruptedException {
        long size = Files.size(audio);
        Part media;
        FileResource uploaded = null;
        String sha = null;
        if (size <= settings.inlineMaxBytes()) {
            media = new Part(null, new InlineData("audio/flac", Base64.getEncoder().encodeToString(
                    Files.readAllBytes(audio))), null, null);
        } else {
            sha = new io.geminidigest.job.ContentHasher().sha256(audio);
            GeminiFiles.Active active = files.activeFile(audio, "audio/flac",
                    job.fileName() + " " + segment.startMs() + "ms", sha);
            uploads.add(active);
            uploaded = active.file();
            media = new Part(null, null, new FileData(uploaded.mimeType(), uploaded.uri()), null);
        }
        long duration = segment.durationMs();
        String prompt = TranscriptSchema.transcriptionPrompt(settings.language(), speakers, duration);
        String label = job.name() + " transcribe " + format(segment.startMs()) + "-" + format(segment.endMs());
        try {
            int counted = -1;
            if (segment.estimatedTokens() >= settings.confirmNearFraction() * budgetTokens) {
                // countTokens is free: it is not a billed call
                counted = counter.count(label + " countTokens", model, contents(media, prompt)).mediaTokens();
                if (counted > budgetTokens) {
                    return new SegmentAnswer(null, counted);
                }
            }
            GenerateResult answer = call(label, media, prompt, segment.estimatedTokens(), model, billed);
            try {
                return new SegmentAnswer(TranscriptParser.parse(answer.text(), duration), counted);
            } catch (TranscriptException first) {
                LOG.warn("{}: the transcript was not valid ({}); asking once for a repair", label, first.getMessage());
                billed.set(billed.lastIndexOf(answer), answer.asDiscarded(INVALID_TRANSCRIPT));
                GenerateResult repaired = call(label + " (repair)", media,
                        prompt + "\n\n" + TranscriptSchema.repairPrompt(answer.text(), first.getMessage()),
                        segment.estimatedTokens(), model, billed);
                try {
                    return new SegmentAnswer(TranscriptParser.parse(repaired.text(), duration), counted);
                } catch (TranscriptException second) {
                    billed.set(billed.lastIndexOf(repaired), repaired.asDiscarded(INVALID_TRANSCRIPT));
                    throw new GeminiException(GeminiErrorKind.INVALID_TRANSCRIPT,
                            label + ": " + second.getMessage() + " (also after one repair)");
                }
            }
        } finally {
            if (uploaded != null && settings.deleteRemoteFiles()) {
                files.delete(uploaded.name(), sha);
            }
        }
    }

    /** The contents of a transcription request: the audio, then the prompt (countTokens gets the same). */
    private static List<Content> contents(Part media, String prompt) {
        return List.of(new Content("user", List.of(media, Part.text(prompt))));
    }

    /**
     * One transcription request through the gateway. Every billed answer goes to {@code billed}: the answer, after
     * the discarded answers of its earlier attempts; when the call fails, the billed answers the failure carries
     * (cut off at {@code MAX_TOKENS}, refused, ...).
     */
    private GenerateResult call(String label, Part media, String prompt, long audioTokens, String model,
            List<GenerateResult> billed) {
        GenerateContentRequest request = new GenerateContentRequest(null, contents(media, prompt),
                new GenerationConfig(settings.maxOutputTokens(), null, TranscriptSchema.RESPONSE_MIME_TYPE,
                        TranscriptSchema.responseSchema(),
                        settings.thinkingLevel() == null ? null : new ThinkingConfig(settings.thinkingLevel(), null)));
        int estimate = (int) Math.min(Integer.MAX_VALUE, audioTokens + prompt.length() / 3 + 16);
        GeminiCall call = GeminiCall.generate(label, model, request, estimate, GeminiCall.TimeoutClass.MEDIA);
        try {
            GenerateResult answer = gateway.requestBody("direct:gemini-gateway", call, GenerateResult.class);
            billed.addAll(answer.billed());
            // the sidecar lists the answer itself (the earlier attempts are in the list before it)
            GenerateResult used = answer.withDiscardedBefore(List.of());
            billed.set(billed.size() - 1, used);
            return used;
        } catch (CamelExecutionException e) {
            Throwable t = RetryPolicy.unwrap(e);
            if (t instanceof GeminiException g) {
                billed.addAll(g.billed());
            }
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new GeminiException(GeminiErrorKind.NETWORK, GatewaySupport.describe(t));
        }
    }

    private static String format(long ms) {
        return io.geminidigest.transcript.Timecodes.formatForModel(ms);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

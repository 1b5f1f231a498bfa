package io.geminidigest.bench;

import io.geminidigest.transcript.AlignmentResult;
import io.geminidigest.transcript.AlignmentSettings;
import io.geminidigest.transcript.Aligner;
import io.geminidigest.transcript.Cue;
import io.geminidigest.transcript.SegmentTranscript;
import io.geminidigest.transcript.SpeechPatterns;
import io.geminidigest.transcript.SpeechPatterns.Recording;
import io.geminidigest.transcript.SpeechPatterns.Utterance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark of the {@link Aligner} on synthetic recordings (not a test).
 *
 * <p>Generates 50 seeded recordings of 10–60 minutes of conversation (utterances 1–8 s, silences 0.3–2.5 s
 * and now and then 5–20 s), cuts each into 10-minute segments sent with a 1 s overlap, and makes the
 * "model" answer of every segment wrong the ways Gemini is: its clock scaled by 0.9–1.2, shifted by up to
 * ±3 s, jittered by ±0.3 s, one invented cue in a silence (half of the segments), the last cue running up to
 * 20 s past the end (a third of them). It prints the boundary error (median, 95th percentile) before and
 * after alignment, the share of silence and the tokens saved by not sending silences longer than 5 s (at
 * 32 audio tokens a second), and the alignment time per hour of audio.
 *
 * <p>Run: {@code mvn -o -q test-compile && java -cp target/classes:target/test-classes
 * io.geminidigest.bench.AlignmentBench} (the aligner needs no dependencies; add
 * {@code :$(mvn -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)} if that changes).
 * Optional argument: the number of recordings.
 */
public final class AlignmentBench {

    private static final long SEGMENT_MS = 10 * 60_000;
    private static final long OVERLAP_MS = 1_000;
    private static final long LONG_SILENCE_MS = 5_000;
    private static final double TOKENS_PER_SECOND = 32;

    private AlignmentBench() {
    }

    /** One recording with the model's answers per segment. */
    private record Case(Recording recording, List<SegmentTranscript> segments) {
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Random random = new Random(20_260_101L);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Recording rec = SpeechPatterns.conversation(random, 10 + random.nextInt(51));
            cases.add(new Case(rec, modelAnswers(rec, random)));
        }
        Aligner aligner = new Aligner();
        AlignmentSettings settings = AlignmentSettings.defaults();

        // warm-up, then the timed run
        for (Case c : cases.subList(0, Math.min(5, cases.size()))) {
            aligner.alignSegments(c.segments(), c.recording().speech(), c.recording().durationMs(), settings);
        }
        List<Long> before = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        long totalMs = 0;
        long speechMs = 0;
        long longSilenceMs = 0;
        long nanos = 0;
        int utterances = 0;
        int missing = 0;
        int invented = 0;
        int inventedKept = 0;
        int modelCues = 0;
        int retimed = 0;
        int warnings = 0;
        long largest = 0;
        for (Case c : cases) {
            Recording rec = c.recording();
            totalMs += rec.durationMs();
            speechMs += rec.speechMs();
            longSilenceMs += longSilences(rec);
            for (SegmentTranscript s : c.segments()) {
                for (Cue cue : s.cues()) {
                    Utterance u = rec.byText(cue.text());
                    if (u == null) {
                        invented++;
                        continue;
                    }
                    before.add(Math.abs(s.audioStartMs() + cue.startMs() - Math.max(u.startMs(), s.audioStartMs())));
                    before.add(Math.abs(s.audioStartMs() + cue.endMs() - Math.min(u.endMs(), s.segmentEndMs())));
                }
                modelCues += s.cues().size();
            }
            long t0 = System.nanoTime();
            AlignmentResult result = aligner.alignSegments(c.segments(), rec.speech(), rec.durationMs(), settings);
            nanos += System.nanoTime() - t0;
            retimed += result.cuesRetimed();
            warnings += result.hasWarning() ? 1 : 0;
            largest = Math.max(largest, result.largestCorrectionMs());
            for (Cue cue : result.cues()) {
                if (cue.text().contains("thank you for watching")) {
                    inventedKept++;
                }
            }
            for (Utterance u : rec.utterances()) {
                utterances++;
                Cue cue = result.cues().stream().filter(x -> x.text().contains(u.text())).findFirst().orElse(null);
                if (cue == null) {
                    missing++;
                    continue;
                }
                after.add(Math.abs(cue.startMs() - u.startMs()));
                after.add(Math.abs(cue.endMs() - u.endMs()));
            }
        }
        double hours = totalMs / 3_600_000.0;
        PrintOut out = new PrintOut();
        out.line("Alignment benchmark: %d recordings, %.1f hours of audio, %d utterances, %d model cues (%d invented)",
                cases.size(), hours, utterances, modelCues, invented);
        out.line("Boundary error before alignment: median %s, 95th percentile %s, max %s",
                seconds(percentile(before, 50)), seconds(percentile(before, 95)), seconds(percentile(before, 100)));
        out.line("Boundary error after alignment:  median %s, 95th percentile %s, max %s",
                seconds(percentile(after, 50)), seconds(percentile(after, 95)), seconds(percentile(after, 100)));
        out.line("Boundaries within 0.5 s after alignment: %.2f %%",
                100.0 * after.stream().filter(e -> e <= 500).count() / Math.max(1, after.size()));
        out.line("Utterances lost: %d; invented cues kept: %d of %d", missing, inventedKept, invented);
        out.line("Cues re-timed or dropped: %d of %d (%.1f %%), largest correction %s, recordings with a warning: %d",
                retimed, modelCues, 100.0 * retimed / Math.max(1, modelCues), seconds(largest), warnings);
        out.line("Silence: %.1f %% of the recording time; silences longer than 5 s: %.1f %% of the time",
                100.0 * (totalMs - speechMs) / totalMs, 100.0 * longSilenceMs / totalMs);
        out.line("Tokens saved by not sending silences longer than 5 s (32 tokens/s): %,d of %,d (%.1f %%), %,.0f per hour",
                Math.round(longSilenceMs / 1000.0 * TOKENS_PER_SECOND), Math.round(totalMs / 1000.0 * TOKENS_PER_SECOND),
                100.0 * longSilenceMs / totalMs, longSilenceMs / 1000.0 * TOKENS_PER_SECOND / hours);
        out.line("Alignment time: %.1f ms per hour of audio (%.0f ms in total)", nanos / 1e6 / hours, nanos / 1e6);
    }

    /** The model's answer for each 10-minute segment, distorted, relative to the audio sent. */
    private static List<SegmentTranscript> modelAnswers(Recording rec, Random random) {
        List<SegmentTranscript> segments = new ArrayList<>();
        for (long start = 0; start < rec.durationMs(); start += SEGMENT_MS) {
            long end = Math.min(rec.durationMs(), start + SEGMENT_MS);
            long overlap = start == 0 ? 0 : OVERLAP_MS;
            long audioStart = start - overlap;
            List<Cue> heard = new ArrayList<>();
            for (Cue c : rec.truth()) {
                if (c.endMs() > audioStart && c.startMs() < end) {
                    heard.add(c.withTimes(Math.max(c.startMs(), audioStart) - audioStart, Math.min(c.endMs(), end) - audioStart));
                }
            }
            if (heard.isEmpty()) {
                segments.add(new SegmentTranscript(start, end, overlap, List.of()));
                continue;
            }
            if (random.nextBoolean() && heard.size() > 2) {
                int i = 1 + random.nextInt(heard.size() - 1);
                long from = heard.get(i - 1).endMs();
                long to = heard.get(i).startMs();
                if (to - from > 1_500) {
                    long mid = (from + to) / 2;
                    heard.add(i, new Cue(mid - (to - from) / 6, mid + (to - from) / 6, "Speaker 9", "thank you for watching"));
                }
            }
            double scale = 0.9 + 0.3 * random.nextDouble();
            long shift = Math.round((random.nextDouble() * 2 - 1) * 3_000);
            List<Cue> model = SpeechPatterns.jittered(SpeechPatterns.shifted(SpeechPatterns.scaled(heard, scale, 0), shift), random, 300);
            if (random.nextInt(3) == 0) {
                Cue last = model.get(model.size() - 1);
                model = new ArrayList<>(model.subList(0, model.size() - 1));
                model.add(last.withTimes(last.startMs(), Math.max(last.endMs(), end - audioStart + 5_000 + random.nextInt(15_000))));
            }
            segments.add(new SegmentTranscript(start, end, overlap, model));
        }
        return segments;
    }

    private static long longSilences(Recording rec) {
        long total = 0;
        long previousEnd = 0;
        for (Utterance u : rec.utterances()) {
            total += u.startMs() - previousEnd > LONG_SILENCE_MS ? u.startMs() - previousEnd : 0;
            previousEnd = u.endMs();
        }
        return total + (rec.durationMs() - previousEnd > LONG_SILENCE_MS ? rec.durationMs() - previousEnd : 0);
    }

    private static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f s", ms / 1000.0);
    }

    /** Plain text lines on standard output. */
    private static final class PrintOut {
        void line(String format, Object... args) {
            System.out.println(String.format(Locale.ROOT, format, args));
        }
    }
}

package io.geminidigest.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Plans the transcription requests for a long recording (pure: no I/O).
 *
 * <p>Rules:
 * <ul>
 *   <li>every segment is at most {@link Settings#maxSegmentMillis()} long, its estimated input
 *       ({@code seconds × tokensPerSecond}) is within {@link Settings#budgetTokens()}, and its estimated transcript
 *       ({@code seconds × outputTokensPerSecond}, counting the whole segment as speech) is within 80 % of
 *       {@link Settings#maxOutputTokens()};</li>
 *   <li>silences longer than {@link Settings#longSilenceMillis()} are not sent at all: the recording is split into
 *       "islands" of speech, each starting {@link Settings#paddingMillis()} before its first speech and ending that
 *       much after its last;</li>
 *   <li>an island longer than the limit is cut inside a silence: at the middle of the latest silence before the
 *       limit (never inside speech);</li>
 *   <li>only when the window has no silence is it cut at the limit, and the next segment then starts
 *       {@link Settings#overlapMillis()} earlier (recorded in {@link Segment#overlapBeforeMs()}), so that a word cut
 *       in two is heard whole in one of the segments;</li>
 *   <li>every speech region is covered; an all-silent recording gives an empty plan.</li>
 * </ul>
 * Thread-safe (immutable).
 */
public final class SegmentPlanner {

    /** Share of {@code maxOutputTokens} a segment's estimated transcript may use. */
    public static final double OUTPUT_SHARE = 0.8;
    /** A cut must leave at least this share of the window behind it (avoids slivers at the start). */
    static final double MIN_PROGRESS_SHARE = 0.1;
    /** A segment shorter than this is not split further. */
    public static final long MIN_SPLIT_MILLIS = 2_000;

    private final Settings settings;
    private final long maxLengthMillis;

    public SegmentPlanner(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.maxLengthMillis = settings.maxLengthMillis();
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** The longest segment the settings allow (the smallest of the duration, input and output limits). */
    public long maxLengthMillis() {
        return maxLengthMillis;
    }

    /** The segments to send for a recording with this speech map, in order. */
    public List<Segment> plan(SpeechMap map) {
        List<Segment> plan = new ArrayList<>();
        for (Region island : islands(map)) {
            planIsland(island, gapsWithin(map, island), plan);
        }
        return plan;
    }

    /**
     * Splits a segment whose answer was cut off (MAX_TOKENS) into two: at the silence whose middle is nearest to
     * the segment's middle, or (no silence) at the middle with {@link Settings#overlapMillis()} overlap. The
     * halves carry {@code s.index()} and {@code s.index() + 1}; see {@link #renumber(List)}. A segment shorter than
     * {@link #MIN_SPLIT_MILLIS} is returned as is.
     */
    public List<Segment> split(Segment s, SpeechMap map) {
        if (s.durationMs() < MIN_SPLIT_MILLIS) {
            return List.of(s);
        }
        long middle = s.startMs() + s.durationMs() / 2;
        long margin = Math.max(1, s.durationMs() / 10);
        long bestCut = -1;
        long bestDistance = Long.MAX_VALUE;
        long bestLength = 0;
        for (Region gap : gapsWithin(map, new Region(s.startMs(), s.endMs()))) {
            long from = Math.max(gap.startMs(), s.startMs() + margin);
            long to = Math.min(gap.endMs(), s.endMs() - margin);
            if (to < from) {
                continue;
            }
            long cut = Math.max(from, Math.min(to, gap.middleMs()));
            long distance = Math.abs(cut - middle);
            if (distance < bestDistance || (distance == bestDistance && gap.durationMs() > bestLength)) {
                bestCut = cut;
                bestDistance = distance;
                bestLength = gap.durationMs();
            }
        }
        if (bestCut >= 0) {
            return List.of(segment(s.index(), s.startMs(), bestCut, s.overlapBeforeMs()),
                    segment(s.index() + 1, bestCut, s.endMs(), 0));
        }
        long overlap = Math.min(settings.overlapMillis(), s.durationMs() / 4);
        return List.of(segment(s.index(), s.startMs(), middle, s.overlapBeforeMs()),
                segment(s.index() + 1, middle - overlap, s.endMs(), overlap));
    }

    /** The segments with indices 0, 1, 2, ... in list order. */
    public static List<Segment> renumber(List<Segment> segments) {
        List<Segment> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            out.add(s.withIndex(out.size()));
        }
        return out;
    }

    /** Stretches of the recording to send: speech regions joined across silences up to the long-silence limit. */
    private List<Region> islands(SpeechMap map) {
        List<Region> islands = new ArrayList<>();
        long pad = settings.paddingMillis();
        Region first = null;
        Region last = null;
        for (Region speech : map.speech()) {
            if (first != null && speech.startMs() - last.endMs() > settings.longSilenceMillis()) {
                islands.add(padded(first, last, pad, map.durationMillis(), islands));
                first = null;
            }
            if (first == null) {
                first = speech;
            }
            last = speech;
        }
        if (first != null) {
            islands.add(padded(first, last, pad, map.durationMillis(), islands));
        }
        return islands;
    }

    private static Region padded(Region first, Region last, long pad, long duration, List<Region> before) {
        long floor = before.isEmpty() ? 0 : before.get(before.size() - 1).endMs();
        return new Region(Math.max(floor, first.startMs() - pad), Math.min(duration, last.endMs() + pad));
    }

    /** The silences between consecutive speech regions that lie (partly) inside {@code window}. */
    private static List<Region> gapsWithin(SpeechMap map, Region window) {
        List<Region> gaps = new ArrayList<>();
        List<Region> speech = map.speech();
        for (int i = 0; i + 1 < speech.size(); i++) {
            Region gap = new Region(speech.get(i).endMs(), speech.get(i + 1).startMs());
            if (gap.endMs() > window.startMs() && gap.startMs() < window.endMs() && gap.durationMs() > 0) {
                gaps.add(gap);
            }
        }
        return gaps;
    }

    private void planIsland(Region island, List<Region> gaps, List<Segment> plan) {
        long cursor = island.startMs();
        long overlapBefore = 0;
        while (true) {
            if (island.endMs() - cursor <= maxLengthMillis) {
                plan.add(segment(plan.size(), cursor, island.endMs(), overlapBefore));
                return;
            }
            long limit = cursor + maxLengthMillis;
            long cut = latestCutInSilence(gaps, cursor + (long) (maxLengthMillis * MIN_PROGRESS_SHARE), limit);
            if (cut > 0) {
                plan.add(segment(plan.size(), cursor, cut, overlapBefore));
                cursor = cut;
                overlapBefore = 0;
            } else {
                plan.add(segment(plan.size(), cursor, limit, overlapBefore));
                overlapBefore = settings.overlapMillis();
                cursor = limit - overlapBefore;
            }
        }
    }

    /**
     * The middle of the latest silence (clipped to {@code [from, limit]}) in the window, or {@code -1}.
     */
    private static long latestCutInSilence(List<Region> gaps, long from, long limit) {
        long best = -1;
        for (Region gap : gaps) {
            long start = Math.max(gap.startMs(), from);
            long end = Math.min(gap.endMs(), limit);
            if (end <= start) {
                continue;
            }
            long cut = start + (end - start) / 2;
            best = Math.max(best, cut);
        }
        return best;
    }

    private Segment segment(int index, long start, long end, long overlapBefore) {
        return new Segment(index, start, end, overlapBefore, settings.inputTokens(end - start));
    }

    /**
     * Planner settings.
     *
     * @param tokensPerSecond       input tokens per second of audio (32)
     * @param budgetTokens          input tokens one request may carry for its audio (the text chunk budget: pricing
     *                              cliff, model input limit, tokens per minute - minus the prompt)
     * @param maxOutputTokens       the request's {@code maxOutputTokens}
     * @param outputTokensPerSecond estimated transcript tokens per second of speech (~3 words/s as JSON with
     *                              times and speaker ≈ 8)
     * @param maxSegmentMillis      longest segment (10 min: long answers drift and are expensive to redo)
     * @param overlapMillis         overlap after a cut inside speech (1 s)
     * @param longSilenceMillis     silences longer than this are not sent (5 s)
     * @param paddingMillis         audio kept before the first and after the last speech of an island (200 ms)
     */
    public record Settings(double tokensPerSecond, int budgetTokens, int maxOutputTokens,
                           double outputTokensPerSecond, long maxSegmentMillis, long overlapMillis,
                           long longSilenceMillis, long paddingMillis) {

        public static final double DEFAULT_OUTPUT_TOKENS_PER_SECOND = 8;
        public static final long DEFAULT_MAX_SEGMENT_MILLIS = 10 * 60_000;
        public static final long DEFAULT_OVERLAP_MILLIS = 1_000;
        public static final long DEFAULT_LONG_SILENCE_MILLIS = 5_000;
        public static final long DEFAULT_PADDING_MILLIS = 200;

        public Settings {
            if (!(tokensPerSecond > 0) || budgetTokens <= 0 || maxOutputTokens <= 0 || !(outputTokensPerSecond > 0)
                    || maxSegmentMillis <= 0 || overlapMillis < 0 || longSilenceMillis < 0 || paddingMillis < 0) {
                throw new IllegalArgumentException("invalid planner settings");
            }
            long length = maxLength(tokensPerSecond, budgetTokens, maxOutputTokens, outputTokensPerSecond,
                    maxSegmentMillis);
            if (length < 2 * overlapMillis + MIN_SPLIT_MILLIS) {
                throw new IllegalArgumentException("segments could be at most " + length
                        + " ms long: too short for an overlap of " + overlapMillis + " ms; raise the budget");
            }
        }

        /** Defaults (32 tokens/s audio, 8 output tokens/s, 10 min, 1 s overlap, 5 s long silence, 200 ms pad). */
        public static Settings defaults(int budgetTokens, int maxOutputTokens) {
            return new Settings(MediaTokens.AUDIO_TOKENS_PER_SECOND, budgetTokens, maxOutputTokens,
                    DEFAULT_OUTPUT_TOKENS_PER_SECOND, DEFAULT_MAX_SEGMENT_MILLIS, DEFAULT_OVERLAP_MILLIS,
                    DEFAULT_LONG_SILENCE_MILLIS, DEFAULT_PADDING_MILLIS);
        }

        /** Estimated input tokens of {@code millis} of audio. */
        public long inputTokens(long millis) {
            return (long) Math.ceil(millis * tokensPerSecond / 1000.0);
        }

        /** Estimated output tokens for {@code millis} of speech. */
        public long outputTokens(long millis) {
            return (long) Math.ceil(millis * outputTokensPerSecond / 1000.0);
        }

        /** The longest segment these settings allow. */
        public long maxLengthMillis() {
            return maxLength(tokensPerSecond, budgetTokens, maxOutputTokens, outputTokensPerSecond, maxSegmentMillis);
        }

        private static long maxLength(double tps, int budget, int maxOut, double outTps, long maxSegment) {
            long byInput = (long) Math.floor(budget * 1000.0 / tps);
            while (byInput > 0 && Math.ceil(byInput * tps / 1000.0) > budget) {
                byInput--; // floating-point rounding must never push a segment over the budget
            }
            long byOutput = (long) Math.floor(OUTPUT_SHARE * maxOut * 1000.0 / outTps);
            return Math.min(maxSegment, Math.min(byInput, byOutput));
        }
    }
}

package io.geminidigest.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic recordings with known speech and silence, and "model" cues derived from the truth but wrong in
 * the ways Gemini's timestamps are wrong. Shared by the aligner tests and the alignment benchmark.
 */
public final class SpeechPatterns {

    private static final String[] WORDS = ("so the meeting today is about the budget for next year and we "
            + "need to decide which projects get funded first because the money is limited as you all know "
            + "please tell me what you think about it before we vote on the final plan").split(" ");

    private SpeechPatterns() {
    }

    /** One utterance of the truth: speech from start to end (ms) saying text. */
    public record Utterance(long startMs, long endMs, String speaker, String text) {
        public Cue cue() {
            return new Cue(startMs, endMs, speaker, text);
        }
    }

    /** A recording: its duration and its utterances, each one detected speech region. */
    public record Recording(long durationMs, List<Utterance> utterances) {

        public List<Region> speech() {
            return utterances.stream().map(u -> new Region(u.startMs(), u.endMs())).toList();
        }

        public List<Cue> truth() {
            return utterances.stream().map(Utterance::cue).toList();
        }

        public long speechMs() {
            return utterances.stream().mapToLong(u -> u.endMs() - u.startMs()).sum();
        }

        /** The utterance whose text is the given text (texts are unique), or null. */
        public Utterance byText(String text) {
            return utterances.stream().filter(u -> text.startsWith(u.text())).findFirst().orElse(null);
        }
    }

    /**
     * Utterances of {@code minSpeech..maxSpeech} ms separated by silences of {@code minSilence..maxSilence}
     * ms, starting after a lead-in silence, until {@code count} utterances; a tail silence at the end. Text
     * length is proportional to the speech duration (about 2.5 words a second); texts are unique.
     */
    public static Recording generate(Random random, int count, long minSpeech, long maxSpeech,
                                     long minSilence, long maxSilence) {
        List<Utterance> utterances = new ArrayList<>();
        long t = between(random, minSilence, maxSilence);
        for (int i = 0; i < count; i++) {
            long length = between(random, minSpeech, maxSpeech);
            utterances.add(new Utterance(t, t + length, "Speaker " + (1 + random.nextInt(3)), text(random, i, length)));
            t += length + between(random, minSilence, maxSilence);
        }
        return new Recording(t, utterances);
    }

    /** The default test pattern: 12 utterances of 2–6 s separated by 0.6–4 s silences. */
    public static Recording twelveUtterances(long seed) {
        return generate(new Random(seed), 12, 2_000, 6_000, 600, 4_000);
    }

    /** A recording of about {@code minutes} minutes of conversation (utterances 1–8 s, silences 0.3–9 s). */
    public static Recording conversation(Random random, int minutes) {
        List<Utterance> utterances = new ArrayList<>();
        long target = minutes * 60_000L;
        long t = between(random, 300, 3_000);
        int i = 0;
        while (t < target) {
            long length = between(random, 1_000, 8_000);
            utterances.add(new Utterance(t, t + length, "Speaker " + (1 + random.nextInt(3)), text(random, i++, length)));
            long silence = random.nextDouble() < 0.1 ? between(random, 5_000, 20_000) : between(random, 300, 2_500);
            t += length + silence;
        }
        return new Recording(t, utterances);
    }

    private static String text(Random random, int index, long lengthMs) {
        int words = (int) Math.max(2, Math.round(lengthMs / 400.0));
        StringBuilder sb = new StringBuilder("u" + index);
        for (int w = 1; w < words; w++) {
            sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    static long between(Random random, long min, long max) {
        return min + (long) (random.nextDouble() * (max - min));
    }

    // ---- distortions ----

    /** Times scaled by {@code factor} from {@code originMs} (the model's clock runs fast or slow). */
    public static List<Cue> scaled(List<Cue> cues, double factor, long originMs) {
        return cues.stream().map(c -> c.withTimes(originMs + Math.round((c.startMs() - originMs) * factor),
                originMs + Math.round((c.endMs() - originMs) * factor))).toList();
    }

    public static List<Cue> shifted(List<Cue> cues, long deltaMs) {
        return cues.stream().map(c -> c.withTimes(Math.max(0, c.startMs() + deltaMs), Math.max(0, c.endMs() + deltaMs))).toList();
    }

    /** Every boundary moved by a uniform random amount in {@code ±maxMs}. */
    public static List<Cue> jittered(List<Cue> cues, Random random, long maxMs) {
        return cues.stream().map(c -> {
            long s = Math.max(0, c.startMs() + between(random, -maxMs, maxMs));
            long e = Math.max(s + 1, c.endMs() + between(random, -maxMs, maxMs));
            return c.withTimes(s, e);
        }).toList();
    }

    /** The last cue ends {@code extraMs} after the recording. */
    public static List<Cue> runningPastEnd(List<Cue> cues, long durationMs, long extraMs) {
        List<Cue> out = new ArrayList<>(cues);
        Cue last = out.remove(out.size() - 1);
        out.add(last.withTimes(last.startMs(), durationMs + extraMs));
        return out;
    }

    /** Adds one cue of invented text in the middle of the longest silence between utterances. */
    public static List<Cue> withInventedCue(Recording recording, List<Cue> cues) {
        List<Utterance> u = recording.utterances();
        int gapAfter = 0;
        for (int i = 1; i + 1 < u.size(); i++) {
            if (u.get(i + 1).startMs() - u.get(i).endMs() > u.get(gapAfter + 1).startMs() - u.get(gapAfter).endMs()) {
                gapAfter = i;
            }
        }
        long from = u.get(gapAfter).endMs();
        long to = u.get(gapAfter + 1).startMs();
        long mid = (from + to) / 2;
        Cue invented = new Cue(mid - (to - from) / 6, mid + (to - from) / 6, "Speaker 9", "thank you for watching");
        List<Cue> out = new ArrayList<>(cues);
        out.add(gapAfter + 1, invented);
        return out;
    }
}

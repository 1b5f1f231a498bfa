package io.geminidigest.transcript;

import static io.geminidigest.transcript.SpeechPatterns.jittered;
import static io.geminidigest.transcript.SpeechPatterns.runningPastEnd;
import static io.geminidigest.transcript.SpeechPatterns.scaled;
import static io.geminidigest.transcript.SpeechPatterns.shifted;
import static io.geminidigest.transcript.SpeechPatterns.withInventedCue;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminidigest.transcript.SpeechPatterns.Recording;
import io.geminidigest.transcript.SpeechPatterns.Utterance;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The aligner on synthetic speech with known boundaries and cues distorted the ways the model distorts them. */
class AlignerTest {

    private static final long TOLERANCE = 500;
    private final Aligner aligner = new Aligner();
    private final AlignmentSettings settings = AlignmentSettings.defaults();

    private AlignmentResult align(Recording rec, List<Cue> modelCues) {
        AlignmentResult result = aligner.align(modelCues, rec.speech(), rec.durationMs(), settings);
        assertInvariants(rec, result);
        return result;
    }

    /** Every real utterance is present with both boundaries within the tolerance of the truth. */
    private static void assertOnTruth(Recording rec, AlignmentResult result) {
        for (Utterance u : rec.utterances()) {
            Cue cue = result.cues().stream().filter(c -> c.text().contains(u.text())).findFirst().orElse(null);
            assertThat(cue).as("cue for %s", u.text()).isNotNull();
            assertThat(Math.abs(cue.startMs() - u.startMs())).as("start of %s", u.text()).isLessThanOrEqualTo(TOLERANCE);
            assertThat(Math.abs(cue.endMs() - u.endMs())).as("end of %s", u.text()).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static void assertInvariants(Recording rec, AlignmentResult result) {
        SpeechMap speech = new SpeechMap(rec.speech(), rec.durationMs());
        long previousEnd = 0;
        for (Cue cue : result.cues()) {
            assertThat(cue.startMs()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(cue.endMs()).isGreaterThan(cue.startMs()).isLessThanOrEqualTo(rec.durationMs());
            assertThat(speech.inLongSilence(cue.startMs(), TOLERANCE)).as("start in silence: %s", cue).isFalse();
            previousEnd = cue.endMs();
        }
        assertThat(result.shareOfCueTimeOnSpeech()).isBetween(0.0, 1.0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void exactCuesStayAsTheyAre(long seed) {
        Recording rec = SpeechPatterns.twelveUtterances(seed);
        AlignmentResult result = align(rec, rec.truth());
        assertThat(result.cues()).isEqualTo(rec.truth());
        assertThat(result.cuesRetimed()).isZero();
        assertThat(result.largestCorrectionMs()).isZero();
        assertThat(result.shareOfCueTimeOnSpeech()).isEqualTo(1.0);
        assertThat(result.warning()).isNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void jitterIsSnappedWithoutRetiming(long seed) {
        Recording rec = SpeechPatterns.twelveUtterances(seed);
        List<Cue> model = jittered(rec.truth(), new Random(seed), 300);
        AlignmentResult result = align(rec, model);
        assertOnTruth(rec, result);
        assertThat(result.cues()).isEqualTo(rec.truth());
        assertThat(result.cuesRetimed()).isZero();
        assertThat(result.largestCorrectionMs()).isLessThanOrEqualTo(300);
        assertThat(result.warning()).isNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shiftIsUndone(long seed) {
        Recording rec = SpeechPatterns.twelveUtterances(seed);
        AlignmentResult result = align(rec, shifted(rec.truth(), 2_000));
        assertOnTruth(rec, result);
        assertThat(result.cuesRetimed()).isEqualTo(12);
        assertThat(result.largestCorrectionMs()).isEqualTo(2_000);
        assertThat(result.warning()).contains("most cues had to be re-timed");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void driftIsUndone(long seed) {
        Recording rec = SpeechPatterns.twelveUtterances(seed);
        List<Cue> model = scaled(rec.truth(), 1.15, 0);
        AlignmentResult result = align(rec, model);
        assertOnTruth(rec, result);
        long expectedLargest = model.get(11).endMs() - rec.truth().get(11).endMs();
        assertThat(result.largestCorrectionMs()).isEqualTo(expectedLargest);
        long expectedRetimed = java.util.stream.IntStream.range(0, 12)
                .filter(i -> model.get(i).endMs() - rec.truth().get(i).endMs() > TOLERANCE).count();
        assertThat(result.cuesRetimed()).isEqualTo((int) expectedRetimed);
        assertThat(result.warning()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void cuesRunningPastTheEndAreBroughtBack(long seed) {
        Recording rec = SpeechPatterns.twelveUtterances(seed);
        // the model's clock runs 20 % fast: the last cues lie after the end of the recording
        List<Cue> model = scaled(rec.truth(), 1.2, 0);
        assertThat(model.get(11).startMs()).isGreaterThan(rec.durationMs());
        assertOnTruth(rec, align(rec, model));
        // and only the last end overshoots
        AlignmentResult result = align(rec, runningPastEnd(rec.truth(), rec.durationMs(), 8_000));
        assertOnTruth(rec, result);
        assertThat(result.cuesRetimed()).isEqualTo(1);
        assertThat(result.largestCorrectionMs()).isEqualTo(rec.durationMs() + 8_000 - rec.truth().get(11).endMs());
        assertThat(result.warning()).isNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void inventedCueInSilenceIsDropped(long seed) {
        Recording rec = SpeechPatterns.twelveUtterances(seed);
        AlignmentResult result = align(rec, withInventedCue(rec, jittered(rec.truth(), new Random(seed), 300)));
        assertOnTruth(rec, result);
        assertThat(result.cues()).hasSize(12).noneMatch(c -> c.text().contains("thank you for watching"));
        assertThat(result.cuesRetimed()).isEqualTo(1);
        assertThat(result.warning()).isNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void allDistortionsTogether(long seed) {
        Recording rec = SpeechPatterns.twelveUtterances(seed);
        Random random = new Random(seed * 31);
        List<Cue> model = withInventedCue(rec, rec.truth());
        model = scaled(model, 1.15, 0);
        model = shifted(model, 2_000);
        model = jittered(model, random, 300);
        AlignmentResult result = align(rec, model);
        assertOnTruth(rec, result);
        assertThat(result.cues()).hasSize(12);
        assertThat(result.cuesRetimed()).isGreaterThan(6);
        assertThat(result.warning()).contains("most cues");
    }

    @Test
    void fullyImplausibleTimesAreSpreadOverTheSpeechByTextLength() {
        Recording rec = SpeechPatterns.twelveUtterances(42);
        // the model put everything into the first ten seconds, out of order
        List<Cue> model = rec.truth().stream().map(c -> c.withTimes(0, 10_000)).toList();
        AlignmentResult result = align(rec, model);
        assertThat(result.cues()).hasSize(12);
        assertThat(result.cuesRetimed()).isGreaterThan(6);
        assertThat(result.warning()).isNotNull();
        assertThat(result.shareOfCueTimeOnSpeech()).isGreaterThan(0.5);
        // in order, first cue on the first onset, last cue ends on the last offset
        assertThat(result.cues().get(0).startMs()).isEqualTo(rec.utterances().get(0).startMs());
        assertThat(result.cues().get(11).endMs()).isEqualTo(rec.utterances().get(11).endMs());
        for (int i = 0; i < 12; i++) {
            assertThat(result.cues().get(i).text()).isEqualTo(rec.truth().get(i).text());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void driftIsFittedPerSegmentAndTheSegmentsJoined(long seed) {
        Recording rec = SpeechPatterns.generate(new Random(seed), 36, 2_000, 6_000, 600, 4_000);
        List<Utterance> u = rec.utterances();
        long cut1 = (u.get(11).endMs() + u.get(12).startMs()) / 2;
        long cut2 = (u.get(23).endMs() + u.get(24).startMs()) / 2;
        long[][] bounds = {{0, cut1}, {cut1, cut2}, {cut2, rec.durationMs()}};
        double[] scales = {1.15, 0.9, 1.1};
        long[] shifts = {0, 2_000, -1_500};
        Random jitter = new Random(seed);
        List<SegmentTranscript> segments = new java.util.ArrayList<>();
        for (int s = 0; s < 3; s++) {
            long overlap = s == 0 ? 0 : 1_000;
            long audioStart = bounds[s][0] - overlap;
            long audioEnd = bounds[s][1];
            // what the model hears of this audio, on its own (wrong) clock, relative to the audio
            List<Cue> heard = rec.truth().stream()
                    .filter(c -> c.endMs() > audioStart && c.startMs() < audioEnd)
                    .map(c -> c.withTimes(Math.max(c.startMs(), audioStart) - audioStart, Math.min(c.endMs(), audioEnd) - audioStart))
                    .toList();
            List<Cue> model = jittered(shifted(scaled(heard, scales[s], 0), shifts[s]), jitter, 300);
            segments.add(new SegmentTranscript(bounds[s][0], bounds[s][1], overlap, model));
        }
        AlignmentResult result = aligner.alignSegments(segments, rec.speech(), rec.durationMs(), settings);
        assertInvariants(rec, result);
        assertOnTruth(rec, result);
        assertThat(result.cues()).hasSize(36);
        assertThat(result.warning()).isNotNull();
    }

    @Test
    void allSilenceGivesNoCuesAndAWarning() {
        Recording rec = SpeechPatterns.twelveUtterances(3);
        AlignmentResult result = aligner.align(rec.truth(), List.of(), rec.durationMs(), settings);
        assertThat(result.cues()).isEmpty();
        assertThat(result.cuesRetimed()).isEqualTo(12);
        assertThat(result.warning()).contains("no speech detected");
        assertThat(aligner.align(List.of(), List.of(), 60_000, settings).warning()).contains("no speech detected");
    }

    @Test
    void noCuesWithSpeechIsQuietlyEmpty() {
        Recording rec = SpeechPatterns.twelveUtterances(3);
        AlignmentResult result = aligner.align(List.of(), rec.speech(), rec.durationMs(), settings);
        assertThat(result.cues()).isEmpty();
        assertThat(result.warning()).isNull();
    }

    @Test
    void negativeAndNonMonotonicTimesAreRepaired() {
        Recording rec = SpeechPatterns.twelveUtterances(5);
        List<Cue> model = new java.util.ArrayList<>(rec.truth());
        Cue third = model.get(3);
        model.set(3, third.withTimes(model.get(1).startMs(), model.get(1).startMs() + 500)); // goes back in time
        model.set(0, model.get(0).withTimes(-3_000 + 0, model.get(0).endMs())); // cannot be built negative...
        AlignmentResult result = align(rec, model);
        assertThat(result.cues()).hasSize(12);
        assertThat(result.cues().get(3).text()).isEqualTo(third.text());
        assertThat(Math.abs(result.cues().get(3).startMs() - third.startMs())).isLessThanOrEqualTo(TOLERANCE);
    }

    static <T> T apply(T value, Function<T, T> f) {
        return f.apply(value);
    }
}

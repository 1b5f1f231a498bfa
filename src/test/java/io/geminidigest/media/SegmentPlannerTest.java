package io.geminidigest.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SegmentPlannerTest {

    /** 32 tokens/s, 12,000-token budget (375 s), 8,192 output tokens (819 s at 8/s), 10 min cap. */
    private static final SegmentPlanner.Settings SETTINGS = SegmentPlanner.Settings.defaults(12_000, 8_192);
    private final SegmentPlanner planner = new SegmentPlanner(SETTINGS);

    /** A 3-hour recording: bursts of speech with short pauses, some long silences, one 20-minute monologue. */
    private static SpeechMap threeHours(long seed) {
        Random random = new Random(seed);
        long duration = 3 * 3_600_000L;
        List<Region> speech = new ArrayList<>();
        long t = 1_000 + random.nextInt(5_000);
        while (t < duration - 60_000) {
            long length;
            if (t > 3_600_000 && t < 3_660_000 && speech.stream().noneMatch(r -> r.durationMs() > 600_000)) {
                length = 20 * 60_000; // a monologue without a single pause: forces cuts with overlap
            } else {
                length = 500 + random.nextInt(40_000);
            }
            speech.add(new Region(t, t + length));
            t += length;
            t += random.nextInt(10) == 0 ? 6_000 + random.nextInt(120_000) : 600 + random.nextInt(2_500);
        }
        return new SpeechMap(duration, speech, complement(speech, duration));
    }

    private static List<Region> complement(List<Region> speech, long duration) {
        List<Region> silences = new ArrayList<>();
        long cursor = 0;
        for (Region r : speech) {
            if (r.startMs() > cursor) {
                silences.add(new Region(cursor, r.startMs()));
            }
            cursor = r.endMs();
        }
        if (cursor < duration) {
            silences.add(new Region(cursor, duration));
        }
        return silences;
    }

    @Test
    void threeHourPlanRespectsAllRules() {
        for (long seed = 1; seed <= 20; seed++) {
            SpeechMap map = threeHours(seed);
            List<Segment> plan = planner.plan(map);

            assertThat(plan).isNotEmpty();
            long maxOutput = (long) (SegmentPlanner.OUTPUT_SHARE * SETTINGS.maxOutputTokens());
            for (int i = 0; i < plan.size(); i++) {
                Segment s = plan.get(i);
                assertThat(s.index()).isEqualTo(i);
                assertThat(s.estimatedTokens()).isLessThanOrEqualTo(SETTINGS.budgetTokens())
                        .isEqualTo(SETTINGS.inputTokens(s.durationMs()));
                assertThat(SETTINGS.outputTokens(s.durationMs())).isLessThanOrEqualTo(maxOutput);
                assertThat(s.durationMs()).isLessThanOrEqualTo(SETTINGS.maxSegmentMillis());
                if (i > 0) {
                    Segment previous = plan.get(i - 1);
                    assertThat(s.startMs()).isGreaterThanOrEqualTo(previous.endMs() - s.overlapBeforeMs());
                }
            }
            assertCoversAllSpeech(plan, map);
            assertCutsInSilenceWhenPossible(plan, map);
            assertLongSilencesSkipped(plan, map);
        }
    }

    @Test
    void forcedCutsInsideSpeechOverlap() {
        SpeechMap map = threeHours(7);
        List<Segment> plan = planner.plan(map);

        List<Segment> forced = plan.stream().filter(s -> s.overlapBeforeMs() > 0).toList();
        assertThat(forced).as("the 20-minute monologue needs forced cuts").isNotEmpty();
        for (Segment s : forced) {
            Segment previous = plan.get(s.index() - 1);
            assertThat(s.overlapBeforeMs()).isEqualTo(SETTINGS.overlapMillis());
            assertThat(previous.endMs() - s.startMs()).isEqualTo(SETTINGS.overlapMillis());
            assertThat(inSpeech(map, previous.endMs())).as("forced cut at %d is inside speech", previous.endMs())
                    .isTrue();
            assertThat(previous.durationMs()).isEqualTo(planner.maxLengthMillis());
        }
    }

    @Test
    void cutsAtTheMiddleOfTheLatestSilenceBeforeTheLimit() {
        // speech 0-100 s, pause 100-102 s, speech 102-300 s, pause 300-301 s, speech 301-500 s; limit 375 s
        SpeechMap map = map(600_000, 0, 100_000, 102_000, 300_000, 301_000, 500_000);

        List<Segment> plan = planner.plan(map);

        assertThat(plan).extracting(Segment::startMs).containsExactly(0L, 300_500L);
        assertThat(plan.get(0).endMs()).isEqualTo(300_500);
        assertThat(plan.get(1).endMs()).isEqualTo(500_200);
        assertThat(plan).allMatch(s -> s.overlapBeforeMs() == 0);
    }

    @Test
    void longSilencesAreNotSent() {
        // two talks separated by a 60 s pause; a 4 s pause inside the first is kept
        SpeechMap map = map(200_000, 10_000, 20_000, 24_000, 30_000, 90_000, 95_000);

        List<Segment> plan = planner.plan(map);

        assertThat(plan).containsExactly(
                new Segment(0, 9_800, 30_200, 0, SETTINGS.inputTokens(20_400)),
                new Segment(1, 89_800, 95_200, 0, SETTINGS.inputTokens(5_400)));
    }

    @Test
    void allSilenceGivesAnEmptyPlan() {
        SpeechMap silent = new SpeechMap(3_600_000, List.of(), List.of(new Region(0, 3_600_000)));

        assertThat(planner.plan(silent)).isEmpty();
    }

    @Test
    void tighterOutputLimitShortensSegments() {
        SegmentPlanner small = new SegmentPlanner(SegmentPlanner.Settings.defaults(1_000_000, 2_000));
        // 0.8 × 2000 / 8 = 200 s
        assertThat(small.maxLengthMillis()).isEqualTo(200_000);
        List<Segment> plan = small.plan(threeHours(3));
        assertThat(plan).allMatch(s -> s.durationMs() <= 200_000);
        assertCoversAllSpeech(plan, threeHours(3));
    }

    @Test
    void splitCutsAtTheSilenceNearestTheMiddle() {
        SpeechMap map = map(400_000, 0, 50_000, 52_000, 170_000, 171_000, 240_000, 243_000, 300_000);
        Segment whole = new Segment(4, 0, 300_000, 0, SETTINGS.inputTokens(300_000));

        List<Segment> halves = planner.split(whole, map);

        assertThat(halves).hasSize(2);
        assertThat(halves.get(0)).isEqualTo(new Segment(4, 0, 170_500, 0, SETTINGS.inputTokens(170_500)));
        assertThat(halves.get(1)).isEqualTo(new Segment(5, 170_500, 300_000, 0, SETTINGS.inputTokens(129_500)));
        assertThat(SegmentPlanner.renumber(halves)).extracting(Segment::index).containsExactly(0, 1);
    }

    @Test
    void splitWithoutSilenceOverlapsAtTheMiddle() {
        SpeechMap map = map(400_000, 0, 400_000);
        Segment whole = new Segment(0, 100_000, 300_000, 0, SETTINGS.inputTokens(200_000));

        List<Segment> halves = planner.split(whole, map);

        assertThat(halves.get(0).endMs()).isEqualTo(200_000);
        assertThat(halves.get(1).startMs()).isEqualTo(199_000);
        assertThat(halves.get(1).overlapBeforeMs()).isEqualTo(1_000);
        assertThat(halves.get(1).endMs()).isEqualTo(300_000);
    }

    @Test
    void tinySegmentIsNotSplit() {
        Segment tiny = new Segment(0, 0, 1_500, 0, 48);
        assertThat(planner.split(tiny, map(2_000, 0, 1_500))).containsExactly(tiny);
    }

    @Test
    void budgetTooSmallIsRefused() {
        assertThatThrownBy(() -> SegmentPlanner.Settings.defaults(100, 8_192))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raise the budget");
    }

    private static SpeechMap map(long duration, long... speechPairs) {
        List<Region> speech = new ArrayList<>();
        for (int i = 0; i < speechPairs.length; i += 2) {
            speech.add(new Region(speechPairs[i], speechPairs[i + 1]));
        }
        return new SpeechMap(duration, speech, complement(speech, duration));
    }

    private static void assertCoversAllSpeech(List<Segment> plan, SpeechMap map) {
        for (Region speech : map.speech()) {
            long covered = speech.startMs();
            for (Segment s : plan) {
                if (s.startMs() <= covered && s.endMs() > covered) {
                    covered = Math.max(covered, s.endMs());
                }
            }
            assertThat(covered).as("speech %s covered", speech).isGreaterThanOrEqualTo(speech.endMs());
        }
    }

    /** Every cut without overlap lies in a silence; a cut with overlap only where the window had no silence. */
    private void assertCutsInSilenceWhenPossible(List<Segment> plan, SpeechMap map) {
        for (int i = 1; i < plan.size(); i++) {
            Segment previous = plan.get(i - 1);
            Segment s = plan.get(i);
            if (s.overlapBeforeMs() == 0) {
                assertThat(inSpeech(map, s.startMs())).as("segment start %d is not inside speech", s.startMs())
                        .isFalse();
                assertThat(inSpeech(map, previous.endMs())).as("segment end %d not inside speech", previous.endMs())
                        .isFalse();
            } else {
                long windowFrom = previous.startMs()
                        + (long) (planner.maxLengthMillis() * SegmentPlanner.MIN_PROGRESS_SHARE);
                assertThat(map.silences()).as("no silence between %d and %d", windowFrom, previous.endMs())
                        .noneMatch(g -> g.endMs() > windowFrom && g.startMs() < previous.endMs());
            }
        }
    }

    /** No segment contains a whole silence longer than the long-silence limit. */
    private static void assertLongSilencesSkipped(List<Segment> plan, SpeechMap map) {
        for (Region silence : map.silences()) {
            if (silence.durationMs() <= SETTINGS.longSilenceMillis()) {
                continue;
            }
            for (Segment s : plan) {
                long overlap = Math.min(s.endMs(), silence.endMs()) - Math.max(s.startMs(), silence.startMs());
                assertThat(overlap).as("segment %s sends long silence %s", s, silence)
                        .isLessThanOrEqualTo(2 * SETTINGS.paddingMillis());
            }
        }
    }

    private static boolean inSpeech(SpeechMap map, long t) {
        return map.speech().stream().anyMatch(r -> r.startMs() < t && t < r.endMs());
    }
}

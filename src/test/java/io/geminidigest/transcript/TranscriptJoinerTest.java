package io.geminidigest.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminidigest.transcript.SpeechPatterns.Recording;
import io.geminidigest.transcript.SpeechPatterns.Utterance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TranscriptJoinerTest {

    /** What the model returns for the audio [audioStart, audioEnd): the utterances it hears, relative to the audio. */
    private static List<Cue> heard(Recording rec, long audioStart, long audioEnd) {
        return rec.truth().stream()
                .filter(c -> c.endMs() > audioStart && c.startMs() < audioEnd)
                .map(c -> c.withTimes(Math.max(c.startMs(), audioStart) - audioStart, Math.min(c.endMs(), audioEnd) - audioStart))
                .toList();
    }

    /** Three segments with 1 s overlaps; the cuts fall anywhere, also inside an utterance. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void threeSegmentsWithOverlapsJoinIntoOneTranscript(long seed) {
        Recording rec = SpeechPatterns.generate(new java.util.Random(seed), 30, 2_000, 6_000, 600, 4_000);
        long duration = rec.durationMs();
        long[] cuts = {0, duration / 3, 2 * duration / 3, duration};
        List<SegmentTranscript> segments = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            long overlap = s == 0 ? 0 : 1_000;
            segments.add(new SegmentTranscript(cuts[s], cuts[s + 1], overlap, heard(rec, cuts[s] - overlap, cuts[s + 1])));
        }
        List<Cue> joined = TranscriptJoiner.join(segments);

        // monotonic, non-overlapping, within [0, duration]
        long previousEnd = 0;
        for (Cue cue : joined) {
            assertThat(cue.startMs()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(cue.endMs()).isGreaterThan(cue.startMs()).isLessThanOrEqualTo(duration);
            previousEnd = cue.endMs();
        }
        // every utterance exactly once (no duplicate of the overlap text), and covering its speech:
        // the join leaves no gap where there was speech
        for (Utterance u : rec.utterances()) {
            List<Cue> withText = joined.stream().filter(c -> c.text().equals(u.text())).toList();
            assertThat(withText).as("cues for %s", u.text()).hasSize(1);
            Cue cue = withText.get(0);
            assertThat(cue.startMs()).isEqualTo(u.startMs());
            assertThat(cue.endMs()).isEqualTo(u.endMs());
        }
        assertThat(joined).hasSize(rec.utterances().size());
        assertThat(joined.get(0).startMs()).isEqualTo(rec.utterances().get(0).startMs());
        assertThat(joined.get(joined.size() - 1).endMs()).isEqualTo(rec.utterances().get(rec.utterances().size() - 1).endMs());
    }

    @Test
    void overlapSpeechIsTakenFromThePreviousSegmentAndSeamDuplicatesMerged() {
        List<SegmentTranscript> segments = List.of(
                new SegmentTranscript(0, 10_000, 0, List.of(
                        new Cue(1_000, 5_000, "Speaker 1", "The first sentence."),
                        new Cue(8_200, 10_000, "Speaker 2", "And now the second"))),
                // audio from 9 s: the model hears the overlap again, slightly differently
                new SegmentTranscript(10_000, 20_000, 1_000, List.of(
                        new Cue(0, 600, "Speaker 2", "the second"),                  // midpoint in the overlap: dropped
                        new Cue(300, 2_400, "Speaker 2", "And now, the second one."), // near-identical at the seam
                        new Cue(3_000, 6_000, "Speaker 1", "Third."))));
        List<Cue> joined = TranscriptJoiner.join(segments);
        assertThat(joined).containsExactly(
                new Cue(1_000, 5_000, "Speaker 1", "The first sentence."),
                new Cue(8_200, 11_400, "Speaker 2", "And now, the second one."),
                new Cue(12_000, 15_000, "Speaker 1", "Third."));
    }

    @Test
    void endsPassingTheNextStartAreTrimmedAndTimesClampedIntoTheSegment() {
        List<SegmentTranscript> segments = List.of(
                new SegmentTranscript(0, 10_000, 0, List.of(
                        new Cue(1_000, 4_000, "A", "alpha beta"),
                        new Cue(3_000, 12_000, "B", "gamma delta"))));
        assertThat(TranscriptJoiner.join(segments)).containsExactly(
                new Cue(1_000, 3_000, "A", "alpha beta"),
                new Cue(3_000, 10_000, "B", "gamma delta"));
    }

    @Test
    void anUtteranceCutAtTheSeamSpansBothSidesEvenWhenTheLaterStartIsLate() {
        List<SegmentTranscript> segments = List.of(
                new SegmentTranscript(0, 10_000, 0, List.of(new Cue(9_500, 10_000, "A", "we need to decide today"))),
                new SegmentTranscript(10_000, 20_000, 1_000, List.of(
                        new Cue(1_800, 5_000, "A", "we need to decide today"),
                        new Cue(6_000, 8_000, "B", "agreed"))));
        assertThat(TranscriptJoiner.join(segments)).containsExactly(
                new Cue(9_500, 14_000, "A", "we need to decide today"),
                new Cue(15_000, 17_000, "B", "agreed"));
    }

    @Test
    void nearlySameText() {
        assertThat(TranscriptJoiner.nearlySameText("And now the second", "and now, the second one.")).isTrue();
        assertThat(TranscriptJoiner.nearlySameText("Yes.", "No.")).isFalse();
        assertThat(TranscriptJoiner.nearlySameText("we need the budget now", "the budget is fine now")).isFalse();
    }
}

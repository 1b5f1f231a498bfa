package io.geminidigest.transcript;

import java.util.List;

/**
 * Outcome of {@link Aligner#align}.
 *
 * @param cues the aligned cues: sorted, non-overlapping, within the recording, none starting in a silence
 *        longer than the tolerance
 * @param cuesRetimed input cues whose start or end had to move by more than the tolerance (drift
 *        correction, proportional re-timing, clamping), plus cues dropped because no speech was left for
 *        them (e.g. text invented in a silence); snapping within the tolerance does not count
 * @param largestCorrectionMs the largest move of a start or end of a kept cue
 * @param shareOfCueTimeOnSpeech share of the total cue time that lies on detected speech, 0..1
 * @param warning a readable warning when most cues had to be re-timed or there is no speech, else
 *        {@code null}
 */
public record AlignmentResult(List<Cue> cues, int cuesRetimed, long largestCorrectionMs,
                              double shareOfCueTimeOnSpeech, String warning) {

    public AlignmentResult {
        cues = List.copyOf(cues);
    }

    public boolean hasWarning() {
        return warning != null;
    }
}

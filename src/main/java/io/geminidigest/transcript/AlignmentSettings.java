package io.geminidigest.transcript;

/**
 * Settings of the {@link Aligner}.
 *
 * @param toleranceMs snapping tolerance: a cue start (end) within this distance of a speech onset (offset)
 *        is moved onto it; a silence longer than this may not contain a cue start (default 500)
 * @param maxSilenceInCueMs a cue that, after alignment, spans a silence longer than this is implausible
 *        and is re-timed (default 3000)
 * @param minScale smallest time scale the drift fit considers (model time to real time, default 0.7)
 * @param maxScale largest time scale the drift fit considers (default 1.45)
 * @param maxShiftMs largest constant shift the drift fit considers (default 30 000)
 * @param weighting how text length is measured when cues are re-timed in proportion to their text
 */
public record AlignmentSettings(long toleranceMs, long maxSilenceInCueMs, double minScale, double maxScale,
                                long maxShiftMs, Weighting weighting) {

    /** Measure of text length for proportional re-timing. */
    public enum Weighting { CHARACTERS, WORDS }

    public AlignmentSettings {
        if (toleranceMs <= 0 || maxSilenceInCueMs < toleranceMs || minScale <= 0 || maxScale < minScale
                || maxShiftMs < 0 || weighting == null) {
            throw new IllegalArgumentException("invalid alignment settings");
        }
    }

    public static AlignmentSettings defaults() {
        return new AlignmentSettings(500, 3_000, 0.7, 1.45, 30_000, Weighting.CHARACTERS);
    }

    public AlignmentSettings withToleranceMs(long tolerance) {
        return new AlignmentSettings(tolerance, Math.max(maxSilenceInCueMs, tolerance), minScale, maxScale,
                maxShiftMs, weighting);
    }

    public AlignmentSettings withMaxSilenceInCueMs(long maxSilence) {
        return new AlignmentSettings(toleranceMs, maxSilence, minScale, maxScale, maxShiftMs, weighting);
    }

    public AlignmentSettings withWeighting(Weighting w) {
        return new AlignmentSettings(toleranceMs, maxSilenceInCueMs, minScale, maxScale, maxShiftMs, w);
    }
}

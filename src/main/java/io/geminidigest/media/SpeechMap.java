package io.geminidigest.media;

import java.util.List;

/**
 * Where a recording has sound ("speech") and where it is silent, as found by {@link SpeechDetector}.
 *
 * @param durationMillis duration of the recording
 * @param speech         sorted, non-overlapping regions with sound
 * @param silences       sorted, non-overlapping silent regions
 */
public record SpeechMap(long durationMillis, List<Region> speech, List<Region> silences) {

    public SpeechMap {
        speech = List.copyOf(speech);
        silences = List.copyOf(silences);
        requireSorted("speech", speech, durationMillis);
        requireSorted("silences", silences, durationMillis);
    }

    /** {@code true} when nothing but silence was found. */
    public boolean isSilent() {
        return speech.isEmpty();
    }

    /** Total milliseconds of speech. */
    public long speechMillis() {
        return speech.stream().mapToLong(Region::durationMs).sum();
    }

    private static void requireSorted(String what, List<Region> regions, long duration) {
        long previousEnd = 0;
        for (Region r : regions) {
            if (r.startMs() < previousEnd || r.endMs() > duration) {
                throw new IllegalArgumentException(what + " must be sorted, disjoint and within 0.." + duration
                        + ": " + regions);
            }
            previousEnd = r.endMs();
        }
    }
}

package io.geminidigest.transcript;

/**
 * A time interval of a recording, in milliseconds, end exclusive: typically a detected speech region.
 *
 * <p>Kept in this package on purpose (the media package defines its own region); the two are to be
 * reconciled later.
 */
public record Region(long startMs, long endMs) {

    public Region {
        if (startMs < 0 || endMs < startMs) {
            throw new IllegalArgumentException("bad region " + startMs + ".." + endMs);
        }
    }

    public long durationMs() {
        return endMs - startMs;
    }

    /** Whether {@code t} lies in {@code [startMs, endMs)}. */
    public boolean contains(long t) {
        return t >= startMs && t < endMs;
    }

    /** Length of the intersection with {@code [from, to)}, 0 when disjoint. */
    public long overlap(long from, long to) {
        return Math.max(0, Math.min(endMs, to) - Math.max(startMs, from));
    }
}

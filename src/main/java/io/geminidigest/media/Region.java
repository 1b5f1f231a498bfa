package io.geminidigest.media;

/**
 * A time interval of a recording, in milliseconds from its start.
 *
 * @param startMs inclusive start
 * @param endMs   exclusive end, {@code >= startMs}
 */
public record Region(long startMs, long endMs) {

    public Region {
        if (startMs < 0 || endMs < startMs) {
            throw new IllegalArgumentException("need 0 <= start <= end, was " + startMs + ".." + endMs);
        }
    }

    /** {@code endMs - startMs}. */
    public long durationMs() {
        return endMs - startMs;
    }

    /** The middle of the region. */
    public long middleMs() {
        return startMs + (endMs - startMs) / 2;
    }
}

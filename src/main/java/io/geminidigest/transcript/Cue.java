package io.geminidigest.transcript;

import java.util.Objects;

/**
 * One timed piece of transcript text.
 *
 * @param startMs start, in milliseconds (relative to a segment or to the recording, as the context says)
 * @param endMs end, in milliseconds, {@code >= startMs}
 * @param speaker speaker label such as "Speaker 1", or {@code null} when unknown
 * @param text the spoken text, never {@code null}
 */
public record Cue(long startMs, long endMs, String speaker, String text) {

    public Cue {
        Objects.requireNonNull(text, "text");
        if (endMs < startMs) {
            throw new IllegalArgumentException("cue ends before it starts: " + startMs + ".." + endMs);
        }
    }

    public long durationMs() {
        return endMs - startMs;
    }

    public Cue withTimes(long start, long end) {
        return new Cue(start, end, speaker, text);
    }

    public Cue shifted(long deltaMs) {
        return new Cue(startMs + deltaMs, endMs + deltaMs, speaker, text);
    }

    /** Midpoint, used to decide which side of a seam a cue belongs to. */
    public long midpointMs() {
        return startMs + (endMs - startMs) / 2;
    }
}

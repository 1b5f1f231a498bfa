package io.geminidigest.media;

/**
 * One request's worth of a long recording, planned by {@link SegmentPlanner}.
 *
 * @param index           position in the plan, from 0
 * @param startMs         start in the recording
 * @param endMs           end in the recording
 * @param overlapBeforeMs how much of the start repeats the end of the previous segment (non-zero only where a
 *                        segment had to be cut inside speech); the transcript of that part is a duplicate
 * @param estimatedTokens estimated input tokens of the segment's audio
 */
public record Segment(int index, long startMs, long endMs, long overlapBeforeMs, long estimatedTokens) {

    public Segment {
        if (index < 0 || startMs < 0 || endMs <= startMs || overlapBeforeMs < 0 || estimatedTokens < 0) {
            throw new IllegalArgumentException("invalid segment " + index + ": " + startMs + ".." + endMs
                    + " overlap " + overlapBeforeMs + " tokens " + estimatedTokens);
        }
    }

    /** {@code endMs - startMs}. */
    public long durationMs() {
        return endMs - startMs;
    }

    /** The same segment with another index. */
    public Segment withIndex(int newIndex) {
        return new Segment(newIndex, startMs, endMs, overlapBeforeMs, estimatedTokens);
    }
}

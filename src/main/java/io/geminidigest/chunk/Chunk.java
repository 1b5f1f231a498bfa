package io.geminidigest.chunk;

import java.util.Objects;

/**
 * One piece of a source text, as produced by {@link TextChunker}.
 *
 * <p>{@code [start, end)} is the chunk's own part of the source: the own parts of consecutive
 * chunks are contiguous and concatenated reproduce the source exactly. {@code text} is what is
 * sent to the model, {@code source.substring(overlapStart, end)}: the own part preceded by
 * {@code [overlapStart, start)}, context repeated from the previous chunk
 * ({@code overlapStart == start} when there is no overlap).
 *
 * @param index           position in the chunk list, from 0
 * @param start           start of the own part in the source (inclusive)
 * @param end             end of the own part in the source (exclusive)
 * @param overlapStart    start of {@code text} in the source, {@code <= start}
 * @param text            the text to send, {@code source[overlapStart, end)}
 * @param estimatedTokens the estimate of {@code text}
 */
public record Chunk(int index, int start, int end, int overlapStart, String text, int estimatedTokens) {

    public Chunk {
        Objects.requireNonNull(text, "text");
        if (index < 0 || overlapStart < 0 || overlapStart > start || start >= end
                || text.length() != end - overlapStart || estimatedTokens < 0) {
            throw new IllegalArgumentException(String.format(
                    "inconsistent chunk: index=%d overlapStart=%d start=%d end=%d text length=%d tokens=%d",
                    index, overlapStart, start, end, text.length(), estimatedTokens));
        }
    }

    /** The chunk's own part, {@code source[start, end)}, without the overlap. */
    public String ownText() {
        return text.substring(start - overlapStart);
    }

    /** Length of the repeated context before {@code start}, in chars. */
    public int overlapLength() {
        return start - overlapStart;
    }

    @Override
    public String toString() {
        return "Chunk[#" + index + " " + start + ".." + end + " overlap from " + overlapStart
                + ", ~" + estimatedTokens + " tokens]";
    }
}

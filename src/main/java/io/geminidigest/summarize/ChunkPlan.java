package io.geminidigest.summarize;

import java.util.List;

import io.geminidigest.chunk.Chunk;
import io.geminidigest.chunk.ChunkBudget;

/**
 * How a document is cut for the map step.
 *
 * @param budget          the budget every request's text stays under
 * @param chunks          the chunks, in document order
 * @param estimatedTokens the estimate of the whole text
 */
public record ChunkPlan(ChunkBudget budget, List<Chunk> chunks, int estimatedTokens) {

    public ChunkPlan {
        chunks = List.copyOf(chunks);
    }

    public boolean fitsOneRequest() {
        return chunks.size() <= 1;
    }

    public int largestChunkTokens() {
        return chunks.stream().mapToInt(Chunk::estimatedTokens).max().orElse(0);
    }
}

package io.geminidigest.summarize;

import java.util.List;
import java.util.function.ToIntFunction;

import io.geminidigest.chunk.Chunk;
import io.geminidigest.chunk.ChunkBudget;
import io.geminidigest.chunk.TextChunker;
import io.geminidigest.chunk.TokenEstimator;

/**
 * Cuts a document's text into chunks under the current budget. The budget is held as a value and can be replaced
 * (the model's limits arrive at start-up; a limiter may tighten it later), so every plan uses the budget in force
 * when it is made.
 */
public final class ChunkPlanner {

    private final TokenEstimator estimator;
    private final int overlapTokens;
    private final double confirmNearFraction;
    private volatile ChunkBudget budget;

    public ChunkPlanner(TokenEstimator estimator, ChunkBudget budget, int overlapTokens, double confirmNearFraction) {
        this.estimator = estimator;
        this.budget = budget;
        this.overlapTokens = overlapTokens;
        this.confirmNearFraction = confirmNearFraction;
    }

    public ChunkBudget budget() {
        return budget;
    }

    /** Tokens the current budget allows per request (media segments are planned under the same budget). */
    public int budgetTokens() {
        return budget.tokens();
    }

    /** Tokens {@code jobBudget} allows per request (a job's own model), or the budget in force when it is null. */
    public int budgetTokens(ChunkBudget jobBudget) {
        return jobBudget != null ? jobBudget.tokens() : budget.tokens();
    }

    public void setBudget(ChunkBudget budget) {
        this.budget = budget;
    }

    /** Plans without confirmation: the local estimate is trusted (estimate-only mode, tests). */
    public ChunkPlan plan(String text) {
        return plan(text, null);
    }

    /**
     * Plans; chunks whose estimate is near the budget are confirmed with {@code exactCounter} (countTokens) and cut
     * further if the exact count is over.
     */
    public ChunkPlan plan(String text, ToIntFunction<String> exactCounter) {
        return plan(text, exactCounter, null);
    }

    /**
     * As below, for a job with its own {@code model} (or null): chunks are confirmed by that model's count when the
     * counter can count for another model ({@link ModelTokenCounter}).
     */
    public ChunkPlan plan(String text, ToIntFunction<String> exactCounter, ChunkBudget jobBudget, String model) {
        ToIntFunction<String> counter = exactCounter instanceof ModelTokenCounter m ? m.forModel(model) : exactCounter;
        return plan(text, counter, jobBudget);
    }

    /** As above, under {@code jobBudget} (a job's own model) when there is one, else under the budget in force. */
    public ChunkPlan plan(String text, ToIntFunction<String> exactCounter, ChunkBudget jobBudget) {
        ChunkBudget b = jobBudget != null ? jobBudget : budget;
        TextChunker chunker = new TextChunker(estimator, b.tokens(), overlapTokens);
        List<Chunk> chunks = exactCounter == null ? chunker.split(text)
                : chunker.split(text, exactCounter, confirmNearFraction);
        return new ChunkPlan(b, chunks, estimator.estimate(text));
    }
}

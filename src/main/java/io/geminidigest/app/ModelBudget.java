package io.geminidigest.app;

import io.geminidigest.chunk.ChunkBudget;

/**
 * The parts of the chunk budget known from the configuration; the model's input limit arrives at start-up
 * (preflight) and completes it.
 */
public record ModelBudget(int pricingCliffTokens, double cliffMargin, int tokensPerMinute, int promptTemplateTokens,
        int reservedOutputTokens) {

    public ChunkBudget forModel(int modelInputTokenLimit) {
        return ChunkBudget.of(pricingCliffTokens, cliffMargin, modelInputTokenLimit, tokensPerMinute,
                promptTemplateTokens, reservedOutputTokens);
    }
}

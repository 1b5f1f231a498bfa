package io.geminidigest.app;

import io.geminidigest.chunk.ChunkBudget;
import io.geminidigest.limits.RateLimits;

/**
 * The parts of the chunk budget known from the configuration; the model's input limit arrives at start-up
 * (preflight) and completes it.
 */
public record ModelBudget(int pricingCliffTokens, double cliffMargin, int tokensPerMinute, int promptTemplateTokens,
        int reservedOutputTokens) {

    /**
     * The share of the tokens-per-minute limit one request may take: {@code TPM × (1 − margin) / parts}, so that
     * several requests share a rolling minute (the limiter's window is then left with at most a fraction of a request
     * unused), but never more parts than 80% of the requests-per-minute limit, so that the requests per minute do not
     * bind before the tokens do (e.g. 5 requests per minute: at most 4 parts). 0 (unlimited) without a
     * tokens-per-minute limit.
     */
    public static int tokensPerMinuteShare(RateLimits limits, int parts) {
        long tpm = limits.effectiveTokensPerMinute();
        if (tpm == 0) {
            return 0;
        }
        int n = Math.max(1, parts);
        if (limits.requestsPerMinute() > 0) {
            n = Math.min(n, Math.max(1, limits.requestsPerMinute() * 4 / 5));
        }
        return (int) Math.min(Integer.MAX_VALUE, tpm / n);
    }

    public ChunkBudget forModel(int modelInputTokenLimit) {
        return ChunkBudget.of(pricingCliffTokens, cliffMargin, modelInputTokenLimit, tokensPerMinute,
                promptTemplateTokens, reservedOutputTokens);
    }
}

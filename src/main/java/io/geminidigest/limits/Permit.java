package io.geminidigest.limits;

import java.time.Instant;

/**
 * The right to send one call, handed out by {@link GenerationLimiter#acquire}. Give it back exactly once with
 * {@link GenerationLimiter#settle} (answer received) or {@link GenerationLimiter#release} (failed before an answer);
 * both are idempotent.
 *
 * @param id               unique per limiter, identifies the permit for idempotent release
 * @param estimatedTokens  the input tokens charged at acquisition (the call's estimate; 0 when not metered)
 * @param waitMillis       how long {@code acquire} waited (limiter time)
 * @param acquiredAt       when the permit was granted
 * @param metered          whether the call counts against the generation limits
 */
public record Permit(long id, int estimatedTokens, long waitMillis, Instant acquiredAt, boolean metered) {
}

package io.geminidigest.limits;

import java.time.Instant;

/**
 * A snapshot of the limiter's counters, for metrics and logs (no metrics dependency here: the Camel layer exports
 * them).
 *
 * @param totalWaitMillis             total time metered acquisitions spent waiting
 * @param acquisitions                metered permits granted
 * @param tokensCharged               sum of the estimates charged at acquisition
 * @param tokensSettled               sum of the server's {@code promptTokenCount} reported through {@code settle}
 * @param effectiveRequestsPerMinute  the request rate currently paced at (after the 429 adaptation; 0 = unlimited)
 * @param effectiveTokensPerMinute    the token limit currently paced at (after margin and adaptation; 0 = unlimited)
 * @param rateLimitAdaptations        how often a per-minute 429 lowered the rate
 * @param inFlight                    metered permits currently outstanding
 * @param requestsToday               metered requests counted since the last daily reset
 * @param parked                      whether the limiter is parked
 * @param parkedUntil                 when parking ends, or null
 */
public record LimiterStats(long totalWaitMillis, long acquisitions, long tokensCharged, long tokensSettled,
        double effectiveRequestsPerMinute, double effectiveTokensPerMinute, long rateLimitAdaptations, int inFlight,
        long requestsToday, boolean parked, Instant parkedUntil) {
}

package io.geminidigest.limits;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;

/**
 * Which failed Gemini calls are tried again, and after how long: exponential backoff with full jitter
 * ({@code random(0, min(cap, initial * multiplier^(attempt-1)))}); when the server says how long to wait
 * ({@code RetryInfo.retryDelay}), that delay plus a little jitter wins if it is longer. Per-minute 429s, 500, 503,
 * 504 and network failures are retried; client errors (400, 403, 404) and incomplete answers are not.
 * <p>
 * Pure decision logic: the gateway route's error handler asks it and does the waiting (Camel redelivery).
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final DoubleSupplier random;

    public RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
        this(maxAttempts, initialDelay, multiplier, maxDelay, () -> ThreadLocalRandom.current().nextDouble());
    }

    RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, DoubleSupplier random) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("gemini.retry.max-attempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.multiplier = multiplier;
        this.maxDelay = maxDelay;
        this.random = random;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether this failure is of a kind that is retried at all. */
    public static boolean isRetryable(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof GeminiException g) {
            return g.isRetryable();
        }
        return t instanceof IOException;
    }

    /**
     * The delay before the next attempt, or empty when the call must not be tried again.
     *
     * @param failure       what the last attempt threw
     * @param attemptsSoFar how many attempts were made (1 after the first failure)
     */
    public Optional<Duration> nextDelay(Throwable failure, int attemptsSoFar) {
        if (!isRetryable(failure) || attemptsSoFar >= maxAttempts) {
            return Optional.empty();
        }
        return Optional.of(delay(failure, attemptsSoFar));
    }

    /** Backoff for the given attempt, honouring a longer server delay. */
    public Duration delay(Throwable failure, int attemptsSoFar) {
        double ceiling = Math.min(maxDelay.toMillis(), initialDelay.toMillis()
                * Math.pow(multiplier, Math.max(0, attemptsSoFar - 1)));
        long backoff = (long) (random.getAsDouble() * ceiling);
        Throwable t = unwrap(failure);
        if (t instanceof GeminiException g && g.retryDelay().isPresent()) {
            long server = g.retryDelay().get().toMillis();
            // a little jitter on top of the server's delay, so that waiting workers do not all retry at once
            long serverWithJitter = server + (long) (random.getAsDouble() * Math.min(1000, Math.max(50, server / 10)));
            return Duration.ofMillis(Math.max(backoff, serverWithJitter));
        }
        return Duration.ofMillis(backoff);
    }

    /** Exceptions arrive wrapped by Camel (e.g. in a CamelExecutionException): look at the cause that matters. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; i < 10 && t != null; i++) {
            if (t instanceof GeminiException || t instanceof IOException) {
                return t;
            }
            t = t.getCause();
        }
        return failure;
    }

    /** The kind of a failure, {@link GeminiErrorKind#NETWORK} for I/O errors, or null if it is neither. */
    public static GeminiErrorKind kindOf(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof GeminiException g) {
            return g.kind();
        }
        return t instanceof IOException ? GeminiErrorKind.NETWORK : null;
    }
}

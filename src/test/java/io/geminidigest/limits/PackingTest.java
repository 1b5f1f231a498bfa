package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Waiters in real time (calls released at once: they count from their admission) (a scaled minute of 600 ms, window 700 ms with the 100 ms skew floor): first come, first served,
 * except that a smaller call may pass a head that does not fit yet when that cannot delay the head.
 */
class PackingTest {

    private static final RateLimits LIMITS = RateLimits.of(0, 100_000, 0, 0).withMargin(0).withTimeScale(0.01);

    @Test
    void aSmallerCallThatCannotDelayTheHeadGoesFirst() throws Exception {
        try (GenerationLimiter limiter = new GenerationLimiter(LIMITS)) {
            limiter.release(limiter.acquire(Calls.generate(60_000)));
            CompletableFuture<Long> head = acquireAsync(limiter, 60_000);
            Thread.sleep(100);
            // 60,000 + 30,000 fit now; when the first 60,000 leaves, 30,000 + 60,000 still fit: the head is not delayed
            CompletableFuture<Long> small = acquireAsync(limiter, 30_000);
            long smallWait = small.get(5, TimeUnit.SECONDS);
            assertThat(head).isNotDone();
            assertThat(smallWait).isLessThan(400);
            assertThat(head.get(5, TimeUnit.SECONDS)).isBetween(450L, 1_500L);
        }
    }

    @Test
    void aSmallerCallThatWouldDelayTheHeadWaitsBehindIt() throws Exception {
        try (GenerationLimiter limiter = new GenerationLimiter(LIMITS)) {
            limiter.release(limiter.acquire(Calls.generate(30_000)));
            limiter.release(limiter.acquire(Calls.generate(40_000)));
            CompletableFuture<Long> head = acquireAsync(limiter, 60_000);
            Thread.sleep(100);
            // 70,000 + 25,000 fit now, but when the head fits (the 30,000 left) 40,000 + 60,000 + 25,000 would not
            CompletableFuture<Long> other = acquireAsync(limiter, 25_000);
            CompletableFuture.anyOf(head, other).get(5, TimeUnit.SECONDS);
            assertThat(head).isDone();
            other.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void fifoOnlyMakesEveryCallWaitForTheHead() throws Exception {
        try (GenerationLimiter limiter = new GenerationLimiter(LIMITS).packing(false)) {
            limiter.release(limiter.acquire(Calls.generate(60_000)));
            CompletableFuture<Long> head = acquireAsync(limiter, 60_000);
            Thread.sleep(100);
            CompletableFuture<Long> small = acquireAsync(limiter, 30_000);
            CompletableFuture.anyOf(head, small).get(5, TimeUnit.SECONDS);
            assertThat(head).isDone();
            small.get(5, TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<Long> acquireAsync(GenerationLimiter limiter, int tokens) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return limiter.acquire(Calls.generate(tokens)).waitMillis();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}

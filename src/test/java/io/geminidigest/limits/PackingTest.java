package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Waiters in real time (calls released at once: they count from their admission) (a scaled minute of 600 ms, window 700 ms with the 100 ms skew floor): first come, first served,
 * except that a smaller call may pass a head that does not fit yet when that cannot delay the head.
 */
/**
 * Packing of waiting calls, in real time (the waiters are threads). The window is 3 s and the margins are wide so that
 * a loaded machine cannot change the outcome: what is asserted is the order of admission, not how fast it was.
 */
class PackingTest {

    private static final RateLimits LIMITS = RateLimits.of(0, 100_000, 0, 0).withMargin(0).withTimeScale(0.05);

    @Test
    void aSmallerCallThatCannotDelayTheHeadGoesFirst() throws Exception {
        try (GenerationLimiter limiter = new GenerationLimiter(LIMITS)) {
            limiter.release(limiter.acquire(Calls.generate(60_000)));
            CompletableFuture<Permit> head = acquireAsync(limiter, 60_000);
            Thread.sleep(300);
            // 60,000 + 30,000 fit now; when the first 60,000 leaves, 30,000 + 60,000 still fit: the head is not delayed
            CompletableFuture<Permit> small = acquireAsync(limiter, 30_000);
            Permit smallPermit = small.get(10, TimeUnit.SECONDS);
            Permit headPermit = head.get(10, TimeUnit.SECONDS);
            assertThat(smallPermit.acquiredAt()).isBefore(headPermit.acquiredAt());
            assertThat(headPermit.waitMillis()).isGreaterThan(2_000L);
        }
    }

    @Test
    void aSmallerCallThatWouldDelayTheHeadWaitsBehindIt() throws Exception {
        try (GenerationLimiter limiter = new GenerationLimiter(LIMITS)) {
            limiter.release(limiter.acquire(Calls.generate(30_000)));
            limiter.release(limiter.acquire(Calls.generate(40_000)));
            CompletableFuture<Permit> head = acquireAsync(limiter, 60_000);
            Thread.sleep(300);
            // 70,000 + 25,000 fit now, but when the head fits (the 30,000 left) 40,000 + 60,000 + 25,000 would not
            CompletableFuture<Permit> other = acquireAsync(limiter, 25_000);
            head.get(15, TimeUnit.SECONDS);
            Permit otherPermit = other.get(15, TimeUnit.SECONDS);
            // it fitted at once, but going then would have delayed the head: it waited for the head's turn (~2.7 s)
            assertThat(otherPermit.waitMillis()).isGreaterThan(1_500L);
        }
    }

    @Test
    void fifoOnlyMakesEveryCallWaitForTheHead() throws Exception {
        try (GenerationLimiter limiter = new GenerationLimiter(LIMITS).packing(false)) {
            limiter.release(limiter.acquire(Calls.generate(60_000)));
            CompletableFuture<Permit> head = acquireAsync(limiter, 60_000);
            Thread.sleep(300);
            CompletableFuture<Permit> small = acquireAsync(limiter, 30_000);
            head.get(15, TimeUnit.SECONDS);
            Permit smallPermit = small.get(15, TimeUnit.SECONDS);
            // it fitted at once, but first come is first served: it waited for the head's turn (~2.7 s)
            assertThat(smallPermit.waitMillis()).isGreaterThan(1_500L);
        }
    }

    private static CompletableFuture<Permit> acquireAsync(GenerationLimiter limiter, int tokens) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return limiter.acquire(Calls.generate(tokens));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}

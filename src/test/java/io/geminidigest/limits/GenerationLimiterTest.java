package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;

class GenerationLimiterTest {

    /** 100,000 TPM without margin: burst 5,000 tokens, refill 95,000 per minute. */
    private static final RateLimits TOKENS_ONLY = RateLimits.of(0, 100_000, 0, 0).withMargin(0);

    private final SimulatedTime time = new SimulatedTime();

    @Test
    void aCallOverTheTokensPerMinuteIsRefusedAtOnce() {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        long before = time.currentTimeNanos();
        assertThatThrownBy(() -> limiter.acquire(Calls.generate(100_001)))
                .isInstanceOfSatisfying(GeminiException.class,
                        e -> assertThat(e.kind()).isEqualTo(GeminiErrorKind.OVER_TOKENS_PER_MINUTE))
                .hasMessageContaining("100001").hasMessageContaining("100000");
        assertThat(time.currentTimeNanos()).isEqualTo(before);
        assertThat(limiter.stats().acquisitions()).isZero();
    }

    @Test
    void aCallAtTheLimitPassesEventually() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        limiter.settle(limiter.acquire(Calls.generate(100_000)), 100_000);
        Permit second = limiter.acquire(Calls.generate(100_000));
        // a request over 95% of the limit waits for a quiet minute
        assertThat(second.waitMillis()).isBetween(60_000L, 61_000L);
    }

    @Test
    void nonMeteredCallsPassAtOnceEvenWhenParked() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(1, 10, 1, 1), time);
        limiter.park(time.now().plus(Duration.ofHours(1)), "test");
        Permit permit = limiter.acquire(Calls.countTokens());
        assertThat(permit.metered()).isFalse();
        assertThat(permit.waitMillis()).isZero();
        limiter.release(permit);
        assertThat(limiter.stats().acquisitions()).isZero();
    }

    @Test
    void settlingHigherChargesTheDifference() throws Exception {
        long plainWait = waitAfterSettling(5_000, 5_000);
        long lowEstimateWait = waitAfterSettling(5_000, 10_000);
        // 1,000 tokens at 95,000/min: ~632 ms; after a 5,000 debt: 6,000 tokens, ~3.8 s
        assertThat(plainWait).isBetween(600L, 700L);
        assertThat(lowEstimateWait).isBetween(3_700L, 3_850L);
    }

    @Test
    void settlingLowerGivesTokensBack() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        limiter.settle(limiter.acquire(Calls.generate(5_000)), 1_000);
        Permit next = limiter.acquire(Calls.generate(4_000));
        assertThat(next.waitMillis()).isZero();
        LimiterStats stats = limiter.stats();
        assertThat(stats.tokensCharged()).isEqualTo(9_000);
        assertThat(stats.tokensSettled()).isEqualTo(1_000);
    }

    @Test
    void settleAndReleaseAreIdempotent() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        Permit permit = limiter.acquire(Calls.generate(5_000));
        limiter.settle(permit, 10_000);
        limiter.settle(permit, 10_000);
        limiter.release(permit);
        assertThat(limiter.stats().tokensSettled()).isEqualTo(10_000);
        // one debt of 5,000, not two: 6,000 tokens to wait for
        assertThat(limiter.acquire(Calls.generate(1_000)).waitMillis()).isBetween(3_700L, 3_850L);
    }

    private long waitAfterSettling(int estimate, int actual) throws Exception {
        SimulatedTime clock = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, clock);
        limiter.settle(limiter.acquire(Calls.generate(estimate)), actual);
        return limiter.acquire(Calls.generate(1_000)).waitMillis();
    }

    @Test
    void aRateLimitSlowsDownBlocksForTheRetryDelayAndRecovers() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(60, 100_000, 0, 0).withMargin(0), time);
        assertThat(limiter.stats().effectiveTokensPerMinute()).isEqualTo(100_000);
        assertThat(limiter.stats().effectiveRequestsPerMinute()).isEqualTo(60);

        limiter.onRateLimited(new GeminiException(GeminiErrorKind.RATE_LIMITED, 429, "RESOURCE_EXHAUSTED",
                "quota", Duration.ofSeconds(30), "GenerateContentInputTokensPerModelPerMinute"));
        LimiterStats slowed = limiter.stats();
        assertThat(slowed.rateLimitAdaptations()).isEqualTo(1);
        assertThat(slowed.effectiveTokensPerMinute()).isEqualTo(80_000);
        assertThat(slowed.effectiveRequestsPerMinute()).isEqualTo(48);

        Permit blocked = limiter.acquire(Calls.generate(10));
        assertThat(blocked.waitMillis()).isBetween(30_000L, 31_000L);
        limiter.release(blocked);

        // repeated 429s never go below the floor
        for (int i = 0; i < 20; i++) {
            limiter.onRateLimited(new GeminiException(GeminiErrorKind.RATE_LIMITED, "no details"));
        }
        assertThat(limiter.stats().effectiveTokensPerMinute()).isEqualTo(25_000);

        // +5% per clean minute: 15 minutes later back at the configured rate (recovery is applied on acquisition)
        time.advance(Duration.ofMinutes(15));
        limiter.release(limiter.acquire(Calls.generate(10)));
        assertThat(limiter.stats().effectiveTokensPerMinute()).isEqualTo(100_000);
        assertThat(limiter.stats().effectiveRequestsPerMinute()).isEqualTo(60);
    }

    @Test
    void aRateLimitWithoutRetryDelayBlocksForOneWindow() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY.withTimeScale(0.01), time);
        limiter.onRateLimited(new GeminiException(GeminiErrorKind.RATE_LIMITED, "Resource has been exhausted"));
        assertThat(limiter.acquire(Calls.generate(10)).waitMillis()).isBetween(600L, 700L);
    }

    @Test
    void theInFlightCapMakesTheNextCallWaitForARelease() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(0, 0, 0, 2), time);
        Permit first = limiter.acquire(Calls.generate(10));
        Permit second = limiter.acquire(Calls.generate(10));
        assertThat(limiter.stats().inFlight()).isEqualTo(2);

        CompletableFuture<Permit> third = CompletableFuture.supplyAsync(() -> {
            try {
                return limiter.acquire(Calls.generate(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(third).isNotDone();

        limiter.release(first);
        limiter.release(first); // idempotent: frees one slot only
        assertThat(third.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(limiter.stats().inFlight()).isEqualTo(2);

        CompletableFuture<Permit> fourth = CompletableFuture.supplyAsync(() -> {
            try {
                return limiter.acquire(Calls.generate(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(fourth).isNotDone();
        limiter.settle(second, 10);
        assertThat(fourth.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void anInterruptedAcquisitionChargesNothingAndFreesItsSlot() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(0, 0, 0, 1), time);
        limiter.park(time.now().plus(Duration.ofDays(1)), "test");
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> limiter.acquire(Calls.generate(10))).isInstanceOf(InterruptedException.class);
        assertThat(limiter.stats().inFlight()).isZero();
        assertThat(limiter.stats().acquisitions()).isZero();
    }
}

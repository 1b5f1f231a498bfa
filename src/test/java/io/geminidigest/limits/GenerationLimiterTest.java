package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;

class GenerationLimiterTest {

    /** 100,000 TPM without margin, counted over 60 s + 250 ms skew allowance. */
    private static final RateLimits TOKENS_ONLY = RateLimits.of(0, 100_000, 0, 0).withMargin(0);
    private static final long WINDOW_MILLIS = 60_250;
    /**
     * A call answered at once (the simulated clock does not move) counts the minute from its answer, without the
     * skew allowance: the answer proves the server charged it before.
     */
    private static final long ANSWERED_MILLIS = 60_000;

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
        // waits until the first leaves the window: answered at once, 60 s after its answer
        assertThat(second.waitMillis()).isEqualTo(ANSWERED_MILLIS);
    }

    @Test
    void callsFillTheWindowExactlyToTheLimit() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        for (int i = 0; i < 4; i++) {
            Permit permit = limiter.acquire(Calls.generate(25_000));
            assertThat(permit.waitMillis()).isZero();
            limiter.settle(permit, 25_000);
        }
        // the fifth waits for the first to leave the window, not longer
        assertThat(limiter.acquire(Calls.generate(25_000)).waitMillis()).isEqualTo(ANSWERED_MILLIS);
    }

    @Test
    void aCallInFlightCountsUntilTheLatestItsChargeCanLeaveTheServersWindow() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        Permit first = limiter.acquire(Calls.generate(60_000));
        // not answered yet: it could have reached the server up to 1 s after admission
        assertThat(limiter.acquire(Calls.generate(60_000)).waitMillis()).isEqualTo(61_000);

        // answered 400 ms after admission: the server charged it by then, it counts until 400 ms + 60 s
        SimulatedTime clock = new SimulatedTime();
        GenerationLimiter answered = new GenerationLimiter(TOKENS_ONLY, clock);
        Permit p = answered.acquire(Calls.generate(60_000));
        clock.advance(Duration.ofMillis(400));
        answered.settle(p, 60_000);
        assertThat(answered.acquire(Calls.generate(60_000)).waitMillis()).isEqualTo(60_000);
        // answered 30 ms after admission, less than the skew allowance: the answer bounds the charge, 30 ms + 60 s
        SimulatedTime clock3 = new SimulatedTime();
        GenerationLimiter quick = new GenerationLimiter(TOKENS_ONLY, clock3);
        Permit q = quick.acquire(Calls.generate(60_000));
        clock3.advance(Duration.ofMillis(30));
        quick.settle(q, 60_000);
        assertThat(quick.acquire(Calls.generate(60_000)).waitMillis()).isEqualTo(60_000);
        // failed at once without an answer: admission + 60 s + the skew allowance
        SimulatedTime clock2 = new SimulatedTime();
        GenerationLimiter fast = new GenerationLimiter(TOKENS_ONLY, clock2);
        fast.release(fast.acquire(Calls.generate(60_000)));
        assertThat(fast.acquire(Calls.generate(60_000)).waitMillis()).isEqualTo(WINDOW_MILLIS);
        limiter.release(first);
    }

    /**
     * MediaBench run A's 429: the first 4 MB inline segment was charged by the server 1.3 s after our admission
     * (serialising, sending and reading megabytes on a loaded machine) and answered just after; counted until
     * admission + 1 s + the minute, it left our window 0.3 s before the server's, and the call admitted then was
     * answered 429. A call's possible charge delay grows with its inline bytes (1 s more per MiB at the default
     * rate), never beyond its answer.
     */
    @Test
    void aLargeInlineRequestCountsUntilItsAnswerPlusTheMinuteWhenItsChargeCouldHaveComeThatLate() throws Exception {
        RateLimits limits = RateLimits.of(0, 100_000, 0, 0).withMargin(0);
        int fourMiB = 4 << 20;
        GenerationLimiter limiter = new GenerationLimiter(limits, time).sendRate(1 << 20);
        Permit inline = limiter.acquire(Calls.generateInline(60_000, fourMiB));
        time.advance(Duration.ofMillis(1_400)); // answered 1.4 s after admission: the charge may be 1.3 s in
        limiter.settle(inline, 60_000);
        assertThat(limiter.acquire(Calls.generate(60_000)).waitMillis()).as("until the answer + the minute")
                .isEqualTo(60_000);

        // in flight, it counts for 1 s + 4 s (4 MiB at 1 MiB/s) beyond the minute
        SimulatedTime clock = new SimulatedTime();
        GenerationLimiter inFlight = new GenerationLimiter(limits, clock).sendRate(1 << 20);
        inFlight.acquire(Calls.generateInline(60_000, fourMiB));
        assertThat(inFlight.acquire(Calls.generate(60_000)).waitMillis()).isEqualTo(65_000);

        // a text request (no inline data) keeps the 1 s allowance: answered after 1.4 s, it counts from 1 s
        SimulatedTime clock2 = new SimulatedTime();
        GenerationLimiter text = new GenerationLimiter(limits, clock2).sendRate(1 << 20);
        Permit small = text.acquire(Calls.generate(60_000));
        clock2.advance(Duration.ofMillis(1_400));
        text.settle(small, 60_000);
        assertThat(text.acquire(Calls.generate(60_000)).waitMillis()).isEqualTo(61_000 - 1_400);
    }

    @Test
    void settlingHigherFillsTheWindowAndTheNextCallsWaitLonger() throws Exception {
        // as estimated: 50,000 + 50,000 fit at once
        assertThat(waitAfterSettling(50_000, 50_000, 50_000)).isZero();
        // the server counted 80,000: the next 50,000 waits until that charge leaves the window
        assertThat(waitAfterSettling(50_000, 80_000, 50_000)).isEqualTo(ANSWERED_MILLIS);
        assertThat(waitAfterSettling(50_000, 80_000, 20_000)).isZero();
    }

    @Test
    void settlingLowerGivesTokensBack() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        Permit first = limiter.acquire(Calls.generate(90_000));
        limiter.settle(first, 40_000);
        Permit next = limiter.acquire(Calls.generate(60_000));
        assertThat(next.waitMillis()).isZero();
        LimiterStats stats = limiter.stats();
        assertThat(stats.tokensCharged()).isEqualTo(150_000);
        assertThat(stats.tokensSettled()).isEqualTo(40_000);
    }

    @Test
    void aSettleAfterTheChargeLeftTheWindowChangesNothing() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        Permit slow = limiter.acquire(Calls.generate(50_000));
        time.advance(Duration.ofMinutes(2));
        limiter.settle(slow, 100_000);
        assertThat(limiter.acquire(Calls.generate(100_000)).waitMillis()).isZero();
    }

    @Test
    void settleAndReleaseAreIdempotent() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, time);
        Permit permit = limiter.acquire(Calls.generate(50_000));
        limiter.settle(permit, 80_000);
        limiter.settle(permit, 30_000);
        limiter.release(permit);
        assertThat(limiter.stats().tokensSettled()).isEqualTo(80_000);
        // the first settle counts: 80,000 in the window, 20,000 still fit, one more token does not
        assertThat(limiter.acquire(Calls.generate(20_000)).waitMillis()).isZero();
        assertThat(limiter.acquire(Calls.generate(1)).waitMillis()).isEqualTo(ANSWERED_MILLIS);
    }

    private long waitAfterSettling(int estimate, int actual, int next) throws Exception {
        SimulatedTime clock = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(TOKENS_ONLY, clock);
        limiter.settle(limiter.acquire(Calls.generate(estimate)), actual);
        return limiter.acquire(Calls.generate(next)).waitMillis();
    }

    @Test
    void theMarginCanApplyToTheUnsettledEstimatesOnly() throws Exception {
        RateLimits limits = RateLimits.of(0, 100_000, 0, 0).withMargin(0.05);
        // default: the window's limit is 95,000 for every charge
        GenerationLimiter window = new GenerationLimiter(limits, new SimulatedTime());
        window.settle(window.acquire(Calls.generate(50_000)), 50_000);
        assertThat(window.acquire(Calls.generate(47_000)).waitMillis()).isEqualTo(ANSWERED_MILLIS);

        // margin on the unsettled only: a settled call counts exactly against the full 100,000 ...
        GenerationLimiter unsettled = new GenerationLimiter(limits, time).marginOnUnsettledOnly(true);
        unsettled.settle(unsettled.acquire(Calls.generate(50_000)), 50_000);
        assertThat(unsettled.acquire(Calls.generate(47_000)).waitMillis()).isZero();
        assertThat(unsettled.stats().effectiveTokensPerMinute()).isEqualTo(100_000);
        // ... and a call not settled yet as estimate / 0.95: 97,000 + 2,900 / 0.95 (3,053) is over 100,000
        GenerationLimiter inFlight = new GenerationLimiter(limits, new SimulatedTime()).marginOnUnsettledOnly(true);
        inFlight.settle(inFlight.acquire(Calls.generate(97_000)), 97_000);
        assertThat(inFlight.acquire(Calls.generate(2_900)).waitMillis()).isEqualTo(ANSWERED_MILLIS);
    }

    @Test
    void withTheMarginOnUnsettledOnlyAFailedCallKeepsItsMargin() throws Exception {
        RateLimits limits = RateLimits.of(0, 100_000, 0, 0).withMargin(0.05);
        // answered: the server's count replaces estimate / 0.95 (100,000), room is left for a small call at once
        GenerationLimiter answered = new GenerationLimiter(limits, new SimulatedTime()).marginOnUnsettledOnly(true);
        answered.settle(answered.acquire(Calls.generate(95_000)), 95_000);
        assertThat(answered.acquire(Calls.generate(1_000)).waitMillis()).isZero();
        // failed without an answer (the server's charge is unknown): estimate / 0.95 stays for the whole window
        GenerationLimiter failed = new GenerationLimiter(limits, new SimulatedTime()).marginOnUnsettledOnly(true);
        failed.release(failed.acquire(Calls.generate(95_000)));
        assertThat(failed.acquire(Calls.generate(1_000)).waitMillis()).isEqualTo(WINDOW_MILLIS);
    }

    @Test
    void aNearMiss429WaitsForTheServersDelayWithoutCuttingTheRate() throws Exception {
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(60, 100_000, 0, 0).withMargin(0), time);
        // 1.2 s is under 5% of the 60 s window: our admission and the server's charge were a little apart
        limiter.onRateLimited(new GeminiException(GeminiErrorKind.RATE_LIMITED, 429, "RESOURCE_EXHAUSTED",
                "quota", Duration.ofMillis(1_200), "GenerateContentInputTokensPerModelPerMinute"));
        assertThat(limiter.acquire(Calls.generate(10)).waitMillis()).isEqualTo(1_200);
        LimiterStats stats = limiter.stats();
        assertThat(stats.rateLimitAdaptations()).isZero();
        assertThat(limiter.nearMisses()).isEqualTo(1);
        assertThat(stats.effectiveTokensPerMinute()).isEqualTo(100_000);
        assertThat(stats.effectiveRequestsPerMinute()).isEqualTo(60);
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
    void callsWaitingForTheWindowHoldNoInFlightSlot() throws Exception {
        // real time, a 600 ms minute; 1,000 tokens per minute and one call in flight at most
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(0, 1_000, 0, 1).withMargin(0)
                .withTimeScale(0.01));
        Permit a = limiter.acquire(Calls.generate(1_000));
        CompletableFuture<Permit> b = acquireAsync(limiter, 500);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> limiter.waiting() == 1);
        CompletableFuture<Permit> c = acquireAsync(limiter, 400);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> limiter.waiting() == 2);
        // two calls wait for the window, one is in flight: waiters are not counted against the cap of 1
        assertThat(limiter.stats().inFlight()).isEqualTo(1);
        assertThat(b).isNotDone();

        limiter.settle(a, 1_000);
        Permit admittedB = b.get(10, TimeUnit.SECONDS);
        // 500 + 400 fit the window, but the cap still holds c until b has ended
        Thread.sleep(200);
        assertThat(c).isNotDone();
        assertThat(limiter.waiting()).isEqualTo(1);
        assertThat(limiter.stats().inFlight()).isEqualTo(1);
        limiter.settle(admittedB, 500);
        assertThat(c.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(limiter.waiting()).isZero();
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

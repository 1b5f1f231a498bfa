package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The admission schedule on a simulated clock: no rolling window of the server's 60 s (without our skew allowance)
 * ever holds more than the limits, and a backlog fills the windows.
 */
class RollingWindowTest {

    private static final long TPM = 1_000_000;
    private static final int RPM = 300;

    record Admission(long nanos, int tokens) {
    }

    /**
     * Utilisation as measured here: the tokens admitted from the first admission up to (excluding) the last one,
     * divided by what the limit allows in that time ({@code limit × elapsed / 60 s}); the backlog is permanent (every
     * call is acquired as soon as the previous one was admitted).
     */
    static double utilisation(List<Admission> admissions, long limitPerMinute) {
        long first = admissions.get(0).nanos();
        long last = admissions.get(admissions.size() - 1).nanos();
        long tokens = admissions.stream().filter(a -> a.nanos() < last).mapToLong(Admission::tokens).sum();
        return tokens / (limitPerMinute * ((double) (last - first) / Duration.ofMinutes(1).toNanos()));
    }

    @Test
    void everyRollingWindowStaysWithinTheLimitsAndABacklogOfMixedSizesRunsAtLeastAt95Percent() throws Exception {
        RateLimits limits = RateLimits.of(RPM, TPM, 0, 0).withMargin(0);
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(limits, time);
        Random random = new Random(42);

        List<Admission> admissions = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 600; i++) {
            // mixed sizes, 1K to 30K tokens (0.1% to 3% of the limit)
            int tokens = 1_000 + random.nextInt(29_001);
            Permit permit = limiter.acquire(Calls.generate(tokens));
            admissions.add(new Admission(time.currentTimeNanos(), tokens));
            limiter.settle(permit, tokens);
            total += tokens;
        }

        long window = Duration.ofMinutes(1).toNanos();
        assertWindows(admissions, window, TPM, RPM);
        // the only loss is the skew allowance (250 ms per 60 s) and the granularity at the window's edges
        assertThat(utilisation(admissions, TPM)).isGreaterThanOrEqualTo(0.95);
        assertThat(limiter.stats().acquisitions()).isEqualTo(600);
        assertThat(limiter.stats().tokensCharged()).isEqualTo(total);
    }

    @Test
    void atTheBenchmarksLimitsRequestsOfTheWholeOrAFractionOfTheWindowFillIt() throws Exception {
        // 32,000 TPM with the 5% margin: E = 30,400; requests of E, E/2, E/3 and E/4 pack without a gap
        for (int parts = 1; parts <= 4; parts++) {
            RateLimits limits = RateLimits.of(60, 32_000, 0, 0);
            SimulatedTime time = new SimulatedTime();
            GenerationLimiter limiter = new GenerationLimiter(limits, time);
            List<Admission> admissions = new ArrayList<>();
            int size = 30_400 / parts;
            for (int i = 0; i < 20 * parts; i++) {
                limiter.settle(limiter.acquire(Calls.generate(size)), size);
                admissions.add(new Admission(time.currentTimeNanos(), size));
            }
            assertWindows(admissions, Duration.ofMinutes(1).toNanos(), 30_400, 60);
            // of E: 60 / 60.25 s = 99.6%; of the 32,000 TPM: 95% x that
            assertThat(utilisation(admissions, 30_400)).as("requests of E/%d", parts).isGreaterThanOrEqualTo(0.995);
            assertThat(utilisation(admissions, 32_000)).as("requests of E/%d", parts).isGreaterThanOrEqualTo(0.945);
        }
    }

    @Test
    void withTheMarginEstimatesUpTo8PercentLowStillKeepTheServersCountUnderTheLimit() throws Exception {
        // the server charges promptTokenCount; settle() books the difference right after each answer
        RateLimits limits = RateLimits.of(60, 32_000, 0, 0);
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(limits, time);
        Random random = new Random(7);
        List<Admission> actual = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int estimate = 300 + random.nextInt(1_200);
            int real = (int) Math.round(estimate * (1 + random.nextDouble() * 0.08));
            Permit permit = limiter.acquire(Calls.generate(estimate));
            actual.add(new Admission(time.currentTimeNanos(), real));
            limiter.settle(permit, real);
        }
        assertWindows(actual, Duration.ofMinutes(1).toNanos(), 32_000, 60);
        assertThat(limiter.stats().tokensSettled()).isGreaterThan(limiter.stats().tokensCharged());
    }

    @Test
    void requestsPerMinuteAreRollingWindowSafeEvenForTinyLimits() throws Exception {
        RateLimits limits = RateLimits.of(5, 0, 0, 0);
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(limits, time);
        List<Admission> admissions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            limiter.release(limiter.acquire(Calls.generate(100)));
            admissions.add(new Admission(time.currentTimeNanos(), 100));
        }
        assertWindows(admissions, Duration.ofMinutes(1).toNanos(), Long.MAX_VALUE, 5);
    }

    @Test
    void aScaledMinuteIsShorter() throws Exception {
        RateLimits limits = RateLimits.of(0, 100_000, 0, 0).withMargin(0).withTimeScale(0.01);
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(limits, time);
        List<Admission> admissions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            limiter.release(limiter.acquire(Calls.generate(2_000)));
            admissions.add(new Admission(time.currentTimeNanos(), 2_000));
        }
        long window = Duration.ofMillis(600).toNanos();
        assertWindows(admissions, window, 100_000, Integer.MAX_VALUE);
        // 400,000 tokens, 100,000 per window of 600 ms + 100 ms (the skew floor; 250 ms x 0.01 is below it):
        // batches of 50 at 0, 700, 1,400 and 2,100 ms
        assertThat(admissions.get(199).nanos() - admissions.get(0).nanos())
                .isEqualTo(Duration.ofMillis(2_100).toNanos());
    }

    @Test
    void largeAndSmallRequestsMixedStaySafe() throws Exception {
        RateLimits limits = RateLimits.of(0, 32_000, 0, 0).withMargin(0.05);
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(limits, time);
        List<Admission> admissions = new ArrayList<>();
        int[] sizes = {1_000, 8_400, 500, 8_400, 3_000, 8_400, 8_400, 200, 8_400, 8_400, 2_000, 8_400, 8_400, 8_400};
        for (int round = 0; round < 5; round++) {
            for (int size : sizes) {
                limiter.release(limiter.acquire(Calls.generate(size)));
                admissions.add(new Admission(time.currentTimeNanos(), size));
            }
        }
        assertWindows(admissions, Duration.ofMinutes(1).toNanos(), 32_000 * 95 / 100, Integer.MAX_VALUE);
    }

    /** For every admission, the window of length {@code window} starting there holds at most the limits. */
    static void assertWindows(List<Admission> admissions, long window, long maxTokens, long maxRequests) {
        for (int i = 0; i < admissions.size(); i++) {
            long from = admissions.get(i).nanos();
            long tokens = 0;
            long count = 0;
            for (int j = i; j < admissions.size() && admissions.get(j).nanos() < from + window; j++) {
                tokens += admissions.get(j).tokens();
                count++;
            }
            assertThat(tokens).as("tokens in the window starting at admission %d", i).isLessThanOrEqualTo(maxTokens);
            assertThat(count).as("requests in the window starting at admission %d", i)
                    .isLessThanOrEqualTo(maxRequests);
        }
    }
}

package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The admission schedule on a simulated clock: no rolling window ever holds more than the limits, and a backlog runs
 * at (nearly) the theoretical minimum time.
 */
class RollingWindowTest {

    private static final long TPM = 1_000_000;
    private static final int RPM = 300;

    record Admission(long nanos, int tokens) {
    }

    @Test
    void everyRollingWindowStaysWithinTheLimitsAndABacklogRunsAtLeastAt95Percent() throws Exception {
        RateLimits limits = RateLimits.of(RPM, TPM, 0, 0).withMargin(0);
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(limits, time);
        Random random = new Random(42);

        List<Admission> admissions = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 600; i++) {
            // mixed sizes, up to 2% of the limit
            int tokens = 500 + random.nextInt(19_500);
            Permit permit = limiter.acquire(Calls.generate(tokens));
            admissions.add(new Admission(time.currentTimeNanos(), tokens));
            limiter.settle(permit, tokens);
            total += tokens;
        }

        long window = Duration.ofMinutes(1).toNanos();
        assertWindows(admissions, window, TPM, RPM);

        long elapsed = admissions.get(admissions.size() - 1).nanos() - admissions.get(0).nanos();
        // theoretical minimum: total tokens / TPM; utilisation = share of the TPM used over the elapsed time
        double minimum = (double) total / TPM * window;
        double utilisation = minimum / elapsed;
        assertThat(elapsed).isLessThanOrEqualTo((long) (minimum * 1.05));
        assertThat(utilisation).isGreaterThanOrEqualTo(0.95);
        assertThat(limiter.stats().acquisitions()).isEqualTo(600);
        assertThat(limiter.stats().tokensCharged()).isEqualTo(total);
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
        // 400,000 tokens at 95,000 per 600 ms after a 5,000 burst: about 2.5 s
        assertThat(admissions.get(199).nanos() - admissions.get(0).nanos())
                .isBetween(Duration.ofMillis(2_400).toNanos(), Duration.ofMillis(2_600).toNanos());
    }

    @Test
    void aLargeRequestGrowsTheBurstAndStaysSafe() throws Exception {
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

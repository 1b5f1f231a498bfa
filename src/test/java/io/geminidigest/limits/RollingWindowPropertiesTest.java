package io.geminidigest.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.limits.RollingWindowTest.Admission;

/** Whatever the request sizes and limits, no rolling window on the simulated clock exceeds the limits. */
class RollingWindowPropertiesTest {

    @Property(tries = 100)
    void noRollingWindowExceedsTheLimits(
            @ForAll @Size(min = 1, max = 150) List<@IntRange(min = 1, max = 60_000) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 200) int rpm,
            @ForAll @IntRange(min = 50_000, max = 2_000_000) int tpm,
            @ForAll @DoubleRange(min = 0.0, max = 0.2) double margin,
            @ForAll @IntRange(min = 0, max = 30) int rateLimitedEvery) throws Exception {
        RateLimits limits = RateLimits.of(rpm, tpm, 0, 0).withMargin(margin).withTimeScale(0.01);
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(limits, time);
        List<Admission> admissions = new ArrayList<>();
        int count = 0;
        for (int size : sizes) {
            if (rateLimitedEvery > 0 && ++count % rateLimitedEvery == 0) {
                // the 429 adaptation lowers and later restores the rate: the bound must hold across the changes
                limiter.onRateLimited(new GeminiException(GeminiErrorKind.RATE_LIMITED, "429"));
            }
            if (size > tpm) {
                continue; // refused with OVER_TOKENS_PER_MINUTE, tested elsewhere
            }
            limiter.settle(limiter.acquire(Calls.generate(size)), size);
            admissions.add(new Admission(time.currentTimeNanos(), size));
        }
        // at most the effective limit, or one request alone that is larger (between effective and configured limit)
        long bound = Math.max(limits.effectiveTokensPerMinute(), admissions.stream().mapToLong(Admission::tokens).max().orElse(0));
        RollingWindowTest.assertWindows(admissions, Duration.ofMillis(600).toNanos(), bound, rpm);
    }
}

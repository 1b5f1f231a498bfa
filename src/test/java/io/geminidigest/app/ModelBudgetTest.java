package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.geminidigest.limits.RateLimits;

class ModelBudgetTest {

    @Test
    void aRequestTakesAShareOfTheTokensPerMinuteAfterTheMargin() {
        // the benchmark's limits: 60 requests and 32,000 tokens per minute, margin 5%: 30,400 / 8
        assertThat(ModelBudget.tokensPerMinuteShare(RateLimits.of(60, 32_000, 0, 8), 8)).isEqualTo(3_800);
        assertThat(ModelBudget.tokensPerMinuteShare(RateLimits.of(60, 32_000, 0, 8), 4)).isEqualTo(7_600);
    }

    @Test
    void neverMorePartsThanFourFifthsOfTheRequestsPerMinute() {
        // 5 requests per minute: 8 parts of the minute could never all be sent; 4 parts (237,500 / 4)
        assertThat(ModelBudget.tokensPerMinuteShare(RateLimits.of(5, 250_000, 100, 2), 8)).isEqualTo(59_375);
        assertThat(ModelBudget.tokensPerMinuteShare(RateLimits.of(1, 250_000, 100, 2), 8)).isEqualTo(237_500);
        // no requests-per-minute limit: the configured parts
        assertThat(ModelBudget.tokensPerMinuteShare(RateLimits.of(0, 250_000, 0, 2), 8)).isEqualTo(29_687);
    }

    @Test
    void noTokensPerMinuteLimitMeansNoShare() {
        assertThat(ModelBudget.tokensPerMinuteShare(RateLimits.of(60, 0, 0, 8), 8)).isZero();
    }
}

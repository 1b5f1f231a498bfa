package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RateLimitsTest {

    @Test
    void presetsAreNamedAndOverridable() {
        RateLimits free = RateLimits.preset("free");
        assertThat(free.requestsPerMinute()).isEqualTo(5);
        assertThat(free.tokensPerMinute()).isEqualTo(250_000);
        assertThat(free.requestsPerDay()).isEqualTo(100);
        assertThat(free.dayResetZone()).isEqualTo(RateLimits.PACIFIC);
        assertThat(RateLimits.preset(" Tier1 ").requestsPerMinute()).isEqualTo(150);
        assertThat(RateLimits.presetNames()).containsExactly("free", "tier1", "tier2", "tier3");

        RateLimits custom = free.withTokensPerMinute(1_000_000).withRequestsPerDay(0).withMargin(0.1);
        assertThat(custom.tokensPerMinute()).isEqualTo(1_000_000);
        assertThat(custom.requestsPerDay()).isZero();
        assertThat(custom.effectiveTokensPerMinute()).isEqualTo(900_000);
        assertThat(custom.requestsPerMinute()).isEqualTo(5);
        assertThatThrownBy(() -> RateLimits.preset("tier9")).hasMessageContaining("free");
    }

    @Test
    void timeScaleShortensTheMinute() {
        assertThat(RateLimits.preset("tier1").withTimeScale(0.01).minute()).isEqualTo(Duration.ofMillis(600));
        assertThat(RateLimits.preset("tier1").minute()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void invalidValuesAreRejected() {
        assertThatThrownBy(() -> RateLimits.of(-1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimits.unlimited().withMargin(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimits.unlimited().withTimeScale(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSkewAllowanceScalesWithTheWindowButNotBelowTheFloor() {
        RateLimits tier1 = RateLimits.preset("tier1");
        assertThat(tier1.skew()).isEqualTo(Duration.ofMillis(250));
        assertThat(tier1.skewAllowance()).isEqualTo(Duration.ofMillis(250));
        assertThat(tier1.admissionWindow()).isEqualTo(Duration.ofMillis(60_250));
        // scale 0.04: 250 ms x 0.04 = 10 ms, below the 100 ms floor
        assertThat(tier1.withTimeScale(0.04).skewAllowance()).isEqualTo(RateLimits.SKEW_FLOOR);
        assertThat(tier1.withTimeScale(0.04).admissionWindow()).isEqualTo(Duration.ofMillis(2_500));
        assertThat(tier1.withSkew(Duration.ofSeconds(2)).withTimeScale(0.5).skewAllowance())
                .isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> tier1.withSkew(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.geminidigest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;

import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.junit.jupiter.api.Test;

/**
 * The attempts of an intake that fails for a reason other than the message: the settings become Camel's redelivery
 * policy (attempts in all = one delivery + redeliveries), and what a failure says is fit for a log or a dead letter.
 */
class IntakeFailuresTest {

    @Test
    void theAttemptsIncludeTheFirstDeliveryAndThePausesGrowUpToTheirCap() {
        RedeliveryPolicy policy = new IntakeFailures(new IntakeFailures.Settings(5, Duration.ofMillis(1000), 2,
                Duration.ofMillis(3000))).redeliveryPolicy();
        assertThat(policy.getMaximumRedeliveries()).isEqualTo(4);
        assertThat(policy.isUseExponentialBackOff()).isTrue();
        assertThat(policy.calculateRedeliveryDelay(0, 1)).isEqualTo(1000);
        assertThat(policy.calculateRedeliveryDelay(1000, 2)).isEqualTo(2000);
        assertThat(policy.calculateRedeliveryDelay(2000, 3)).isEqualTo(3000);
        assertThat(policy.calculateRedeliveryDelay(3000, 4)).isEqualTo(3000);

        RedeliveryPolicy once = new IntakeFailures(new IntakeFailures.Settings(1, Duration.ofMillis(1000), 1,
                Duration.ofMillis(1000))).redeliveryPolicy();
        assertThat(once.getMaximumRedeliveries()).isZero();
        assertThat(once.isUseExponentialBackOff()).isFalse();
    }

    @Test
    void fewerThanOneAttemptOrAShrinkingPauseIsRefused() {
        assertThatThrownBy(() -> new IntakeFailures.Settings(0, Duration.ofSeconds(1), 2, Duration.ofSeconds(30)))
                .hasMessageContaining("messaging.max-delivery-attempts");
        assertThatThrownBy(() -> new IntakeFailures.Settings(3, Duration.ofSeconds(1), 0.5, Duration.ofSeconds(30)))
                .hasMessageContaining("messaging.redelivery-backoff-multiplier");
    }

    @Test
    void aFailureIsDescribedByItsInnermostCauseWithSecretsMasked() {
        String key = "AIza" + "x".repeat(35);
        Exception wrapped = new RuntimeException("bean failed", new SQLException(
                "Connection to jdbc:postgresql://digest:s3cret-pass@db:5432/jobs?password=s3cret-pass refused; key "
                        + key));
        String text = IntakeFailures.describe(wrapped);
        assertThat(text).startsWith("SQLException: Connection to jdbc:postgresql://").contains("refused")
                .doesNotContain("s3cret-pass").doesNotContain(key);
        assertThat(IntakeFailures.describe(null)).isEqualTo("unknown error");
    }
}

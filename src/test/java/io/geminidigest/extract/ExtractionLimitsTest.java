package io.geminidigest.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ExtractionLimitsTest {

    @Test
    void defaults() {
        ExtractionLimits limits = ExtractionLimits.defaults();

        assertThat(limits.maxChars()).isEqualTo(5_000_000);
        assertThat(limits.truncateOverLimit()).isFalse();
        assertThat(limits.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(limits.maxBytes()).isEqualTo(200L * 1024 * 1024);
        assertThat(limits.maxEmbeddedDepth()).isEqualTo(3);
        assertThat(limits.maxEmbeddedCount()).isEqualTo(1000);
        assertThat(limits.workerHeap()).isEqualTo("768m");
        assertThat(limits.workers()).isEqualTo(2);
        assertThat(limits.pdfPassword()).isNull();
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(ExtractionLimits.defaults().withPdfPassword("secret").toString())
                .doesNotContain("secret").contains("pdfPassword=***");
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ExtractionLimits.defaults().withWorkerHeap("lots"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtractionLimits.defaults().withWorkers(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtractionLimits.defaults().withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyFailureHasAdvice() {
        for (ExtractionFailure failure : ExtractionFailure.values()) {
            assertThat(failure.advice()).isNotBlank();
        }
        assertThat(ExtractionFailure.ENCRYPTED.advice()).contains("extract.pdf-password");
    }
}

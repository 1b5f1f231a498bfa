package io.geminidigest.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChunkBudgetTest {

    @Test
    void pricingCliffWinsForLongContextModels() {
        ChunkBudget budget = ChunkBudget.of(200_000, 0.05, 1_048_576, 0, 1_000, 8_000);
        assertThat(budget.tokens()).isEqualTo(190_000 - 1_000 - 8_000);
        assertThat(budget.limitedBy()).isEqualTo("pricing-cliff");
    }

    @Test
    void modelInputLimitWinsForSmallModels() {
        ChunkBudget budget = ChunkBudget.of(200_000, 0.05, 32_768, 0, 500, 2_000);
        assertThat(budget.tokens()).isEqualTo(32_768 - 500 - 2_000);
        assertThat(budget.limitedBy()).isEqualTo("model-input-limit");
    }

    @Test
    void tokensPerMinuteWinsWhenTight() {
        ChunkBudget budget = ChunkBudget.of(200_000, 0.05, 1_048_576, 100_000, 500, 2_000);
        // tokens per minute count input only: the output reservation is not taken from that ceiling
        assertThat(budget.tokens()).isEqualTo(100_000 - 500);
        assertThat(budget.limitedBy()).isEqualTo("tokens-per-minute");
    }

    @Test
    void zeroTokensPerMinuteMeansUnlimited() {
        ChunkBudget budget = ChunkBudget.of(1_048_576, 0, 0);
        assertThat(budget.tokensPerMinuteLimit()).isZero();
        assertThat(budget.tokens()).isEqualTo(190_000);
        assertThat(budget.limitedBy()).isEqualTo("pricing-cliff");
    }

    @Test
    void withTokensPerMinuteTightensAndLoosens() {
        ChunkBudget budget = ChunkBudget.of(1_048_576, 1_000, 4_000);
        ChunkBudget tight = budget.withTokensPerMinute(50_000);
        assertThat(tight.tokens()).isEqualTo(49_000);
        assertThat(tight.limitedBy()).isEqualTo("tokens-per-minute");
        assertThat(tight.withTokensPerMinute(0)).isEqualTo(budget);
        assertThat(budget.withTokensPerMinute(1_000_000).limitedBy()).isEqualTo("pricing-cliff");
    }

    @Test
    void tooSmallBudgetIsRejectedReadably() {
        assertThatThrownBy(() -> ChunkBudget.of(200_000, 0.05, 8_192, 0, 4_000, 4_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too small")
                .hasMessageContaining("192 tokens")
                .hasMessageContaining("model-input-limit")
                .hasMessageContaining("256");
        assertThatThrownBy(() -> ChunkBudget.of(1_048_576, 0, 0).withTokensPerMinute(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokens-per-minute");
    }

    @Test
    void negativeInputsAreRejected() {
        assertThatThrownBy(() -> ChunkBudget.of(200_000, 0.05, -1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("modelInputTokenLimit");
        assertThatThrownBy(() -> ChunkBudget.of(200_000, 0.05, 100_000, -5, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokensPerMinuteLimit");
        assertThatThrownBy(() -> ChunkBudget.of(200_000, -0.1, 100_000, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cliffMargin");
        assertThatThrownBy(() -> ChunkBudget.of(200_000, 0.05, 100_000, 0, -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("promptTemplateTokens");
        assertThatThrownBy(() -> ChunkBudget.of(200_000, 0.05, 100_000, 0, 0, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reservedOutputTokens");
    }

    @Test
    void toStringIsReadable() {
        String text = ChunkBudget.of(200_000, 0.05, 1_048_576, 0, 1_000, 8_000).toString();
        assertThat(text).contains("181000 tokens", "limited by pricing-cliff", "tpm unlimited", "template 1000",
                "reserved output 8000");
    }
}

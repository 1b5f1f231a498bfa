package io.geminidigest.gemini;

/**
 * What Gemini calls cost, in USD per million tokens. A prompt over the cliff is billed entirely at the higher
 * rates (input and output); thinking tokens are billed as output.
 */
public record PriceTable(double inputPerMillion, double outputPerMillion, double inputPerMillionOverCliff,
        double outputPerMillionOverCliff, int cliffTokens) {

    /** Cost of one call. */
    public double cost(long promptTokens, long outputTokensIncludingThinking) {
        boolean over = promptTokens > cliffTokens;
        double in = over ? inputPerMillionOverCliff : inputPerMillion;
        double out = over ? outputPerMillionOverCliff : outputPerMillion;
        return (promptTokens * in + outputTokensIncludingThinking * out) / 1_000_000d;
    }
}

package io.geminidigest.chunk;

/**
 * How many tokens of document text one request may carry.
 *
 * <p>The usable input is the smallest of three ceilings, minus what the prompt template and the
 * answer need:
 * <ul>
 *   <li>{@code "pricing-cliff"}: Gemini bills long prompts at a higher rate above
 *       {@code pricingCliffTokens} (200K); we stay {@code cliffMargin} below it because our token
 *       count is only an estimate;</li>
 *   <li>{@code "model-input-limit"}: the model's input token limit (read from the API at start-up);</li>
 *   <li>{@code "tokens-per-minute"}: a single request can never exceed the per-minute quota
 *       ({@code 0} = unlimited).</li>
 * </ul>
 * {@code tokens() = min(cliff * (1 - margin) - reservedOutput, modelInputLimit - reservedOutput, tpm)
 * - promptTemplateTokens}.
 * <p>The output reservation is not taken from the tokens-per-minute ceiling: that quota counts input tokens only,
 * and a request sized to the whole (margin-reduced) minute lets the limiter fill each minute with one full request
 * instead of wasting a quarter of it.
 *
 * @param pricingCliffTokens    prompt size above which the higher price applies
 * @param cliffMargin           fraction to stay below the cliff, in {@code [0, 1)}
 * @param modelInputTokenLimit  the model's input token limit
 * @param tokensPerMinuteLimit  tokens-per-minute quota, {@code 0} = unlimited
 * @param promptTemplateTokens  tokens of the prompt around the document text
 * @param reservedOutputTokens  tokens reserved for the answer
 */
public record ChunkBudget(int pricingCliffTokens, double cliffMargin, int modelInputTokenLimit,
                          int tokensPerMinuteLimit, int promptTemplateTokens, int reservedOutputTokens) {

    /** Gemini's long-context pricing threshold. */
    public static final int DEFAULT_PRICING_CLIFF_TOKENS = 200_000;
    /** Default margin below the pricing cliff. */
    public static final double DEFAULT_CLIFF_MARGIN = 0.05;
    /** A budget below this is useless (the template and output reservations ate it). */
    public static final int MIN_TOKENS = 256;

    public static final String PRICING_CLIFF = "pricing-cliff";
    public static final String MODEL_INPUT_LIMIT = "model-input-limit";
    public static final String TOKENS_PER_MINUTE = "tokens-per-minute";

    /** Validates the inputs and that the resulting budget is at least {@link #MIN_TOKENS}. */
    public ChunkBudget {
        requireNonNegative("pricingCliffTokens", pricingCliffTokens);
        requireNonNegative("modelInputTokenLimit", modelInputTokenLimit);
        requireNonNegative("tokensPerMinuteLimit", tokensPerMinuteLimit);
        requireNonNegative("promptTemplateTokens", promptTemplateTokens);
        requireNonNegative("reservedOutputTokens", reservedOutputTokens);
        if (!(cliffMargin >= 0 && cliffMargin < 1)) {
            throw new IllegalArgumentException("cliffMargin must be a fraction in [0, 1), was " + cliffMargin);
        }
        long tokens = ceiling(pricingCliffTokens, cliffMargin, modelInputTokenLimit,
                tpmCeiling(tokensPerMinuteLimit, reservedOutputTokens))
                - (long) promptTemplateTokens - reservedOutputTokens;
        if (tokens < MIN_TOKENS) {
            throw new IllegalArgumentException(String.format(
                    "chunk budget too small: %d tokens (limited by %s: %d, minus prompt template %d and "
                            + "reserved output %d) is below the minimum of %d",
                    tokens, limitedBy(pricingCliffTokens, cliffMargin, modelInputTokenLimit, tokensPerMinuteLimit,
                            reservedOutputTokens),
                    ceiling(pricingCliffTokens, cliffMargin, modelInputTokenLimit,
                            tpmCeiling(tokensPerMinuteLimit, reservedOutputTokens)),
                    promptTemplateTokens, reservedOutputTokens, MIN_TOKENS));
        }
    }

    /** A budget from all inputs (same as the canonical constructor). */
    public static ChunkBudget of(int pricingCliffTokens, double cliffMargin, int modelInputTokenLimit,
                                 int tokensPerMinuteLimit, int promptTemplateTokens, int reservedOutputTokens) {
        return new ChunkBudget(pricingCliffTokens, cliffMargin, modelInputTokenLimit, tokensPerMinuteLimit,
                promptTemplateTokens, reservedOutputTokens);
    }

    /** A budget with the default pricing cliff (200K, 5% margin) and no tokens-per-minute limit. */
    public static ChunkBudget of(int modelInputTokenLimit, int promptTemplateTokens, int reservedOutputTokens) {
        return of(DEFAULT_PRICING_CLIFF_TOKENS, DEFAULT_CLIFF_MARGIN, modelInputTokenLimit, 0,
                promptTemplateTokens, reservedOutputTokens);
    }

    /** Tokens of document text one request may carry. */
    public int tokens() {
        return (int) (ceiling(pricingCliffTokens, cliffMargin, modelInputTokenLimit,
                tpmCeiling(tokensPerMinuteLimit, reservedOutputTokens))
                - promptTemplateTokens - reservedOutputTokens);
    }

    /** Which ceiling is the smallest: "pricing-cliff", "model-input-limit" or "tokens-per-minute". */
    public String limitedBy() {
        return limitedBy(pricingCliffTokens, cliffMargin, modelInputTokenLimit, tokensPerMinuteLimit,
                reservedOutputTokens);
    }

    private static String limitedBy(int cliff, double margin, int modelInput, int tpm, int reserved) {
        return limitName(cliff, margin, modelInput, tpmCeiling(tpm, reserved));
    }

    /** The tokens-per-minute quota as a ceiling comparable to the others (which still lose the output reservation). */
    private static long tpmCeiling(int tpm, int reserved) {
        return tpm > 0 ? (long) tpm + reserved : 0;
    }

    /** The same budget under a (new) tokens-per-minute quota; {@code 0} removes it. */
    public ChunkBudget withTokensPerMinute(int tokensPerMinute) {
        return new ChunkBudget(pricingCliffTokens, cliffMargin, modelInputTokenLimit, tokensPerMinute,
                promptTemplateTokens, reservedOutputTokens);
    }

    /** The pricing cliff minus the margin, rounded down. */
    public int cliffCeiling() {
        return cliffCeiling(pricingCliffTokens, cliffMargin);
    }

    @Override
    public String toString() {
        return String.format("ChunkBudget[%d tokens, limited by %s; cliff %d - %.0f%% = %d, model input %d, "
                        + "tpm %s, template %d, reserved output %d]",
                tokens(), limitedBy(), pricingCliffTokens, cliffMargin * 100, cliffCeiling(), modelInputTokenLimit,
                tokensPerMinuteLimit == 0 ? "unlimited" : Integer.toString(tokensPerMinuteLimit),
                promptTemplateTokens, reservedOutputTokens);
    }

    private static int cliffCeiling(int cliff, double margin) {
        return (int) Math.floor(cliff * (1 - margin));
    }

    private static long ceiling(int cliff, double margin, int modelInput, long tpm) {
        long min = Math.min(cliffCeiling(cliff, margin), modelInput);
        return tpm > 0 ? Math.min(min, tpm) : min;
    }

    private static String limitName(int cliff, double margin, int modelInput, long tpm) {
        int cliffCeiling = cliffCeiling(cliff, margin);
        String name = PRICING_CLIFF;
        long min = cliffCeiling;
        if (modelInput < min) {
            name = MODEL_INPUT_LIMIT;
            min = modelInput;
        }
        if (tpm > 0 && tpm < min) {
            name = TOKENS_PER_MINUTE;
        }
        return name;
    }

    private static void requireNonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}

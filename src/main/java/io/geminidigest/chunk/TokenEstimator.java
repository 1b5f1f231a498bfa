package io.geminidigest.chunk;

import java.util.Objects;

/**
 * A fast, local estimate of how many Gemini tokens a text costs, used to size requests without a
 * round trip to {@code countTokens}.
 *
 * <h2>Calibration</h2>
 * The estimator walks the text once and charges every UTF-16 char a cost in fixed-point
 * <em>units</em> ({@value #UNITS_PER_TOKEN} units = 1 token), depending on the char's class and
 * on the class of the char before it (so "runs" can be charged a start-up cost):
 * <table>
 *   <caption>cost model</caption>
 *   <tr><th>class</th><th>cost</th><th>rationale</th></tr>
 *   <tr><td>ASCII letter</td><td>1/4 token + 1/12 token at the start of a word</td>
 *       <td>English prose averages ~4 chars per token; short words ("the", "of") are one token,
 *       identifiers in source code cost ~1 token per 4 chars</td></tr>
 *   <tr><td>other letters (accented Latin, Cyrillic, Greek, Arabic, ...)</td>
 *       <td>1/3 token + 1/12 token at the start of a word</td>
 *       <td>these scripts are denser: ~3 chars per token</td></tr>
 *   <tr><td>combining marks, format chars (ZWJ, variation selectors)</td><td>1/4 token</td>
 *       <td>they continue the word they belong to</td></tr>
 *   <tr><td>digit</td><td>1/2 token + 1/2 token at the start of a number</td>
 *       <td>1 token per 1-3 digits (rounded to the high side: "2024" = 2.5)</td></tr>
 *   <tr><td>ASCII punctuation and symbols</td><td>1 token for the first of a run, 1/3 for each
 *       further one</td><td>roughly each run of symbols ({@code ");"}, {@code "=>"}) is one token,
 *       which makes source code denser than prose</td></tr>
 *   <tr><td>CJK (Han, Hiragana, Katakana, Hangul, CJK and full-width punctuation)</td>
 *       <td>1 token</td><td>~1 token per character</td></tr>
 *   <tr><td>supplementary code points (emoji, rare Han)</td><td>1.5 tokens</td>
 *       <td>emoji are often split into byte tokens</td></tr>
 *   <tr><td>other symbols (curly quotes, dashes, ...)</td><td>1 token</td><td></td></tr>
 *   <tr><td>space, tab</td><td>free; 1/6 token for each further one in a run</td>
 *       <td>a single space is merged into the next word's token; indentation is not free</td></tr>
 *   <tr><td>line feed</td><td>1/3 token ({@code \r} is free)</td><td>newlines are cheap</td></tr>
 * </table>
 * On English prose this gives about one token per 3.75-3.9 characters before the safety factor
 * (Alice in Wonderland: 144K chars → ~38.5K tokens; Moby-Dick: 1.22M chars → ~311K tokens), on
 * source code about one token per 3.4 characters, on Chinese about one token per character. The raw estimate is then multiplied by
 * a {@code safetyFactor} (default {@value #DEFAULT_SAFETY_FACTOR}) and rounded up, so the estimate
 * errs on the high side.
 *
 * <h2>Ranges and additivity</h2>
 * {@link #estimate(CharSequence, int, int)} estimates a range exactly as if it were a separate
 * string. A range may cost slightly more than its share of the whole text (its first char starts
 * a new run), but never more than {@value #UNITS_PER_TOKEN} units more; the chunker relies on
 * that bound together with {@link #prefixUnits(CharSequence)} for cheap incremental estimates,
 * and still verifies every chunk's final text with {@link #estimate(CharSequence, int, int)}.
 *
 * <p>Instances are immutable and thread-safe. An estimate is a single pass over the chars with no
 * allocation and no regular expressions (a 1.2 MB novel takes a few milliseconds).
 */
public final class TokenEstimator {

    /** Fixed-point scale: this many units make one token. */
    static final int UNITS_PER_TOKEN = 12;

    /** Upper bound of how much more a range costs than its share of a longer text, in units. */
    static final int RANGE_START_SLACK_UNITS = UNITS_PER_TOKEN;

    /** The default safety factor applied to the raw estimate. */
    public static final double DEFAULT_SAFETY_FACTOR = 1.1;

    // classes of the previous char (state of the scan)
    private static final int C_NONE = 0;
    private static final int C_WORD = 1;
    private static final int C_DIGIT = 2;
    private static final int C_SYMBOL = 3;
    private static final int C_SPACE = 4;
    private static final int C_NEWLINE = 5;
    private static final int C_CJK = 6;
    private static final int C_OTHER = 7;

    // costs in units (12 = 1 token)
    private static final int ASCII_LETTER = 3;
    private static final int OTHER_LETTER = 4;
    private static final int WORD_START = 1;
    private static final int MARK = 3;
    private static final int DIGIT = 6;
    private static final int NUMBER_START = 6;
    private static final int SYMBOL_START = 12;
    private static final int SYMBOL_MORE = 4;
    private static final int CJK = 12;
    private static final int SUPPLEMENTARY = 18;
    private static final int OTHER = 12;
    private static final int EXTRA_SPACE = 2;
    private static final int LINE_FEED = 4;

    private static final TokenEstimator DEFAULTS = new TokenEstimator(DEFAULT_SAFETY_FACTOR);

    private final double safetyFactor;

    /** An estimator with the default safety factor {@value #DEFAULT_SAFETY_FACTOR}. */
    public TokenEstimator() {
        this(DEFAULT_SAFETY_FACTOR);
    }

    /**
     * @param safetyFactor multiplies the raw estimate; 1.0 gives the raw calibration, values above
     *                     1 make the estimate err on the high side
     * @throws IllegalArgumentException unless {@code 0.5 <= safetyFactor <= 10}
     */
    public TokenEstimator(double safetyFactor) {
        if (!(safetyFactor >= 0.5 && safetyFactor <= 10)) {
            throw new IllegalArgumentException(
                    "safetyFactor must be between 0.5 and 10, was " + safetyFactor);
        }
        this.safetyFactor = safetyFactor;
    }

    /** The shared estimator with the default safety factor. */
    public static TokenEstimator defaults() {
        return DEFAULTS;
    }

    public double safetyFactor() {
        return safetyFactor;
    }

    /** Estimated tokens of the whole text; 0 for an empty text. */
    public int estimate(CharSequence text) {
        Objects.requireNonNull(text, "text");
        return tokensForUnits(scan(text, 0, text.length(), null));
    }

    /**
     * Estimated tokens of {@code text[start, end)}, identical to
     * {@code estimate(text.subSequence(start, end))} but without copying.
     */
    public int estimate(CharSequence text, int start, int end) {
        Objects.requireNonNull(text, "text");
        Objects.checkFromToIndex(start, end, text.length());
        return tokensForUnits(scan(text, start, end, null));
    }

    /** Converts raw units to tokens: applies the safety factor and rounds up. */
    int tokensForUnits(long units) {
        if (units <= 0) {
            return 0;
        }
        double tokens = Math.ceil(units * safetyFactor / UNITS_PER_TOKEN - 1e-9);
        return tokens >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) tokens;
    }

    /** The largest number of raw units whose estimate is still at most {@code tokens}. */
    long unitsForTokens(int tokens) {
        if (tokens <= 0) {
            return 0;
        }
        long units = (long) Math.floor(tokens * (double) UNITS_PER_TOKEN / safetyFactor) + 1;
        while (units > 0 && tokensForUnits(units) > tokens) {
            units--;
        }
        return units;
    }

    /**
     * Cumulative raw units: {@code p[i]} is the cost of {@code text[0, i)} within the whole text
     * (array length {@code text.length() + 1}, non-decreasing). For any range,
     * {@code rawUnits(a, b) <= p[b] - p[a] + RANGE_START_SLACK_UNITS}.
     */
    long[] prefixUnits(CharSequence text) {
        long[] prefix = new long[text.length() + 1];
        scan(text, 0, text.length(), prefix);
        return prefix;
    }

    /** Raw units of a range, before the safety factor. */
    long rawUnits(CharSequence text, int start, int end) {
        return scan(text, start, end, null);
    }

    /** The single pass; fills {@code prefix[i + 1 - start]} when a prefix array is given. */
    private static long scan(CharSequence text, int start, int end, long[] prefix) {
        long total = 0;
        int prev = C_NONE;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            int cost;
            int cls;
            if (c < 128) {
                if (isAsciiLetter(c)) {
                    cost = prev == C_WORD ? ASCII_LETTER : ASCII_LETTER + WORD_START;
                    cls = C_WORD;
                } else if (c >= '0' && c <= '9') {
                    cost = prev == C_DIGIT ? DIGIT : DIGIT + NUMBER_START;
                    cls = C_DIGIT;
                } else if (c == ' ' || c == '\t' || c == '\f' || c == 0x0B) {
                    cost = prev == C_SPACE ? EXTRA_SPACE : 0;
                    cls = C_SPACE;
                } else if (c == '\n') {
                    cost = LINE_FEED;
                    cls = C_NEWLINE;
                } else if (c == '\r') {
                    cost = 0;
                    cls = C_NEWLINE;
                } else if (c < ' ' || c == 0x7F) {
                    cost = OTHER;
                    cls = C_OTHER;
                } else {
                    cost = prev == C_SYMBOL ? SYMBOL_MORE : SYMBOL_START;
                    cls = C_SYMBOL;
                }
            } else if (Character.isHighSurrogate(c)) {
                cost = SUPPLEMENTARY;
                cls = C_OTHER;
            } else if (Character.isLowSurrogate(c)) {
                cost = 0;
                cls = prev;
            } else if (c == 0x3000) { // ideographic space
                cost = prev == C_SPACE ? EXTRA_SPACE : 0;
                cls = C_SPACE;
            } else if (isCjk(c)) {
                cost = CJK;
                cls = C_CJK;
            } else {
                switch (Character.getType(c)) {
                    case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER,
                            Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
                            Character.OTHER_LETTER -> {
                        cost = prev == C_WORD ? OTHER_LETTER : OTHER_LETTER + WORD_START;
                        cls = C_WORD;
                    }
                    case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK,
                            Character.COMBINING_SPACING_MARK, Character.FORMAT -> {
                        cost = MARK;
                        cls = prev;
                    }
                    case Character.DECIMAL_DIGIT_NUMBER -> {
                        cost = prev == C_DIGIT ? DIGIT : DIGIT + NUMBER_START;
                        cls = C_DIGIT;
                    }
                    case Character.SPACE_SEPARATOR -> {
                        cost = prev == C_SPACE ? EXTRA_SPACE : 0;
                        cls = C_SPACE;
                    }
                    case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
                        cost = LINE_FEED;
                        cls = C_NEWLINE;
                    }
                    default -> {
                        cost = OTHER;
                        cls = C_OTHER;
                    }
                }
            }
            total += cost;
            prev = cls;
            if (prefix != null) {
                prefix[i + 1 - start] = total;
            }
        }
        return total;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Han, Hiragana, Katakana, Hangul, CJK symbols/punctuation and full-width forms (BMP). */
    static boolean isCjk(char c) {
        return (c >= 0x2E80 && c <= 0x9FFF)      // radicals, CJK punctuation, kana, Han
                || (c >= 0xAC00 && c <= 0xD7AF)  // Hangul syllables
                || (c >= 0x1100 && c <= 0x11FF)  // Hangul Jamo
                || (c >= 0xA960 && c <= 0xA97F)  // Hangul Jamo extended-A
                || (c >= 0xF900 && c <= 0xFAFF)  // CJK compatibility ideographs
                || (c >= 0xFE30 && c <= 0xFE4F)  // CJK compatibility forms
                || (c >= 0xFF00 && c <= 0xFFEF); // half- and full-width forms
    }

    @Override
    public String toString() {
        return "TokenEstimator[safetyFactor=" + safetyFactor + "]";
    }
}

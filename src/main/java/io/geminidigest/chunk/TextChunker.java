package io.geminidigest.chunk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Splits a text into chunks that each fit a token budget, for the map step of map-reduce
 * summarization.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>No chunk's {@link Chunk#text() text} (overlap included) is estimated above the budget, ever:
 *       every chunk's final text is re-estimated before it is returned.</li>
 *   <li>Chunks are packed greedily (few, full requests): each chunk takes as much text as fits, then
 *       steps back to the best boundary near the end. Boundaries are preferred in this order, each
 *       accepted only if the chunk is still filled to a minimum fraction of the budget: heading-like
 *       lines (75%), blank-line paragraph breaks (80%), line breaks (85%), sentence ends (85%),
 *       whitespace between words (50%), and as a last resort any grapheme boundary (CJK text without
 *       spaces, or a "word" longer than the budget). A cut never splits a surrogate pair, a
 *       {@code \r\n}, or a base character from its combining marks.</li>
 *   <li>Whitespace stays attached to the text before it; the chunks' own parts concatenated
 *       reproduce the text exactly.</li>
 *   <li>With {@code overlapTokens > 0}, every chunk but the first repeats about that many tokens of
 *       the text before its own start, starting on a sentence (preferably) or word boundary.</li>
 * </ul>
 * The split is O(n): one estimator pass builds cumulative costs (see
 * {@link TokenEstimator#prefixUnits(CharSequence)}), each chunk end is found by binary search, and
 * the boundary search only scans the tail of each chunk.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TextChunker {

    /** The smallest budget a chunker accepts. */
    public static final int MIN_BUDGET_TOKENS = 16;

    /** Minimum fill (of the budget) for a cut at each boundary level, indexed by level. */
    private static final double[] MIN_FILL = {0.0, 0.5, 0.85, 0.85, 0.80, 0.75};
    /** The lowest of {@link #MIN_FILL} above the char level: the boundary search window. */
    private static final double WINDOW_FILL = 0.5;

    private final TokenEstimator estimator;
    private final int budgetTokens;
    private final int overlapTokens;

    /**
     * @param estimator     the token estimator
     * @param budgetTokens  maximum estimated tokens of a chunk's text, at least {@value #MIN_BUDGET_TOKENS}
     * @param overlapTokens tokens of context repeated from the previous chunk, {@code 0 <= overlap < budget / 2}
     */
    public TextChunker(TokenEstimator estimator, int budgetTokens, int overlapTokens) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        if (budgetTokens < MIN_BUDGET_TOKENS) {
            throw new IllegalArgumentException(
                    "budgetTokens must be at least " + MIN_BUDGET_TOKENS + ", was " + budgetTokens);
        }
        if (overlapTokens < 0 || 2L * overlapTokens >= budgetTokens) {
            throw new IllegalArgumentException("overlapTokens must be >= 0 and below half the budget ("
                    + budgetTokens + "), was " + overlapTokens);
        }
        this.budgetTokens = budgetTokens;
        this.overlapTokens = overlapTokens;
    }

    /** A chunker without overlap. */
    public TextChunker(TokenEstimator estimator, int budgetTokens) {
        this(estimator, budgetTokens, 0);
    }

    public TokenEstimator estimator() {
        return estimator;
    }

    public int budgetTokens() {
        return budgetTokens;
    }

    public int overlapTokens() {
        return overlapTokens;
    }

    /** Splits {@code text} into chunks within the budget; an empty text gives no chunks. */
    public List<Chunk> split(String text) {
        return split(text, null, 1.0);
    }

    /**
     * Splits like {@link #split(String)}, but confirms chunks that are near the budget with an exact
     * counter: when a chunk's estimate is at least {@code nearFraction * budget}, {@code exactCounter}
     * is asked (in production Gemini's {@code countTokens}); if it reports more than the budget, the
     * chunk is shrunk (proportionally to the miss) and confirmed again until the counter accepts it.
     * The counter may be expensive (a network call): it is only called for chunks near the budget
     * and for the shrunk retries.
     *
     * @param exactCounter exact token count of a chunk's text, or {@code null} for none
     * @param nearFraction fraction of the budget from which chunks are confirmed, in {@code (0, 1]}
     * @throws IllegalStateException if the counter rejects even a tiny chunk
     */
    public List<Chunk> split(String text, ToIntFunction<String> exactCounter, double nearFraction) {
        Objects.requireNonNull(text, "text");
        if (!(nearFraction > 0 && nearFraction <= 1)) {
            throw new IllegalArgumentException("nearFraction must be in (0, 1], was " + nearFraction);
        }
        int n = text.length();
        if (n == 0) {
            return List.of();
        }
        Source source = new Source(text, estimator.prefixUnits(text), Boundaries.levels(text));
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        while (start < n) {
            int budget = budgetTokens;
            boolean missed = false;
            Chunk chunk = nextChunk(source, chunks.size(), start, budget);
            while (exactCounter != null && (missed || chunk.estimatedTokens() >= nearFraction * budgetTokens)) {
                int exact = exactCounter.applyAsInt(chunk.text());
                if (exact <= budgetTokens) {
                    break;
                }
                missed = true;
                int shrunk = (int) Math.min(budget - 1L,
                        (long) Math.floor(chunk.estimatedTokens() * (double) budgetTokens / exact));
                if (shrunk < MIN_BUDGET_TOKENS || chunk.end() - chunk.start() <= 1) {
                    throw new IllegalStateException("exact token counter reports " + exact
                            + " tokens for a chunk of " + chunk.text().length() + " chars estimated at "
                            + chunk.estimatedTokens() + "; cannot shrink it below the budget of " + budgetTokens);
                }
                budget = shrunk;
                chunk = nextChunk(source, chunks.size(), start, budget);
            }
            chunks.add(chunk);
            start = chunk.end();
        }
        return Collections.unmodifiableList(chunks);
    }

    /** The text with its cumulative estimator units and boundary levels. */
    private record Source(String text, long[] prefix, byte[] levels) {
        int length() {
            return text.length();
        }
    }

    /** The chunk whose own part starts at {@code start}, within {@code budget} tokens. */
    private Chunk nextChunk(Source src, int index, int start, int budget) {
        int overlap = 2L * overlapTokens < budget ? overlapTokens : Math.max(0, (budget - 1) / 2);
        int overlapStart = index == 0 ? start : overlapStart(src, start, overlap);
        int end = chooseEnd(src, start, overlapStart, budget);
        if (end < 0 && overlapStart < start) {
            overlapStart = start;
            end = chooseEnd(src, start, start, budget);
        }
        if (end < 0) {
            end = forcedEnd(src, start, budget);
        }
        int estimate = estimator.estimate(src.text(), overlapStart, end);
        while (estimate > budget) { // defensive: the prefix bound guarantees this does not happen
            int previous = end - 1;
            while (previous > start && src.levels()[previous] < 0) {
                previous--;
            }
            if (previous > start) {
                end = previous;
            } else if (overlapStart < start) {
                overlapStart = start;
            } else {
                throw new IllegalStateException("cannot fit text at " + start + " into " + budget + " tokens");
            }
            estimate = estimator.estimate(src.text(), overlapStart, end);
        }
        return new Chunk(index, start, end, overlapStart, src.text().substring(overlapStart, end), estimate);
    }

    /**
     * The best end for a chunk whose text starts at {@code from} and own part at {@code start}, or -1
     * if not even one grapheme fits.
     */
    private int chooseEnd(Source src, int start, int from, int budget) {
        long limit = estimator.unitsForTokens(budget) - TokenEstimator.RANGE_START_SLACK_UNITS;
        if (limit <= 0) {
            return -1;
        }
        long[] prefix = src.prefix();
        byte[] levels = src.levels();
        long base = prefix[from];
        int maxEnd = lastAtMost(prefix, base + limit, start, src.length());
        if (maxEnd >= src.length()) {
            return src.length();
        }
        int[] best = {-1, -1, -1, -1, -1, -1};
        long windowStart = base + (long) Math.ceil(limit * WINDOW_FILL);
        int i = maxEnd;
        for (; i > start && prefix[i] >= windowStart; i--) {
            for (int level = levels[i]; level >= 0 && best[level] < 0; level--) {
                best[level] = i;
            }
        }
        for (int level = Boundaries.HEADING; level > Boundaries.CHAR; level--) {
            if (best[level] >= 0 && prefix[best[level]] - base >= MIN_FILL[level] * limit) {
                return best[level];
            }
        }
        if (best[Boundaries.CHAR] >= 0) {
            return best[Boundaries.CHAR];
        }
        for (; i > start; i--) { // nothing in the window: any allowed cut
            if (levels[i] >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** A cut at a code point boundary, even inside a grapheme: only for graphemes over the budget. */
    private int forcedEnd(Source src, int start, int budget) {
        long limit = Math.max(0, estimator.unitsForTokens(budget) - TokenEstimator.RANGE_START_SLACK_UNITS);
        int end = Math.max(start + 1, lastAtMost(src.prefix(), src.prefix()[start] + limit, start, src.length()));
        String text = src.text();
        if (end < text.length() && Character.isLowSurrogate(text.charAt(end))
                && Character.isHighSurrogate(text.charAt(end - 1))) {
            end = end - 1 > start ? end - 1 : end + 1;
        }
        return end;
    }

    /**
     * Where the overlap before {@code start} begins: about {@code overlap} tokens back, on the first
     * sentence boundary that keeps at least half of it, else the first word boundary, else the first
     * grapheme boundary.
     */
    private int overlapStart(Source src, int start, int overlap) {
        long limit = estimator.unitsForTokens(overlap) - TokenEstimator.RANGE_START_SLACK_UNITS;
        if (overlap <= 0 || limit <= 0) {
            return start;
        }
        long[] prefix = src.prefix();
        byte[] levels = src.levels();
        long end = prefix[start];
        int first = firstAtLeast(prefix, end - limit, 0, start);
        int word = -1;
        int grapheme = -1;
        for (int p = first; p < start; p++) {
            int level = levels[p];
            if (level >= Boundaries.SENTENCE && end - prefix[p] >= limit / 2) {
                return p;
            }
            if (level >= Boundaries.WORD && word < 0) {
                word = p;
            }
            if (level >= Boundaries.CHAR && grapheme < 0) {
                grapheme = p;
            }
        }
        return word >= 0 ? word : grapheme >= 0 ? grapheme : start;
    }

    /** The largest index in {@code [lo, hi]} with {@code prefix[i] <= target}, or {@code lo - 1}. */
    private static int lastAtMost(long[] prefix, long target, int lo, int hi) {
        int low = lo;
        int high = hi;
        int result = lo - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (prefix[mid] <= target) {
                result = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return result;
    }

    /** The smallest index in {@code [lo, hi]} with {@code prefix[i] >= target} ({@code hi} if none). */
    private static int firstAtLeast(long[] prefix, long target, int lo, int hi) {
        int low = lo;
        int high = hi;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (prefix[mid] >= target) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    @Override
    public String toString() {
        return "TextChunker[budget=" + budgetTokens + ", overlap=" + overlapTokens + ", " + estimator + "]";
    }
}

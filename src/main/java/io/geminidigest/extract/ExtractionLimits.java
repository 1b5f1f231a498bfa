package io.geminidigest.extract;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that keep a hostile or huge document from hurting the pipeline.
 *
 * @param maxChars            most characters of text; over it the extraction fails with
 *                            {@link ExtractionFailure#TOO_LARGE}, or is cut with a warning if {@code truncateOverLimit}
 * @param truncateOverLimit   cut the text at {@code maxChars} instead of failing
 * @param timeout             longest time one document may take
 * @param maxBytes            largest input file accepted
 * @param maxEmbeddedDepth    deepest nesting of embedded documents (a zip in a zip in a zip is depth 3)
 * @param maxEmbeddedCount    most embedded documents (archive entries, attachments) parsed per document
 * @param maxCompressionRatio zip-bomb guard: archives may expand to at most this many times the input size
 *                            (with a floor of {@link #MIN_EXPANSION_BYTES}); also passed to Tika's
 *                            {@code SecureContentHandler} as the output/input ratio
 * @param workerHeap          {@code -Xmx} of each isolated worker JVM, e.g. {@code 768m}
 * @param workers             number of isolated worker JVMs (concurrent extractions)
 * @param pdfPassword         password tried on encrypted PDFs, or {@code null}
 */
public record ExtractionLimits(int maxChars, boolean truncateOverLimit, Duration timeout, long maxBytes,
                               int maxEmbeddedDepth, int maxEmbeddedCount, long maxCompressionRatio,
                               String workerHeap, int workers, String pdfPassword) {

    /** Archives may always expand to this many bytes, whatever their compression ratio. */
    public static final long MIN_EXPANSION_BYTES = 10L * 1024 * 1024;

    public ExtractionLimits {
        if (maxChars <= 0) throw new IllegalArgumentException("maxChars must be > 0");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be > 0");
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be > 0");
        if (maxEmbeddedDepth < 0) throw new IllegalArgumentException("maxEmbeddedDepth must be >= 0");
        if (maxEmbeddedCount < 0) throw new IllegalArgumentException("maxEmbeddedCount must be >= 0");
        if (maxCompressionRatio <= 0) throw new IllegalArgumentException("maxCompressionRatio must be > 0");
        Objects.requireNonNull(workerHeap, "workerHeap");
        if (!workerHeap.matches("\\d+[kKmMgG]?")) throw new IllegalArgumentException("workerHeap must look like 768m");
        if (workers <= 0) throw new IllegalArgumentException("workers must be > 0");
    }

    /** 5,000,000 chars (fail over it), 120 s, 200 MB, depth 3, 1000 embedded, ratio 100, 768m heap, 2 workers. */
    public static ExtractionLimits defaults() {
        return new ExtractionLimits(5_000_000, false, Duration.ofSeconds(120), 200L * 1024 * 1024,
                3, 1000, 100, "768m", 2, null);
    }

    public ExtractionLimits withMaxChars(int value) {
        return new ExtractionLimits(value, truncateOverLimit, timeout, maxBytes, maxEmbeddedDepth, maxEmbeddedCount,
                maxCompressionRatio, workerHeap, workers, pdfPassword);
    }

    public ExtractionLimits withTruncateOverLimit(boolean value) {
        return new ExtractionLimits(maxChars, value, timeout, maxBytes, maxEmbeddedDepth, maxEmbeddedCount,
                maxCompressionRatio, workerHeap, workers, pdfPassword);
    }

    public ExtractionLimits withTimeout(Duration value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, value, maxBytes, maxEmbeddedDepth, maxEmbeddedCount,
                maxCompressionRatio, workerHeap, workers, pdfPassword);
    }

    public ExtractionLimits withMaxBytes(long value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, timeout, value, maxEmbeddedDepth, maxEmbeddedCount,
                maxCompressionRatio, workerHeap, workers, pdfPassword);
    }

    public ExtractionLimits withMaxEmbeddedDepth(int value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, timeout, maxBytes, value, maxEmbeddedCount,
                maxCompressionRatio, workerHeap, workers, pdfPassword);
    }

    public ExtractionLimits withMaxEmbeddedCount(int value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, timeout, maxBytes, maxEmbeddedDepth, value,
                maxCompressionRatio, workerHeap, workers, pdfPassword);
    }

    public ExtractionLimits withMaxCompressionRatio(long value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, timeout, maxBytes, maxEmbeddedDepth, maxEmbeddedCount,
                value, workerHeap, workers, pdfPassword);
    }

    public ExtractionLimits withWorkerHeap(String value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, timeout, maxBytes, maxEmbeddedDepth, maxEmbeddedCount,
                maxCompressionRatio, value, workers, pdfPassword);
    }

    public ExtractionLimits withWorkers(int value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, timeout, maxBytes, maxEmbeddedDepth, maxEmbeddedCount,
                maxCompressionRatio, workerHeap, value, pdfPassword);
    }

    public ExtractionLimits withPdfPassword(String value) {
        return new ExtractionLimits(maxChars, truncateOverLimit, timeout, maxBytes, maxEmbeddedDepth, maxEmbeddedCount,
                maxCompressionRatio, workerHeap, workers, value);
    }

    /** Never prints the PDF password. */
    @Override
    public String toString() {
        return "ExtractionLimits[maxChars=" + maxChars + ", truncateOverLimit=" + truncateOverLimit
                + ", timeout=" + timeout + ", maxBytes=" + maxBytes + ", maxEmbeddedDepth=" + maxEmbeddedDepth
                + ", maxEmbeddedCount=" + maxEmbeddedCount + ", maxCompressionRatio=" + maxCompressionRatio
                + ", workerHeap=" + workerHeap + ", workers=" + workers
                + ", pdfPassword=" + (pdfPassword == null ? "none" : "***") + "]";
    }
}

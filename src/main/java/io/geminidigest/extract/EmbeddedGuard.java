package io.geminidigest.extract;

import java.io.IOException;

/**
 * Per-extraction bookkeeping of embedded documents: nesting depth, number of documents and bytes
 * expanded out of archives. The first limit breached is remembered, so it is reported even if a
 * parser swallows the exception that stopped it.
 */
final class EmbeddedGuard {

    /** Thrown when an embedded-document limit is breached. */
    static final class LimitExceededException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceededException(String message) {
            super(message);
        }
    }

    private final int maxDepth;
    private final int maxCount;
    private final long maxExpandedBytes;
    private int depth;
    private int count;
    private long expandedBytes;
    private String violation;

    EmbeddedGuard(int maxDepth, int maxCount, long maxExpandedBytes) {
        this.maxDepth = maxDepth;
        this.maxCount = maxCount;
        this.maxExpandedBytes = maxExpandedBytes;
    }

    /** Called before an embedded document is parsed. */
    void enter(String name) throws LimitExceededException {
        checkNotViolated();
        if (depth >= maxDepth) {
            throw violate("embedded documents are nested more than " + maxDepth + " levels deep (at '" + name
                    + "'); nesting limit extract.max-embedded-depth=" + maxDepth);
        }
        if (count >= maxCount) {
            throw violate("more than " + maxCount + " embedded documents; limit extract.max-embedded-count="
                    + maxCount);
        }
        depth++;
        count++;
    }

    /** Called after an embedded document was parsed (or failed). */
    void exit() {
        depth--;
    }

    /** Counts bytes read out of an archive entry. */
    void expanded(long bytes) throws LimitExceededException {
        checkNotViolated();
        expandedBytes += bytes;
        if (expandedBytes > maxExpandedBytes) {
            throw violate("archive expands to more than " + maxExpandedBytes + " bytes (expansion limit: "
                    + "suspected zip bomb)");
        }
    }

    void checkNotViolated() throws LimitExceededException {
        if (violation != null) {
            throw new LimitExceededException(violation);
        }
    }

    private LimitExceededException violate(String message) {
        violation = message;
        return new LimitExceededException(message);
    }

    /** The first limit breached, or {@code null}. */
    String violation() {
        return violation;
    }

    /** Number of embedded documents entered. */
    int count() {
        return count;
    }
}

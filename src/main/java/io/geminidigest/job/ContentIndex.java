package io.geminidigest.job;

/**
 * Remembers which content (by SHA-256) has been summarized, across restarts, so that a renamed copy or a re-drop is
 * never billed twice.
 * <p>
 * Camel's idempotent consumer is not used here on purpose: it confirms a key when the exchange is not failed, and our
 * failures are handled (they write an error report), so a failed document would be remembered as done; and in eager
 * mode a crash mid-document would mark content processed whose outputs were never written. The index therefore
 * has explicit claim / complete / release steps, tied to the document's outcome.
 */
public interface ContentIndex extends AutoCloseable {

    /** Claims the content for a job; see {@link Claim} for the answers. */
    Claim claim(String sha256, String source);

    /** Marks claimed content as summarized, with where its summary is. */
    void complete(String sha256, String source, String outputRef);

    /** Gives this instance's claim up (the job failed): the same content may be tried again. */
    void release(String sha256);

    /** Extends the lease of this instance's claims (the heartbeat); returns how many. */
    int renewLeases();

    /**
     * At start-up: releases the claims without a live lease (expired: left by a process that stopped mid-document,
     * or this same instance id's, from before a restart); another live instance's claims stay. Returns how many.
     */
    int releaseUnfinished();

    @Override
    void close();
}

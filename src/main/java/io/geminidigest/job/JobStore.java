package io.geminidigest.job;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable record of every job, whatever the way in. A job is accepted only once it is recorded here (its bytes
 * already spooled to local disk); unfinished jobs survive a crash and resume at the next start.
 */
public interface JobStore extends AutoCloseable {

    /** What {@link #accept} returns: the job, and whether it existed already (same message id, or same content and options). */
    record Accepted(JobRecord job, boolean duplicate) {
    }

    /** Tokens billed for a job. */
    record Tokens(long in, long out, long thinking) {
    }

    /** How many jobs are in a status, per source. */
    record StatusCount(JobStatus status, String source, long count) {
    }

    /** One page of a listing. */
    record Page(List<JobRecord> jobs, int page, int size, long total) {
    }

    /**
     * Records a job as {@link JobStatus#QUEUED}, or returns the existing one (flagged duplicate) when the same
     * (source, messageId) was accepted before, or the same content with the same options that change the result
     * ({@link JobIdentity}: all but {@code format}) is queued, running, parked or done. A request
     * with a reply destination is owed its reply in the same transaction ({@link JobReply}): WAITING until the job
     * is finished, PENDING at once for a duplicate of a finished job (unless that very reply is owed already).
     *
     * @param id     the new job's id (the spool file is named after it)
     * @param sha256 the content's hash
     * @param bytes  the content's size
     */
    Accepted accept(String id, JobRequest request, String sha256, long bytes);

    /**
     * {@link #accept(String, JobRequest, String, long)} for a spooled request: the id is the spool file's name
     * ({@link Spool} names files by job id), hash and size are read from the file.
     */
    default Accepted accept(JobRequest request) {
        Path file = request.spooled();
        return accept(file.getFileName().toString(), request, new ContentHasher().sha256(file),
                file.toFile().length());
    }

    /** Records a job that is being processed already (the folder's own files are its durable record). */
    JobRecord recordRunning(String id, JobRequest request, String sha256, long bytes);

    Optional<JobRecord> find(String id);

    /** Jobs newest first, optionally filtered by status and source (null: any); {@code page} counts from 0. */
    Page list(JobStatus status, String source, int page, int size);

    /**
     * QUEUED → RUNNING (also PARKED → RUNNING for a job this instance parked), held under this instance's lease; false
     * when the job was not in either (cancelled meanwhile, or taken by another instance: one wins).
     */
    boolean markRunning(String id);

    /** Extends the lease of this instance's RUNNING and PARKED jobs (the heartbeat); returns how many. */
    int renewLeases();

    void progress(String id, int done, int total);

    /** RUNNING → PARKED: waiting for a quota reset. */
    void markParked(String id);

    /**
     * → DONE; the job's WAITING replies become PENDING in the same transaction. False (nothing changed) when another
     * instance holds the job: this one's lease ran out and the job was taken over.
     */
    boolean markDone(String id, String resultJson, Tokens tokens, double costUsd);

    /**
     * → FAILED with what the job was billed before it failed (kept like a done job's, so the job's status and the
     * totals by job show it); the job's WAITING replies become PENDING in the same transaction. False as for
     * {@link #markDone}.
     */
    boolean markFailed(String id, String errorJson, Tokens tokens, double costUsd);

    /** → FAILED before anything was billed. */
    default boolean markFailed(String id, String errorJson) {
        return markFailed(id, errorJson, new Tokens(0, 0, 0), 0);
    }

    /** QUEUED → CANCELLED (its WAITING replies become PENDING); false when the job is in any other status. */
    boolean cancel(String id);

    /**
     * Claims PENDING replies to send (of one job, or of any when {@code jobId} is null), oldest first: each is
     * claimed by this instance for {@code claimFor} (counted as an attempt); a reply claimed by someone else and not
     * past its claim is not returned. A reply that is neither {@link #replySent marked sent} nor sent within its
     * claim (a crash) is claimed again after it; a failed send after its retry delay ({@link #replyNotSent}).
     */
    List<JobReply> claimReplies(String jobId, java.time.Duration claimFor, int limit);

    /** The broker took the reply: SENT. */
    void replySent(String replyId);

    /** The send failed: it stays PENDING with the reason, and may be claimed again {@code retryAfter} from now. */
    void replyNotSent(String replyId, String error, java.time.Duration retryAfter);

    /**
     * At start-up: the replies this instance id claimed before (a crash cut their send short) may be claimed again
     * at once, without waiting for their claim to run out; returns how many.
     */
    int releaseReplyClaims();

    /** Every reply of a job, oldest first. */
    List<JobReply> replies(String jobId);

    /** The oldest QUEUED jobs of every source except {@code folder}, at most {@code limit}. */
    List<JobRecord> queued(int limit);

    /** Jobs in a status (for a source, or any when null). */
    long count(JobStatus status, String source);

    /** Jobs per status and source (for the metrics). */
    List<StatusCount> counts();

    /**
     * At start-up: RUNNING and PARKED jobs without a live lease (expired, or held by this same instance id before a
     * restart) go back to QUEUED (folder jobs: FAILED, their files are picked up again by the folder watcher); jobs
     * another instance holds under a live lease are left alone. Returns how many were requeued.
     */
    int requeueUnfinished();

    /**
     * While running: RUNNING and PARKED jobs whose lease expired (their instance stopped renewing: it died) go back
     * to QUEUED, like {@link #requeueUnfinished()} but never this instance's own; returns how many.
     */
    int requeueExpired();

    /**
     * Removes finished jobs (DONE, FAILED, CANCELLED) last changed before {@code before}, with their replies; a job
     * that still owes a reply (not SENT) stays. The processed-content index is not touched: content done before is
     * still not processed again. Returns how many jobs were removed.
     */
    int removeFinishedBefore(Instant before);

    /** Whether the database answers. */
    boolean reachable();

    @Override
    void close();
}

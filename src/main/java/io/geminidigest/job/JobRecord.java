package io.geminidigest.job;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A job as the store keeps it (one row of {@code jobs}): what was asked, where it stands, what it cost and produced.
 *
 * @param id               the job id (also the spool file's name for jobs that are spooled)
 * @param source           the way in ({@code folder}, {@code http}, {@code jms}, ...)
 * @param sourceMessageId  the source's own id of the request (message id, idempotency key), or null
 * @param name             the input's name; outputs are named after it
 * @param sha256           content hash
 * @param bytes            content size
 * @param spoolPath        where the bytes are on local disk
 * @param contentType      declared content type, or null
 * @param optionsJson      options as JSON (task, language, model, ...), or null
 * @param replyTo          where the result goes, or null
 * @param correlationId    the id a reply carries, or null
 * @param status           where it stands
 * @param progressDone     units (chunks) done
 * @param progressTotal    units in all (0 while unknown)
 * @param tokensIn         prompt tokens billed
 * @param tokensOut        output tokens billed
 * @param tokensThinking   thinking tokens billed (part of output pricing)
 * @param costUsd          cost in USD
 * @param errorJson        the error report (FAILED), or null
 * @param resultJson       the sidecar (DONE), or null
 * @param createdAt        when it was accepted
 * @param updatedAt        last change
 */
public record JobRecord(String id, String source, String sourceMessageId, String name, String sha256, long bytes,
        String spoolPath, String contentType, String optionsJson, String replyTo, String correlationId,
        JobStatus status, int progressDone, int progressTotal, long tokensIn, long tokensOut, long tokensThinking,
        double costUsd, String errorJson, String resultJson, Instant createdAt, Instant updatedAt) {

    /** The pipeline's view of this job: its bytes are at the spool path. */
    public Job toJob() {
        return new Job(id, source, name, Path.of(spoolPath), sha256, bytes, createdAt);
    }
}

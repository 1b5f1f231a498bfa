package io.geminidigest.job;

import java.time.Instant;

/**
 * One reply a job owes (one row of {@code job_replies}, the outbox): the request that asked for it (its reply
 * destination and correlation id) and where it stands. A job has one per request that asked for a reply: the one
 * that made it, and every duplicate (same message id or same content) that came while it was queued, running or
 * after it finished.
 *
 * @param id            the reply's own id
 * @param jobId         the job it answers
 * @param replyTo       where it goes (an endpoint URI, or a destination name on the source's broker)
 * @param correlationId the id it carries, or null
 * @param source        the way in of the request that asked for it ({@code jms}, {@code kafka}, ...)
 * @param status        where it stands
 * @param attempts      how many times it was claimed for sending
 * @param lastError     why the last send failed, or null
 * @param createdAt     when it was recorded
 * @param sentAt        when the broker took it, or null
 */
public record JobReply(String id, String jobId, String replyTo, String correlationId, String source, Status status,
        int attempts, String lastError, Instant createdAt, Instant sentAt) {

    /** The life of a reply. */
    public enum Status {
        /** The job is not finished yet. */
        WAITING,
        /** The job is finished (recorded in the same transaction as its final status): to send. */
        PENDING,
        /** The broker took it. */
        SENT
    }
}

package io.geminidigest.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.job.JobRecord;
import io.geminidigest.job.JobReply;
import io.geminidigest.job.JobRequest;
import io.geminidigest.job.JobStatus;
import io.geminidigest.job.JobStore;

/**
 * The joints between the message endpoints and the job store: accepting a request (named under its source and
 * job id so that outputs of different messages never collide), and the replies jobs owe (the store's outbox): claimed
 * when due, with their body (job id, status, correlation id, summary or error, the sidecar's figures, the output
 * files), then marked sent.
 */
public final class MessageJobs {

    /** A reply to send: its id in the outbox, the job it answers, where, with which correlation id, the JSON body. */
    public record Reply(String replyId, String jobId, String replyTo, String correlationId, String source,
            String body) {
    }

    private final JobDispatcher jobs;
    private final JobStore store;
    private final Path outputDir;
    private final ObjectMapper json;
    private final Duration retryAfter;

    /** @param retryAfter how long after a failed send the reply may be sent again ({@code messaging.reply-retry-seconds}) */
    public MessageJobs(JobDispatcher jobs, JobStore store, Path outputDir, ObjectMapper json, Duration retryAfter) {
        this.jobs = jobs;
        this.store = store;
        this.outputDir = outputDir;
        this.json = json;
        this.retryAfter = retryAfter;
    }

    /** Records the request durably; the answer the message routes read: id, status, duplicate. */
    public Map<String, Object> accept(JobRequest request) {
        String id = request.spooled().getFileName().toString();
        String name = request.name().startsWith(request.source() + "/") ? request.name()
                : request.source() + "/" + id + "/" + request.name();
        JobStore.Accepted accepted = jobs.accept(new JobRequest(request.source(), request.messageId(), name,
                request.contentType(), request.spooled(), request.options(), request.replyTo(),
                request.correlationId()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", accepted.job().id());
        answer.put("status", accepted.job().status().name());
        answer.put("duplicate", accepted.duplicate());
        return answer;
    }

    /**
     * Claims the replies of the finished job {@code jobId} (made due with its final status) for
     * {@code leaseSeconds}, with their bodies: what {@code direct:deliver-reply} sends. None without a job id.
     */
    public List<Reply> claimRepliesOf(String jobId, long leaseSeconds) throws IOException {
        if (jobId == null) {
            return List.of();
        }
        haltIf(HALT_BEFORE_REPLY);
        return claim(jobId, leaseSeconds);
    }

    /**
     * Claims every reply still due (left by a crash, a failed send, an earlier run) whose claim ran out, for
     * {@code leaseSeconds}: the outbox's resend.
     */
    public List<Reply> claimDueReplies(long leaseSeconds) throws IOException {
        return claim(null, leaseSeconds);
    }

    private List<Reply> claim(String jobId, long leaseSeconds) throws IOException {
        List<Reply> replies = new ArrayList<>();
        for (JobReply r : store.claimReplies(jobId, Duration.ofSeconds(leaseSeconds), 100)) {
            Optional<JobRecord> job = store.find(r.jobId());
            if (job.isPresent()) {
                replies.add(new Reply(r.id(), r.jobId(), r.replyTo(), r.correlationId(), r.source(),
                        body(job.get(), r.correlationId())));
            }
        }
        return replies;
    }

    /** The broker took the reply. */
    public void sent(String replyId) {
        haltIf(HALT_BEFORE_MARK);
        store.replySent(replyId);
    }

    /** The reply could not be sent: the reason is kept, and it is sent again after the retry delay. */
    public void notSent(String replyId, String reason) {
        if (replyId != null) {
            store.replyNotSent(replyId, reason, retryAfter);
        }
    }

    /** The reply's JSON: the job's id, status and name, the correlation id, the result or error, the outputs. */
    private String body(JobRecord job, String correlationId) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("status", job.status().name().toLowerCase(java.util.Locale.ROOT));
        body.put("name", job.name());
        if (correlationId != null) {
            body.put("correlationId", correlationId);
        }
        if (job.status() == JobStatus.DONE) {
            Path summary = outputDir.resolve(job.name() + ".summary.md");
            if (Files.exists(summary)) {
                body.put("summary", Files.readString(summary));
            }
            Path transcript = outputDir.resolve(job.name() + ".transcript.md");
            if (Files.exists(transcript)) {
                body.put("transcript", Files.readString(transcript));
            }
            if (job.resultJson() != null) {
                body.put("sidecar", json.readTree(job.resultJson()));
            }
        } else if (job.errorJson() != null) {
            body.put("error", json.readTree(job.errorJson()));
        }
        List<String> outputs = new ArrayList<>();
        for (String suffix : List.of(".summary.md", ".summary.json", ".transcript.md", ".srt", ".vtt",
                ".transcript.json", ".error.json")) {
            Path p = outputDir.resolve(job.name() + suffix);
            if (Files.exists(p)) {
                outputs.add(p.toString());
            }
        }
        body.put("outputs", outputs);
        return json.writeValueAsString(body);
    }

    /**
     * Test-only kill points (system properties, never set in production): the JVM halts at once, as on SIGKILL,
     * after a job became DONE/FAILED and before its reply is claimed, or after a reply was sent and before it is
     * marked sent.
     */
    static final String HALT_BEFORE_REPLY = "gemini-digest.test.halt-before-reply";
    static final String HALT_BEFORE_MARK = "gemini-digest.test.halt-before-reply-marked-sent";

    private static void haltIf(String property) {
        if (Boolean.getBoolean(property)) {
            Runtime.getRuntime().halt(137);
        }
    }
}

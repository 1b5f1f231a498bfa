package io.geminidigest.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.job.JobRecord;
import io.geminidigest.job.JobRequest;
import io.geminidigest.job.JobStatus;
import io.geminidigest.job.JobStore;

/**
 * The two joints between the message endpoints and the job store: accepting a request (named under its source and
 * job id so that outputs of different messages never collide), and the reply of a finished job (status, summary or
 * error, the sidecar's figures, the output files).
 */
public final class MessageJobs {

    /** A reply to send: where, with which correlation id, and the JSON body. */
    public record Reply(String replyTo, String correlationId, String source, String body) {
    }

    private final JobDispatcher jobs;
    private final JobStore store;
    private final Path outputDir;
    private final ObjectMapper json;

    public MessageJobs(JobDispatcher jobs, JobStore store, Path outputDir, ObjectMapper json) {
        this.jobs = jobs;
        this.store = store;
        this.outputDir = outputDir;
        this.json = json;
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

    /** The reply of a finished job, if it asked for one. */
    public Optional<Reply> reply(String jobId) throws IOException {
        Optional<JobRecord> found = jobId == null ? Optional.empty() : store.find(jobId);
        if (found.isEmpty() || found.get().replyTo() == null || found.get().replyTo().isBlank()) {
            return Optional.empty();
        }
        JobRecord job = found.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("status", job.status().name().toLowerCase(java.util.Locale.ROOT));
        body.put("name", job.name());
        if (job.correlationId() != null) {
            body.put("correlationId", job.correlationId());
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
        return Optional.of(new Reply(job.replyTo(), job.correlationId(), job.source(), json.writeValueAsString(body)));
    }
}

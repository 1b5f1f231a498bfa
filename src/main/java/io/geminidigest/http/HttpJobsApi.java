package io.geminidigest.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.attachment.AttachmentMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.app.JobDispatcher;
import io.geminidigest.app.JobMetrics;
import io.geminidigest.app.JobOptions;
import io.geminidigest.app.ParkingControl;
import io.geminidigest.app.Readiness;
import io.geminidigest.job.JobRecord;
import io.geminidigest.job.JobRequest;
import io.geminidigest.job.JobStatus;
import io.geminidigest.job.JobStore;
import io.geminidigest.limits.Parking;

/**
 * The steps of the HTTP jobs API, health and metrics (routes/ingest-http.camel.yaml calls them by name,
 * {@code httpApi}). Each step reads the request from the exchange and leaves the response in it; anything else than
 * success is an {@link ApiProblem}, written once by {@link #problem(Exchange)}.
 */
public final class HttpJobsApi {

    /** What the API needs to know from the configuration. */
    public record Settings(long maxBodyBytes, int maxWaitSeconds, List<String> tokens, Path outputDir,
            java.util.Set<String> promptTemplates) {
        public Settings {
            promptTemplates = promptTemplates == null ? java.util.Set.of() : java.util.Set.copyOf(promptTemplates);
        }
    }

    private static final String JSON = "application/json";
    private static final String PROBLEM = "application/problem+json";
    private static final String MARKDOWN = "text/markdown; charset=utf-8";
    private static final String BASE = "/api/v1/jobs/";

    private final JobDispatcher jobs;
    private final JobStore store;
    private final ParkingControl parking;
    private final Readiness readiness;
    private final java.util.function.Supplier<String> scrape;
    private final JobMetrics jobMetrics;
    private final ObjectMapper json;
    private final Settings settings;

    public HttpJobsApi(JobDispatcher jobs, ParkingControl parking, Readiness readiness,
            java.util.function.Supplier<String> scrape, JobMetrics jobMetrics, ObjectMapper json, Settings settings) {
        this.jobs = jobs;
        this.store = jobs.store();
        this.parking = parking;
        this.readiness = readiness;
        this.scrape = scrape;
        this.jobMetrics = jobMetrics;
        this.json = json;
        this.settings = settings;
    }

    // ---- access ------------------------------------------------------------------------------------------------

    /** With tokens configured, every API and metrics request carries {@code Authorization: Bearer <token>}. */
    public void authorize(Exchange exchange) {
        if (settings.tokens().isEmpty()) {
            return;
        }
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiProblem(401, "Unauthorized", "a bearer token is required (Authorization: Bearer <token>)");
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (String token : settings.tokens()) {
            // constant time, and every token compared: the answer's timing tells nothing
            known |= MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
        }
        if (!known) {
            throw new ApiProblem(403, "Forbidden", "the bearer token is not one of the configured tokens");
        }
    }

    // ---- jobs --------------------------------------------------------------------------------------------------

    /** {@code POST /api/v1/jobs}: spools the upload, accepts it durably, answers 202 (or 200 for the same job). */
    public void submit(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        parking.state().ifPresent(p -> {
            throw new ApiProblem(503, "Service Unavailable", "Gemini quota exhausted (" + p.reason()
                    + "): parked until " + p.until() + "; no new work is taken", retryAfter(p));
        });
        if (jobs.backlogFull()) {
            throw new ApiProblem(429, "Too Many Requests", "the job queue is full; try again later", 30L);
        }
        Long declared = in.getHeader("Content-Length", Long.class);
        if (declared != null && declared > settings.maxBodyBytes() + 64 * 1024) {
            throw tooLarge();
        }
        JobOptions options = options(in);
        int wait = intParam(in, "wait", 0, 0, Integer.MAX_VALUE);
        Upload upload = upload(exchange);
        Path spooled = upload.spooled();
        String name;
        try {
            if (Files.size(spooled) > settings.maxBodyBytes()) {
                throw tooLarge();
            }
            if (Files.size(spooled) == 0) {
                throw new ApiProblem(400, "Bad Request", "the request has no document (an empty body)");
            }
            name = cleanName(Optional.ofNullable(in.getHeader("name", String.class)).orElse(upload.name()));
        } catch (ApiProblem refused) {
            jobs.spool().discard(spooled);
            throw refused;
        }
        String id = spooled.getFileName().toString();
        JobRequest request = new JobRequest("http", in.getHeader("Idempotency-Key", String.class),
                "http/" + id + "/" + name, upload.contentType(), spooled, options.asMap(), null, null);
        JobStore.Accepted accepted = jobs.accept(request);
        JobRecord job = accepted.job();
        if (wait > 0) {
            Duration timeout = Duration.ofSeconds(Math.min(wait, settings.maxWaitSeconds()));
            job = jobs.awaitFinal(job.id(), timeout).orElse(job);
            if (job.status() == JobStatus.DONE) {
                // this request's own format, also when it is answered by an earlier job with another one
                respondResult(exchange, job, options);
                return;
            }
        }
        respond(exchange, accepted.duplicate() ? 200 : 202, JSON, json.writeValueAsString(view(job,
                accepted.duplicate())));
        in.setHeader("Location", BASE + job.id());
    }

    /** {@code GET /api/v1/jobs/{id}}. */
    public void get(Exchange exchange) throws Exception {
        JobRecord job = find(exchange);
        respond(exchange, 200, JSON, json.writeValueAsString(view(job, null)));
    }

    /** {@code GET /api/v1/jobs/{id}/result}: the summary (markdown) or the sidecar (JSON), by {@code Accept}. */
    public void result(Exchange exchange) throws Exception {
        JobRecord job = find(exchange);
        if (job.status() != JobStatus.DONE) {
            String detail = job.status() == JobStatus.FAILED ? "the job failed: " + errorMessage(job)
                    : "the job is " + job.status().name().toLowerCase(Locale.ROOT) + "; no result yet";
            throw new ApiProblem(409, "Conflict", detail);
        }
        respondResult(exchange, job, null);
    }

    /** {@code GET /api/v1/jobs?status=&source=&page=&size=}. */
    public void list(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        JobStatus status = null;
        String s = in.getHeader("status", String.class);
        if (s != null && !s.isBlank()) {
            try {
                status = JobStatus.valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ApiProblem(400, "Bad Request", "unknown status '" + s + "'");
            }
        }
        String source = blankToNull(in.getHeader("source", String.class));
        int page = intParam(in, "page", 0, 0, Integer.MAX_VALUE);
        int size = intParam(in, "size", 20, 1, 200);
        JobStore.Page result = store.list(status, source, page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", result.jobs().stream().map(j -> view(j, null)).toList());
        body.put("page", result.page());
        body.put("size", result.size());
        body.put("total", result.total());
        respond(exchange, 200, JSON, json.writeValueAsString(body));
    }

    /** {@code DELETE /api/v1/jobs/{id}}: cancels a queued job. */
    public void cancel(Exchange exchange) throws Exception {
        JobRecord job = find(exchange);
        if (!jobs.cancel(job.id())) {
            throw new ApiProblem(409, "Conflict", "only a queued job can be cancelled; this one is "
                    + store.find(job.id()).map(j -> j.status().name().toLowerCase(Locale.ROOT)).orElse("gone"));
        }
        respond(exchange, 200, JSON, json.writeValueAsString(view(store.find(job.id()).orElseThrow(), null)));
    }

    /** {@code GET /api/v1/openapi.json}: the API's description (src/main/resources/openapi.json). */
    public void openapi(Exchange exchange) throws IOException {
        try (InputStream s = HttpJobsApi.class.getResourceAsStream("/openapi.json")) {
            respond(exchange, 200, JSON, new String(s.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    // ---- health and metrics ------------------------------------------------------------------------------------

    /** {@code GET /health/live}: the process answers. */
    public void live(Exchange exchange) {
        respond(exchange, 200, JSON, "{\"status\":\"UP\"}");
    }

    /** {@code GET /health/ready}: preflight passed, not parked, store reachable; 503 otherwise. */
    public void ready(Exchange exchange) throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        Boolean preflight = readiness.preflightPassed();
        boolean storeUp = store.reachable();
        Optional<Parking> parked = parking.state();
        boolean ready = Boolean.TRUE.equals(preflight) && storeUp && parked.isEmpty();
        body.put("status", ready ? "UP" : "DOWN");
        body.put("preflight", Map.of("passed", preflight != null && preflight, "message",
                readiness.preflightMessage()));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("parked", parked.isPresent());
        parked.ifPresent(x -> {
            p.put("until", x.until().toString());
            p.put("reason", x.reason());
        });
        body.put("parking", p);
        body.put("store", Map.of("reachable", storeUp));
        respond(exchange, ready ? 200 : 503, JSON, json.writeValueAsString(body));
        parked.ifPresent(x -> exchange.getMessage().setHeader("Retry-After", retryAfter(x)));
    }

    /** {@code GET /metrics}: Prometheus text format. */
    public void metrics(Exchange exchange) {
        jobMetrics.refresh();
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get());
    }

    /** {@code GET/POST ... anything else}: not found (the REST routes' fallback). */
    public void notFound(Exchange exchange) {
        throw new ApiProblem(404, "Not Found", "no such resource");
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    /** Writes the exchange's exception as problem details (RFC 9457); unexpected failures are a 500. */
    public void problem(Exchange exchange) throws JsonProcessingException {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiProblem p = failure instanceof ApiProblem a ? a
                : new ApiProblem(500, "Internal Server Error", failure == null ? "unexpected failure"
                        : io.geminidigest.gemini.Secrets.mask(String.valueOf(failure.getMessage())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.detail());
        respond(exchange, p.status(), PROBLEM, json.writeValueAsString(body));
        if (p.retryAfterSeconds() != null) {
            exchange.getMessage().setHeader("Retry-After", p.retryAfterSeconds());
        }
        if (p.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private record Upload(Path spooled, String name, String contentType) {
    }

    /** The request's document, spooled: the {@code file} part of a multipart form, or the raw body. */
    private Upload upload(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            AttachmentMessage am = exchange.getMessage(AttachmentMessage.class);
            DataHandler part = am.hasAttachments() ? am.getAttachment("file") : null;
            if (part == null) {
                throw new ApiProblem(400, "Bad Request", "a multipart request needs a part named 'file'");
            }
            Path spooled;
            if (part.getDataSource() instanceof FileDataSource f) {
                // the server wrote the part to a file already: moved into the spool, not copied
                spooled = jobs.spool().adopt(f.getFile().toPath());
            } else {
                try (InputStream s = part.getInputStream()) {
                    spooled = jobs.spool().write(s);
                }
            }
            return new Upload(spooled, part.getName() == null ? "upload" : part.getName(), part.getContentType());
        }
        try (InputStream s = in.getBody(InputStream.class)) {
            Path spooled = jobs.spool().write(s == null ? InputStream.nullInputStream() : s);
            return new Upload(spooled, "upload", contentType);
        }
    }

    /** The job's options from the query parameters (task, language, model, prompt, format): 400 when not offered. */
    private JobOptions options(Message in) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : List.of("task", "language", "model", "prompt", "format")) {
            putIfPresent(given, key, in.getHeader(key, String.class));
        }
        try {
            return JobOptions.of(given, settings.promptTemplates());
        } catch (JobOptions.InvalidOptionsException e) {
            throw new ApiProblem(400, "Bad Request", e.getMessage());
        }
    }

    /**
     * The result by {@code Accept}: JSON (the sidecar) or Markdown (the summary); without a preference, the
     * {@code format} option decides (Markdown unless {@code json}): the waiting request's own ({@code waitedWith}),
     * else the job's.
     */
    private void respondResult(Exchange exchange, JobRecord job, JobOptions waitedWith) throws IOException {
        boolean waited = waitedWith != null;
        String accept = Optional.ofNullable(exchange.getMessage().getHeader("Accept", String.class)).orElse("");
        boolean wantsJson = accept.contains(JSON) && !accept.contains("text/markdown");
        if (!accept.contains(JSON) && !accept.contains("text/markdown")) {
            wantsJson = (waited ? waitedWith : storedOptions(job)).wantsJson();
        }
        if (wantsJson) {
            respond(exchange, 200, JSON, job.resultJson());
        } else {
            JsonNode sidecar = json.readTree(job.resultJson());
            // a duplicate's summary is the original's
            String summarized = sidecar.hasNonNull("duplicateOf") ? sidecar.get("duplicateOf").asText() : job.name();
            Path md = settings.outputDir().resolve(summarized + ".summary.md");
            if (!Files.isRegularFile(md)) {
                throw new ApiProblem(404, "Not Found", "no summary for this job ("
                        + sidecar.path("status").asText() + "): " + sidecar.path("note").asText("ask for "
                                + "application/json to get the sidecar"));
            }
            respond(exchange, 200, MARKDOWN, Files.readString(md));
        }
        exchange.getMessage().setHeader("Content-Location", BASE + job.id() + "/result");
        if (waited) {
            exchange.getMessage().setHeader("Location", BASE + job.id());
        }
    }

    private JobRecord find(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return store.find(id).orElseThrow(() -> new ApiProblem(404, "Not Found", "no job " + id));
    }

    /** The JSON of a job: status, progress, tokens, cost, links; the error report when it failed. */
    private Map<String, Object> view(JobRecord job, Boolean duplicate) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", job.id());
        v.put("status", job.status().name());
        v.put("source", job.source());
        v.put("name", job.name());
        v.put("sha256", job.sha256());
        v.put("bytes", job.bytes());
        if (job.contentType() != null) {
            v.put("contentType", job.contentType());
        }
        if (job.optionsJson() != null) {
            v.put("options", readJson(job.optionsJson()));
        }
        v.put("progress", Map.of("done", job.progressDone(), "total", job.progressTotal()));
        v.put("tokens", Map.of("in", job.tokensIn(), "out", job.tokensOut(), "thinking", job.tokensThinking()));
        v.put("costUsd", job.costUsd());
        v.put("createdAt", job.createdAt().toString());
        v.put("updatedAt", job.updatedAt().toString());
        if (job.errorJson() != null) {
            v.put("error", readJson(job.errorJson()));
        }
        if (duplicate != null) {
            v.put("duplicate", duplicate);
        }
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", BASE + job.id());
        links.put("result", BASE + job.id() + "/result");
        v.put("links", links);
        return v;
    }

    private JobOptions storedOptions(JobRecord job) {
        try {
            return JobOptions.fromJson(job.optionsJson(), json, settings.promptTemplates());
        } catch (JobOptions.InvalidOptionsException e) {
            return JobOptions.NONE;
        }
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    private String errorMessage(JobRecord job) {
        return job.errorJson() == null ? "unknown" : readJson(job.errorJson()).path("message").asText("unknown");
    }

    private static void respond(Exchange exchange, int status, String contentType, String body) {
        Message out = exchange.getMessage();
        // request headers (the Authorization among them) never go back out
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, contentType);
        out.setBody(body);
    }

    private ApiProblem tooLarge() {
        return new ApiProblem(413, "Content Too Large", "documents up to " + settings.maxBodyBytes()
                + " bytes are taken (http.max-body-bytes)");
    }

    private static long retryAfter(Parking p) {
        return Math.max(1, Duration.between(Instant.now(), p.until()).toSeconds());
    }

    private static int intParam(Message in, String name, int def, int min, int max) {
        String v = in.getHeader(name, String.class);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiProblem(400, "Bad Request", "'" + name + "' must be a whole number from " + min
                    + (max == Integer.MAX_VALUE ? "" : " to " + max));
        }
    }

    /** The last element of a client's file name, without control characters; never a path. */
    static String cleanName(String raw) {
        String name = raw.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.startsWith(".")
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f) || name.length() > 255) {
            throw new ApiProblem(400, "Bad Request", "'" + raw.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a usable file name");
        }
        return name;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value.strip());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

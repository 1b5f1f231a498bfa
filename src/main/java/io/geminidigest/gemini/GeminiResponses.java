package io.geminidigest.gemini;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.gemini.GeminiRest.ApiError;
import io.geminidigest.gemini.GeminiRest.Candidate;
import io.geminidigest.gemini.GeminiRest.CountTokensResponse;
import io.geminidigest.gemini.GeminiRest.ErrorEnvelope;
import io.geminidigest.gemini.GeminiRest.GenerateContentResponse;
import io.geminidigest.gemini.GeminiRest.ModelInfo;
import io.geminidigest.gemini.GeminiRest.UsageMetadata;

/**
 * Turns an HTTP answer from Gemini into a typed result or a typed {@link GeminiException}. Pure: no I/O.
 * <p>
 * Every non-{@code STOP} finish reason and every blocked prompt (HTTP 200 with {@code promptFeedback.blockReason})
 * becomes an exception, never a silent success. Error details are found by {@code @type}, not by position.
 */
public final class GeminiResponses {

    static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
    static final String QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure";
    static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

    private final ObjectMapper mapper;

    public GeminiResponses() {
        this(new ObjectMapper());
    }

    public GeminiResponses(ObjectMapper mapper) {
        this.mapper = mapper.copy().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /**
     * Maps one answer.
     *
     * @return a {@link GenerateResult}, a {@link CountTokensResponse} or a {@link ModelInfo}, by the call's kind
     * @throws GeminiException for every error status and every incomplete answer
     */
    public Object map(GeminiCall call, int httpStatus, String body, long latencyMillis) {
        return map(call, httpStatus, body, latencyMillis, name -> null);
    }

    /**
     * Maps one answer; {@code responseHeader} reads the answer's headers (the upload protocol answers in headers).
     *
     * @return a {@link GenerateResult}, {@link CountTokensResponse}, {@link ModelInfo}, {@link Upload.Status},
     *         {@link Upload.FileResource} or {@code Boolean.TRUE} (delete), by the call's kind
     */
    public Object map(GeminiCall call, int httpStatus, String body, long latencyMillis,
            java.util.function.Function<String, String> responseHeader) {
        if (httpStatus != 200) {
            throw toException(call, httpStatus, body);
        }
        try {
            return switch (call.kind()) {
                case GENERATE -> toGenerateResult(call, mapper.readValue(body, GenerateContentResponse.class),
                        latencyMillis);
                case COUNT_TOKENS -> mapper.readValue(body, CountTokensResponse.class);
                case GET_MODEL -> mapper.readValue(body, ModelInfo.class);
                case UPLOAD_START, UPLOAD_CHUNK, UPLOAD_QUERY -> uploadStatus(call, body, responseHeader);
                case GET_FILE -> mapper.readValue(body, Upload.FileResource.class);
                case DELETE_FILE -> Boolean.TRUE;
            };
        } catch (JsonProcessingException e) {
            throw GeminiException.create(GeminiErrorKind.UNEXPECTED_RESPONSE, httpStatus, null,
                    "answer is not the JSON expected for " + call.kind() + ": " + e.getOriginalMessage(), null,
                    null);
        }
    }

    Upload.Status uploadStatus(GeminiCall call, String body, java.util.function.Function<String, String> header)
            throws JsonProcessingException {
        String session = header.apply("X-Goog-Upload-URL");
        if (session == null && call.payload() instanceof Upload.Chunk c) {
            session = c.sessionUrl();
        } else if (session == null && call.payload() instanceof Upload.Query q) {
            session = q.sessionUrl();
        }
        String status = header.apply("X-Goog-Upload-Status");
        if (call.kind() == GeminiCall.Kind.UPLOAD_START && session == null) {
            throw GeminiException.create(GeminiErrorKind.UNEXPECTED_RESPONSE, 200, null,
                    "the upload start was answered without X-Goog-Upload-URL", null, null);
        }
        long received = parseLong(header.apply("X-Goog-Upload-Size-Received"), -1);
        long granularity = parseLong(header.apply("X-Goog-Upload-Chunk-Granularity"), 0);
        Upload.FileResource file = null;
        if ("final".equalsIgnoreCase(status) && body != null && !body.isBlank()) {
            file = mapper.readValue(body, Upload.FileEnvelope.class).file();
        }
        return new Upload.Status(session, status == null ? "active" : status, received, granularity, file);
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    GenerateResult toGenerateResult(GeminiCall call, GenerateContentResponse r, long latencyMillis) {
        UsageMetadata usage = r.usageMetadata() == null ? UsageMetadata.NONE : r.usageMetadata();
        if (r.candidates().isEmpty()) {
            String reason = r.promptFeedback() != null && r.promptFeedback().blockReason() != null
                    ? r.promptFeedback().blockReason() : "no candidates";
            throw billed(GeminiException.create(GeminiErrorKind.BLOCKED_PROMPT, 200, reason,
                    "prompt blocked: " + reason + " (" + call.label() + ")", null, null), call, r, usage, null, "",
                    latencyMillis);
        }
        Candidate c = r.candidates().get(0);
        String finish = c.finishReason();
        if (finish == null) {
            // a complete answer always names its finish reason: without one the answer was cut off
            throw billed(GeminiException.create(GeminiErrorKind.NETWORK, 200, null,
                    "answer ended without a finish reason (" + call.label() + ")", null, null), call, r, usage,
                    null, c.answerText(), latencyMillis);
        }
        if ("MAX_TOKENS".equals(finish)) {
            throw billed(GeminiException.create(GeminiErrorKind.OUTPUT_TRUNCATED, 200, finish,
                    "finish reason MAX_TOKENS after " + usage.candidatesTokenCount() + " answer and "
                            + usage.thoughtsTokenCount() + " thinking tokens (" + call.label() + ")",
                    null, null), call, r, usage, finish, c.answerText(), latencyMillis);
        }
        if (!"STOP".equals(finish)) {
            throw billed(GeminiException.create(GeminiErrorKind.ANSWER_REFUSED, 200, finish,
                    "finish reason " + finish + " (" + call.label() + ")", null, null), call, r, usage, finish,
                    c.answerText(), latencyMillis);
        }
        String text = c.answerText();
        if (text.isBlank()) {
            throw billed(GeminiException.create(GeminiErrorKind.ANSWER_REFUSED, 200, finish,
                    "finish reason STOP but no answer text (" + call.label() + ")", null, null), call, r, usage,
                    finish, text, latencyMillis);
        }
        return new GenerateResult(call.label(), call.model(), r.modelVersion(), text, finish, usage, latencyMillis,
                r.responseId());
    }

    /**
     * An answered request that is not a usable answer is still billed: the failure carries the answer, marked
     * discarded with the failure's kind ({@code output-truncated}, {@code answer-refused}, ...).
     */
    private static GeminiException billed(GeminiException e, GeminiCall call, GenerateContentResponse r,
            UsageMetadata usage, String finish, String text, long latencyMillis) {
        GenerateResult answer = new GenerateResult(call.label(), call.model(), r.modelVersion(), text, finish, usage,
                latencyMillis, r.responseId()).asDiscarded(e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return e.withBilled(java.util.List.of(answer));
    }

    GeminiException toException(GeminiCall call, int httpStatus, String body) {
        ApiError error = parseError(body);
        String status = error == null ? null : error.status();
        String message = error == null || error.message() == null ? abbreviate(body) : error.message();
        Duration delay = error == null ? null : retryDelay(error).orElse(null);
        String quotaId = error == null ? null : quotaId(error).orElse(null);
        GeminiErrorKind kind = switch (httpStatus) {
            case 400 -> {
                if (error != null && hasReason(error, "API_KEY_INVALID")) {
                    yield GeminiErrorKind.INVALID_API_KEY;
                }
                if (message != null && message.toLowerCase(Locale.ROOT).contains("input token count")) {
                    yield GeminiErrorKind.INPUT_TOO_LONG;
                }
                if ("FAILED_PRECONDITION".equals(status) && message != null && message.contains("ACTIVE state")) {
                    yield GeminiErrorKind.FILE_NOT_ACTIVE;
                }
                yield GeminiErrorKind.INVALID_REQUEST;
            }
            case 401, 403 -> message != null && message.contains("permission to access the File")
                    ? GeminiErrorKind.FILE_UNAVAILABLE : GeminiErrorKind.PERMISSION_DENIED;
            case 404 -> call.kind() == GeminiCall.Kind.GET_MODEL || message == null
                    || message.contains("models/") ? GeminiErrorKind.MODEL_NOT_FOUND
                            : GeminiErrorKind.INVALID_REQUEST;
            case 429 -> quotaKind(message, quotaId);
            case 500 -> GeminiErrorKind.SERVER_ERROR;
            case 502, 503 -> GeminiErrorKind.UNAVAILABLE;
            case 504 -> GeminiErrorKind.DEADLINE_EXCEEDED;
            default -> httpStatus >= 500 ? GeminiErrorKind.SERVER_ERROR : GeminiErrorKind.INVALID_REQUEST;
        };
        GeminiException e = GeminiException.create(kind, httpStatus, status, message, delay, quotaId);
        return switch (call.kind()) {
            case GENERATE, COUNT_TOKENS, GET_MODEL -> e.onModel(call.model());
            default -> e;
        };
    }

    /** Per-day quotas and spend caps park the pipeline; everything else in a 429 is per minute. */
    static GeminiErrorKind quotaKind(String message, String quotaId) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("prepayment credits are depleted") || m.contains("spend cap") || m.contains("spending cap")) {
            return GeminiErrorKind.SPEND_CAP;
        }
        if (quotaId != null && quotaId.contains("PerDay")) {
            return GeminiErrorKind.DAILY_QUOTA;
        }
        return GeminiErrorKind.RATE_LIMITED;
    }

    ApiError parseError(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node.isArray() && !node.isEmpty()) { // the streaming JSON-array mode wraps errors in an array
                node = node.get(0);
            }
            ErrorEnvelope env = mapper.treeToValue(node, ErrorEnvelope.class);
            return env == null ? null : env.error();
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    static Optional<JsonNode> detail(ApiError error, String type) {
        return error.details().stream().filter(d -> type.equals(d.path("@type").asText())).findFirst();
    }

    static Optional<Duration> retryDelay(ApiError error) {
        return detail(error, RETRY_INFO).map(d -> d.path("retryDelay").asText(null)).flatMap(
                GeminiResponses::parseDuration);
    }

    static Optional<String> quotaId(ApiError error) {
        return error.details().stream().filter(d -> QUOTA_FAILURE.equals(d.path("@type").asText()))
                .flatMap(d -> {
                    java.util.List<String> ids = new java.util.ArrayList<>();
                    d.path("violations").forEach(v -> ids.add(v.path("quotaId").asText("")));
                    return ids.stream();
                })
                // a per-day violation outranks per-minute ones listed beside it
                .sorted((a, b) -> Boolean.compare(b.contains("PerDay"), a.contains("PerDay")))
                .filter(s -> !s.isEmpty()).findFirst();
    }

    static boolean hasReason(ApiError error, String reason) {
        return detail(error, ERROR_INFO).map(d -> reason.equals(d.path("reason").asText())).orElse(false);
    }

    /** Parses a protobuf duration string such as {@code "22s"} or {@code "45.837906927s"}. */
    public static Optional<Duration> parseDuration(String s) {
        if (s == null || !s.endsWith("s")) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(s.substring(0, s.length() - 1));
            if (seconds < 0 || Double.isNaN(seconds)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) (seconds * 1_000_000_000L)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String b = body.strip();
        return b.length() > 300 ? b.substring(0, 300) + "…" : b;
    }
}

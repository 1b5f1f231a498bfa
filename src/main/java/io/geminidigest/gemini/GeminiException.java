package io.geminidigest.gemini;

import java.time.Duration;
import java.util.Optional;

/**
 * A typed failure of a Gemini call. The message never contains the API key (see {@link Secrets}).
 */
public class GeminiException extends RuntimeException {

    private final GeminiErrorKind kind;
    private final int httpStatus;
    private final String apiStatus;
    private final Duration retryDelay;
    private final String quotaId;
    /** Answers of this call that Google billed but that were not used (see {@link GenerateResult#discarded()}). */
    private volatile java.util.List<GenerateResult> billed = java.util.List.of();
    /** The model the failed call asked for (generate, countTokens, GET model), when it was a call on a model. */
    private volatile String model;

    public GeminiException(GeminiErrorKind kind, int httpStatus, String apiStatus, String message,
            Duration retryDelay, String quotaId) {
        super(Secrets.mask(message));
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.apiStatus = apiStatus;
        this.retryDelay = retryDelay;
        this.quotaId = quotaId;
    }

    /** A failure of the given kind: transient kinds get the {@link GeminiTransientException} type. */
    public static GeminiException create(GeminiErrorKind kind, int httpStatus, String apiStatus, String message,
            Duration retryDelay, String quotaId) {
        return kind.handling() == GeminiErrorKind.Handling.RETRY
                ? new GeminiTransientException(kind, httpStatus, apiStatus, message, retryDelay, quotaId)
                : new GeminiException(kind, httpStatus, apiStatus, message, retryDelay, quotaId);
    }

    public GeminiException(GeminiErrorKind kind, String message) {
        this(kind, 0, null, message, null, null);
    }

    public GeminiErrorKind kind() {
        return kind;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String apiStatus() {
        return apiStatus;
    }

    /** The server's {@code RetryInfo.retryDelay}, when it sent one. */
    public Optional<Duration> retryDelay() {
        return Optional.ofNullable(retryDelay);
    }

    /** The first {@code QuotaFailure.violations[].quotaId}, when the server sent one. */
    public Optional<String> quotaId() {
        return Optional.ofNullable(quotaId);
    }

    /**
     * The answers of this call that were billed but not used, oldest first: the answer this failure is about when it
     * was one (HTTP 200 cut off, refused, blocked, without a finish reason), and those of earlier attempts of the same
     * call. Empty when nothing was answered (an HTTP error, a dropped connection).
     */
    public java.util.List<GenerateResult> billed() {
        return billed;
    }

    /** Sets {@link #billed()}; returns this exception. */
    public GeminiException withBilled(java.util.List<GenerateResult> answers) {
        this.billed = java.util.List.copyOf(answers);
        return this;
    }

    /**
     * The model the failed call was made on (without {@code models/}), when it was a call on a model (generate,
     * countTokens, {@code GET /v1beta/models/{model}}); null for other calls (Files API) and for local failures. Says
     * which model a 403 or 404 refused: the configured one (nothing can succeed) or one a job chose.
     */
    public String model() {
        return model;
    }

    /** Sets {@link #model()}; returns this exception. */
    public GeminiException onModel(String modelId) {
        this.model = modelId;
        return this;
    }

    public boolean isRetryable() {
        return kind.handling() == GeminiErrorKind.Handling.RETRY;
    }

    /** One line for logs and error reports: kind, HTTP status and the server's message. */
    public String summary() {
        StringBuilder sb = new StringBuilder(kind.meaning());
        if (httpStatus > 0) {
            sb.append(" (HTTP ").append(httpStatus);
            if (apiStatus != null) {
                sb.append(' ').append(apiStatus);
            }
            sb.append(')');
        }
        if (getMessage() != null && !getMessage().isBlank()) {
            sb.append(": ").append(getMessage());
        }
        return sb.toString();
    }
}

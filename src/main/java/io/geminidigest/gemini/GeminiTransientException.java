package io.geminidigest.gemini;

import java.time.Duration;

/**
 * A failure that may pass if tried again (per-minute 429, 5xx, network). Its own type so that the circuit breaker can
 * count exactly these, and not client errors, as failures of the service.
 */
public class GeminiTransientException extends GeminiException {

    public GeminiTransientException(GeminiErrorKind kind, int httpStatus, String apiStatus, String message,
            Duration retryDelay, String quotaId) {
        super(kind, httpStatus, apiStatus, message, retryDelay, quotaId);
    }
}

package io.geminidigest.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * A scripted failure for the next generate call (see {@link FakeGemini#failNext(Fault...)}).
 *
 * <p>Each fault is consumed by exactly one {@code :generateContent} / {@code :streamGenerateContent} call that got
 * past authentication and request validation (a malformed request is still rejected with 400 and does not
 * consume a fault). Faulted calls are not charged to the rate limits.
 */
public final class Fault {

    /** What the fault does. */
    public enum Kind {
        /** Answer an error status with Google's envelope. */
        STATUS,
        /** Close the connection without any response. */
        DROP_CONNECTION,
        /** 429 per-minute quota (QuotaFailure + Help + RetryInfo). */
        QUOTA_PER_MINUTE,
        /** 429 per-day quota (QuotaFailure + Help, no RetryInfo). */
        QUOTA_PER_DAY,
        /** 429 "Resource has been exhausted (e.g. check quota)." without details. */
        QUOTA_NO_DETAILS,
        /** 429 "Your prepayment credits are depleted. ..." without RetryInfo. */
        PREPAYMENT_DEPLETED,
        /** Upload requests only: keep the first {@link #bytes()} bytes of the chunk, then close the connection. */
        DROP_UPLOAD
    }

    static final String INTERNAL_MESSAGE = "An internal error has occurred. Please retry or report in "
            + "https://developers.generativeai.google/guide/troubleshooting";
    static final String UNAVAILABLE_MESSAGE = "The model is overloaded. Please try again later.";
    static final String DEADLINE_MESSAGE = "Deadline expired before operation could complete.";
    static final String NO_DETAILS_MESSAGE = "Resource has been exhausted (e.g. check quota).";
    static final String PREPAYMENT_MESSAGE = "Your prepayment credits are depleted. Please go to AI Studio at "
            + "https://ai.studio/projects to manage your project and billing.";

    private final Kind kind;
    private final int code;
    private final String status;
    private final String message;
    private final Duration retryDelay;
    private final long bytes;

    private Fault(Kind kind, int code, String status, String message, Duration retryDelay) {
        this(kind, code, status, message, retryDelay, 0);
    }

    private Fault(Kind kind, int code, String status, String message, Duration retryDelay, long bytes) {
        this.bytes = bytes;
        this.kind = kind;
        this.code = code;
        this.status = status;
        this.message = message;
        this.retryDelay = retryDelay;
    }

    /**
     * 500 INTERNAL, 503 UNAVAILABLE or 504 DEADLINE_EXCEEDED with the real messages.
     *
     * @throws IllegalArgumentException for any other code (use {@link #error} for arbitrary errors)
     */
    public static Fault status(int httpStatus) {
        return switch (httpStatus) {
            case 500 -> new Fault(Kind.STATUS, 500, "INTERNAL", INTERNAL_MESSAGE, null);
            case 503 -> new Fault(Kind.STATUS, 503, "UNAVAILABLE", UNAVAILABLE_MESSAGE, null);
            case 504 -> new Fault(Kind.STATUS, 504, "DEADLINE_EXCEEDED", DEADLINE_MESSAGE, null);
            default -> throw new IllegalArgumentException("use Fault.error(...) for status " + httpStatus);
        };
    }

    /** Any error envelope, e.g. {@code error(499, "CANCELLED", "The operation was cancelled.")}. */
    public static Fault error(int httpStatus, String status, String message) {
        return new Fault(Kind.STATUS, httpStatus, Objects.requireNonNull(status), Objects.requireNonNull(message), null);
    }

    /** Close the socket without writing a response: the client sees a reset / "no response". */
    public static Fault dropConnection() {
        return new Fault(Kind.DROP_CONNECTION, 0, null, null, null);
    }

    /** 429 per-minute request quota; {@code retryDelay} is one (scaled) minute. */
    public static Fault quotaPerMinute() {
        return new Fault(Kind.QUOTA_PER_MINUTE, 429, "RESOURCE_EXHAUSTED", null, null);
    }

    /** 429 per-minute request quota with the given {@code RetryInfo.retryDelay} (wall clock, not scaled). */
    public static Fault quotaPerMinute(Duration retryDelay) {
        return new Fault(Kind.QUOTA_PER_MINUTE, 429, "RESOURCE_EXHAUSTED", null, Objects.requireNonNull(retryDelay));
    }

    /** 429 per-day request quota (quotaId {@code GenerateRequestsPerDayPerProjectPerModel}), no RetryInfo. */
    public static Fault quotaPerDay() {
        return new Fault(Kind.QUOTA_PER_DAY, 429, "RESOURCE_EXHAUSTED", null, null);
    }

    /** 429 {@value #NO_DETAILS_MESSAGE} with no details at all. */
    public static Fault quotaNoDetails() {
        return new Fault(Kind.QUOTA_NO_DETAILS, 429, "RESOURCE_EXHAUSTED", NO_DETAILS_MESSAGE, null);
    }

    /** 429 "Your prepayment credits are depleted. ..." with no RetryInfo. */
    public static Fault prepaymentDepleted() {
        return new Fault(Kind.PREPAYMENT_DEPLETED, 429, "RESOURCE_EXHAUSTED", PREPAYMENT_MESSAGE, null);
    }

    /**
     * Cuts off the next upload request (see {@link FakeGemini#failNextUpload(Fault...)}; {@code failNext} routes
     * this fault there too) after receiving {@code bytes} bytes of its body: those bytes are kept in the upload
     * session, so {@code X-Goog-Upload-Command: query} reports them, then the connection is closed without an
     * answer. On an upload start request it just drops the connection (no session is created).
     */
    public static Fault dropUploadAfter(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes < 0");
        }
        return new Fault(Kind.DROP_UPLOAD, 0, null, null, null, bytes);
    }

    /** For {@link Kind#DROP_UPLOAD}: bytes received before the cut. */
    public long bytes() {
        return bytes;
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status answered; 0 for {@link Kind#DROP_CONNECTION}. */
    public int code() {
        return code;
    }

    String status() {
        return status;
    }

    String message() {
        return message;
    }

    /** Explicit retry delay or {@code null} for the default. */
    Duration retryDelay() {
        return retryDelay;
    }

    @Override
    public String toString() {
        return kind == Kind.STATUS ? "Fault[" + code + " " + status + "]"
                : kind == Kind.DROP_UPLOAD ? "Fault[DROP_UPLOAD after " + bytes + " bytes]" : "Fault[" + kind + "]";
    }
}

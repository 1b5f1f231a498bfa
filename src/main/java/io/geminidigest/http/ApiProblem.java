package io.geminidigest.http;

/**
 * An HTTP answer other than success, thrown by the API's steps and written once, by the error handler of the HTTP
 * routes, as {@code application/problem+json} (RFC 9457).
 *
 * @param retryAfterSeconds the {@code Retry-After} header, or null
 */
public final class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final Long retryAfterSeconds;

    public ApiProblem(int status, String title, String detail, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The problem type: a stable, relative URI per status. */
    public String type() {
        return "/problems/" + switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 409 -> "conflict";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "queue-full";
            case 503 -> "unavailable";
            default -> "internal-error";
        };
    }
}

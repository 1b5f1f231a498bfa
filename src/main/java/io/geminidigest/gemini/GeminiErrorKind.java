package io.geminidigest.gemini;

/**
 * Every way a call to Gemini can fail, with what it means for the caller.
 * <ul>
 * <li>{@link Handling#RETRY}: transient; retry with backoff (honouring the server's delay).</li>
 * <li>{@link Handling#PARK}: a quota that resets later (per day, spend cap); stop taking work until then.</li>
 * <li>{@link Handling#FAIL_DOCUMENT}: this input cannot succeed as it is; the document fails with this reason.</li>
 * <li>{@link Handling#FATAL_CONFIGURATION}: nothing will succeed until the user fixes key or model.</li>
 * </ul>
 */
public enum GeminiErrorKind {
    NO_API_KEY(Handling.FATAL_CONFIGURATION, "no API key is configured",
            "set the environment variable GEMINI_API_KEY (or gemini.api-key in a config file outside the repository)"),
    INVALID_API_KEY(Handling.FATAL_CONFIGURATION, "the API key is not valid",
            "check GEMINI_API_KEY: create or copy a key at https://aistudio.google.com/apikey"),
    PERMISSION_DENIED(Handling.FATAL_CONFIGURATION, "the API refused access (missing key, or a key without access)",
            "check GEMINI_API_KEY and that the Generative Language API is enabled for its project"),
    MODEL_NOT_FOUND(Handling.FATAL_CONFIGURATION, "the model does not exist or does not support generateContent",
            "set GEMINI_MODEL to a model listed by GET /v1beta/models (e.g. gemini-2.5-flash)"),
    INVALID_REQUEST(Handling.FAIL_DOCUMENT, "the API rejected the request as invalid",
            "this is a bug or an input the API does not accept; report it with the error.json"),
    INPUT_TOO_LONG(Handling.FAIL_DOCUMENT, "the request is over the model's input token limit",
            "lower chunk.max-tokens or choose a model with a larger input limit"),
    OVER_TOKENS_PER_MINUTE(Handling.FAIL_DOCUMENT, "the request alone is over the tokens-per-minute limit and can never pass",
            "lower chunk.max-tokens, or raise ratelimit.tokens-per-minute if your tier allows more"),
    RATE_LIMITED(Handling.RETRY, "a per-minute quota was exceeded", "nothing: the call is retried after the server's delay"),
    DAILY_QUOTA(Handling.PARK, "the per-day request quota is used up",
            "wait for the daily reset (midnight Pacific time), or raise the quota in Google AI Studio"),
    SPEND_CAP(Handling.PARK, "the project's spend cap or prepaid credit is exhausted",
            "top up the prepaid credit or raise the spend cap in Google AI Studio"),
    SERVER_ERROR(Handling.RETRY, "Gemini had an internal error", "retry later; move the file back into the input folder"),
    UNAVAILABLE(Handling.RETRY, "the model is overloaded", "retry later; move the file back into the input folder"),
    DEADLINE_EXCEEDED(Handling.RETRY, "Gemini did not finish in time",
            "raise gemini.timeout.* or lower chunk.max-tokens, then move the file back into the input folder"),
    NETWORK(Handling.RETRY, "the connection to Gemini failed",
            "check the network and GEMINI_BASE_URL, then move the file back into the input folder"),
    CIRCUIT_OPEN(Handling.RETRY, "calls are paused after a run of failures (circuit breaker open)",
            "nothing: calls resume when Gemini answers again"),
    BLOCKED_PROMPT(Handling.FAIL_DOCUMENT, "Gemini blocked the prompt",
            "the content was refused by Gemini's safety filters; it cannot be summarized as it is"),
    OUTPUT_TRUNCATED(Handling.FAIL_DOCUMENT, "the answer was cut off at the output token limit (MAX_TOKENS)",
            "raise summarize.max-output-tokens (thinking counts against it) or lower thinking"),
    ANSWER_REFUSED(Handling.FAIL_DOCUMENT, "Gemini stopped without a complete answer",
            "the finish reason says why (SAFETY, RECITATION, ...); the content cannot be summarized as it is"),
    FILE_UNAVAILABLE(Handling.FAIL_DOCUMENT, "the uploaded file is unknown, deleted or expired",
            "nothing: the file is uploaded again; report it if it persists"),
    FILE_NOT_ACTIVE(Handling.RETRY, "the uploaded file is not ACTIVE yet", "nothing: the call waits and is retried"),
    FILE_PROCESSING_FAILED(Handling.FAIL_DOCUMENT, "Gemini could not process the uploaded file (state FAILED)",
            "check that the file plays; convert it to a common format (mp3, mp4) and drop it again"),
    INVALID_TRANSCRIPT(Handling.FAIL_DOCUMENT, "Gemini's transcript was not valid JSON of the requested shape",
            "move the file back into the input folder to try again; report it if it persists"),
    UNEXPECTED_RESPONSE(Handling.RETRY, "Gemini answered something this client cannot read",
            "retry later; report it if it persists");

    /** What the caller should do with a failure of this kind. */
    public enum Handling { RETRY, PARK, FAIL_DOCUMENT, FATAL_CONFIGURATION }

    private final Handling handling;
    private final String meaning;
    private final String advice;

    GeminiErrorKind(Handling handling, String meaning, String advice) {
        this.handling = handling;
        this.meaning = meaning;
        this.advice = advice;
    }

    public Handling handling() {
        return handling;
    }

    public String meaning() {
        return meaning;
    }

    public String advice() {
        return advice;
    }
}

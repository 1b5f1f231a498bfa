package io.geminidigest.transcript;

/** The model's answer could not be used as a transcript. */
public class TranscriptException extends Exception {

    /** What was wrong with the answer. */
    public enum Kind {
        /** Not JSON at all, or JSON of the wrong shape. */
        INVALID_JSON,
        /** A required field is absent or empty. */
        MISSING_FIELDS,
        /** A time is unreadable, negative or ends before it starts. */
        BAD_TIME
    }

    private final Kind kind;

    public TranscriptException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TranscriptException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

package io.geminidigest.broker;

/**
 * A message that can never succeed however often it is delivered (malformed JSON, a schema violation, too large, a
 * path or URL that is not allowed). It goes to the dead-letter queue at once, with the reason, and is acknowledged:
 * never a redelivery loop.
 */
public final class PoisonMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason a short machine-readable kind: {@code malformed-json}, {@code schema-violation},
     *               {@code too-large}, {@code path-not-allowed}, {@code url-not-allowed}, {@code url-fetch-failed},
     *               {@code invalid-name}, {@code invalid-data}, {@code invalid-reply-to}
     * @param detail what exactly was wrong
     */
    public PoisonMessageException(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

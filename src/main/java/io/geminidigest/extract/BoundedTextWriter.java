package io.geminidigest.extract;

import java.io.IOException;
import java.io.Writer;

/**
 * Collects text up to a maximum number of characters. Past the limit it keeps the first
 * {@code limit} characters, remembers that it overflowed and throws, which stops the parser.
 * The flag survives parsers that swallow the exception.
 */
final class BoundedTextWriter extends Writer {

    /** Thrown when the text limit is reached. */
    static final class TextLimitReachedException extends IOException {
        private static final long serialVersionUID = 1L;

        TextLimitReachedException(int limit) {
            super("text limit of " + limit + " characters reached");
        }
    }

    private final StringBuilder text = new StringBuilder();
    private final int limit;
    private boolean overflowed;

    BoundedTextWriter(int limit) {
        this.limit = limit;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        if (overflowed) {
            throw new TextLimitReachedException(limit);
        }
        int room = limit - text.length();
        if (len > room) {
            text.append(cbuf, off, room);
            overflowed = true;
            throw new TextLimitReachedException(limit);
        }
        text.append(cbuf, off, len);
    }

    boolean overflowed() {
        return overflowed;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    @Override
    public void flush() {
        // in memory
    }

    @Override
    public void close() {
        // in memory
    }
}

package io.geminidigest.extract;

import java.util.Objects;

/**
 * A document could not be extracted. {@link #getMessage()} names the file, its detected type and
 * what went wrong; {@link #failure()} classifies it and {@link ExtractionFailure#advice()} says what
 * the user can do.
 */
public class ExtractionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ExtractionFailure failure;
    private final String resourceName;
    private final String detectedType;
    private final String reason;

    public ExtractionException(ExtractionFailure failure, String resourceName, String detectedType, String reason) {
        this(failure, resourceName, detectedType, reason, null);
    }

    public ExtractionException(ExtractionFailure failure, String resourceName, String detectedType, String reason,
                               Throwable cause) {
        super(format(failure, resourceName, detectedType, reason), cause);
        this.failure = Objects.requireNonNull(failure, "failure");
        this.resourceName = resourceName;
        this.detectedType = detectedType;
        this.reason = reason;
    }

    private static String format(ExtractionFailure failure, String name, String type, String reason) {
        StringBuilder sb = new StringBuilder("Cannot extract text from '").append(name == null ? "?" : name).append('\'');
        if (type != null) {
            sb.append(" (").append(type).append(')');
        }
        sb.append(": ").append(failure).append(" - ").append(reason == null ? "no details" : reason);
        return sb.toString();
    }

    /** The kind of failure. */
    public ExtractionFailure failure() {
        return failure;
    }

    /** The media type Tika detected, or {@code null} if detection did not run. */
    public String detectedType() {
        return detectedType;
    }

    /** The file name the document was submitted under. */
    public String resourceName() {
        return resourceName;
    }

    /** The reason alone, without file name and type (e.g. "no text layer (a scanned PDF?)"). */
    public String reason() {
        return reason;
    }
}

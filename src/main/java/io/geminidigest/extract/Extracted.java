package io.geminidigest.extract;

import java.util.Objects;

/**
 * The text of a document, with its metadata and extraction figures.
 *
 * @param text     the plain text (never blank)
 * @param metadata what is known about the document
 * @param stats    size, truncation, time and embedded-document count
 */
public record Extracted(String text, DocumentMetadata metadata, ExtractionStats stats) {
    public Extracted {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(stats, "stats");
    }
}

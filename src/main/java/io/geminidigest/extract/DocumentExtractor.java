package io.geminidigest.extract;

import java.nio.file.Path;

/** Turns a document file into plain text. Implementations are thread-safe. */
public interface DocumentExtractor {

    /**
     * Extracts the text of {@code file}.
     *
     * @param file         the document on disk
     * @param resourceName the name the document came under (used with the bytes to detect its type)
     * @return the text, metadata and figures
     * @throws ExtractionException if no usable text can be extracted; never for programming errors
     */
    Extracted extract(Path file, String resourceName) throws ExtractionException;
}

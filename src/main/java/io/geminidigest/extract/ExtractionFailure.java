package io.geminidigest.extract;

/**
 * Why a document could not be turned into text. Each kind carries a short, user-facing piece of
 * advice saying what the user can do about it.
 */
public enum ExtractionFailure {
    /** The detected type is not a text document (audio, video, picture, unknown binary). */
    UNSUPPORTED_TYPE("convert the file to a supported document type (PDF, Word, OpenDocument, EPUB, RTF, HTML, Markdown or plain text); audio, video and pictures go through the media route"),
    /** The document is password protected. */
    ENCRYPTED("remove the password (or configure extract.pdf-password) and drop the file again"),
    /** The file is damaged, truncated or not what its name says. */
    CORRUPT("open the file in its application and save or export it again, then drop the new copy"),
    /** The document holds no text at all (empty file, or only pictures such as a scanned PDF). */
    EMPTY("check that the file has text in it; for a scanned PDF run OCR on it first (or send it as a picture)"),
    /** The parser did not finish within the configured time. */
    TIMEOUT("split the document into smaller parts, or raise extract.timeout"),
    /** The document, its text, its archive expansion or its nesting is over a configured limit. */
    TOO_LARGE("split the document into smaller parts, or raise the extract limits (max-chars, max-bytes, worker heap)");

    private final String advice;

    ExtractionFailure(String advice) {
        this.advice = advice;
    }

    /** What the user can do about this failure, as one short sentence. */
    public String advice() {
        return advice;
    }
}

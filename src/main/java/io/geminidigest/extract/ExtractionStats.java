package io.geminidigest.extract;

/**
 * Figures about one extraction.
 *
 * @param chars              characters of text returned
 * @param truncated          {@code true} if the text was cut at {@link ExtractionLimits#maxChars()}
 * @param millis             wall-clock time of the extraction, in milliseconds
 * @param embeddedDocuments  number of embedded documents (archive entries, attachments) parsed
 */
public record ExtractionStats(long chars, boolean truncated, long millis, int embeddedDocuments) {
}

package io.geminidigest.extract;

/**
 * What is known about an extracted document.
 *
 * @param detectedType media type detected from the bytes and the name, e.g. {@code application/pdf}
 * @param title        {@code dc:title}, or {@code null}
 * @param author       {@code dc:creator} / {@code meta:author}, or {@code null}
 * @param language     ISO 639 language code (e.g. {@code en}), or {@code null} if unknown
 * @param pageCount    number of pages for paged formats, or {@code null}
 * @param encoding     character set of a text file (e.g. {@code UTF-8}, {@code GB18030}), or {@code null}
 */
public record DocumentMetadata(String detectedType, String title, String author, String language,
                               Integer pageCount, String encoding) {
}

package io.geminidigest.summarize;

/**
 * What summarization needs of a document.
 *
 * @param name     the input's name, for labels
 * @param title    the document's title, when its metadata has one
 * @param language the document's language (ISO code), when detected
 * @param text     the full text
 */
public record SummaryInput(String name, String title, String language, String text) {
}

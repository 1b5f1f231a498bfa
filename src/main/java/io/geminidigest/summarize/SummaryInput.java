package io.geminidigest.summarize;

/**
 * What summarization needs of a document.
 *
 * @param name     the input's name, for labels
 * @param title    the document's title, when its metadata has one
 * @param language the document's language (ISO code), when detected
 * @param text     the full text
 * @param options  the job's own choices (model, language to write in, prompt template); never null
 */
public record SummaryInput(String name, String title, String language, String text, Options options) {

    /**
     * A job's choices for its summary; each null means "as configured".
     *
     * @param model    the model to call
     * @param language the language to write the summary in
     * @param prompt   the name of a configured prompt template
     */
    public record Options(String model, String language, String prompt) {
        public static final Options NONE = new Options(null, null, null);
    }

    public SummaryInput {
        options = options == null ? Options.NONE : options;
    }

    /** A document summarized as configured. */
    public SummaryInput(String name, String title, String language, String text) {
        this(name, title, language, text, Options.NONE);
    }
}

package io.geminidigest.summarize;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prompt templates of map-reduce summarization, loaded once at start-up (from the classpath by default,
 * overridable by configuration). Placeholders are {@code ${name}}; an unknown placeholder is an error at start-up,
 * not a silently empty string in a prompt.
 * <p>
 * {@code named}: templates a job may choose by name ({@code summarize.prompt.templates}). A named template writes the
 * summary itself: it replaces {@code single} (a document in one call) and {@code reduce} (the combination of the part
 * summaries); the part summaries of a long document ({@code map}) stay as they are. It must use {@code ${text}} and
 * may use {@code ${title}} and {@code ${scope}}.
 */
public record PromptTemplates(String system, String single, String map, String reduce, Map<String, String> named) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z]+)}");

    public PromptTemplates {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(single, "single");
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(reduce, "reduce");
        named = named == null ? Map.of() : Map.copyOf(named);
        named.forEach((name, text) -> {
            if (!name.matches("[A-Za-z0-9_-]{1,50}")) {
                throw new IllegalArgumentException("prompt template name '" + name + "': letters, digits, - and _");
            }
            if (!text.contains("${text}")) {
                throw new IllegalArgumentException("prompt template '" + name + "' does not use ${text}");
            }
            render(text, Map.of("text", "", "title", "", "scope", "", "part", "", "parts", ""));
        });
    }

    public PromptTemplates(String system, String single, String map, String reduce) {
        this(system, single, map, reduce, Map.of());
    }

    /** The template that writes the summary (one call, or a combination of parts): a named one, or the default. */
    public String single(String name) {
        return name == null ? single : template(name);
    }

    /** See {@link #single(String)}. */
    public String reduce(String name) {
        return name == null ? reduce : template(name);
    }

    private String template(String name) {
        String t = named.get(name);
        if (t == null) {
            throw new IllegalArgumentException("unknown prompt template '" + name + "': one of "
                    + named.keySet().stream().sorted().toList());
        }
        return t;
    }

    /** Fills a template. Every placeholder must have a value. */
    public static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder(template.length() + 256);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("prompt template uses ${" + m.group(1) + "}, which has no value");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The template text without its document text: what every request of that kind costs on top of the text. */
    public String overhead(String template) {
        return template.replace("${text}", "");
    }
}

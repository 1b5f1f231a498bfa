package io.geminidigest.summarize;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prompt templates of map-reduce summarization, loaded once at start-up (from the classpath by default,
 * overridable by configuration). Placeholders are {@code ${name}}; an unknown placeholder is an error at start-up,
 * not a silently empty string in a prompt.
 */
public record PromptTemplates(String system, String single, String map, String reduce) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z]+)}");

    public PromptTemplates {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(single, "single");
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(reduce, "reduce");
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

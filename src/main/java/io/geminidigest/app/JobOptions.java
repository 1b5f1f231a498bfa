package io.geminidigest.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The options of one job, whatever the way in (HTTP parameters, message headers, a JSON envelope's
 * {@code task}/{@code options}): each null means "as configured".
 *
 * @param task     {@code summarize} (default) or {@code transcribe} (audio and video only)
 * @param language the language the summary (and the transcript's summary) is written in: a name or an ISO code,
 *                 kept as its English name ({@link Languages#canonical}: "fr", "French" and "french" are one option)
 * @param model    the Gemini model for this job's calls (same gateway and limiter; a model without configured limits
 *                 gets the preset's)
 * @param prompt   the name of a configured prompt template ({@code summarize.prompt.templates})
 * @param format   the result's default representation: {@code md} (the summary) or {@code json} (the sidecar)
 */
public record JobOptions(String task, String language, String model, String prompt, String format) {

    public static final String SUMMARIZE = "summarize";
    public static final String TRANSCRIBE = "transcribe";
    public static final List<String> TASKS = List.of(SUMMARIZE, TRANSCRIBE);
    public static final List<String> FORMATS = List.of("md", "json");

    /** No options: everything as configured. */
    public static final JobOptions NONE = new JobOptions(null, null, null, null, null);

    /** Letters, spaces, hyphens and parentheses: a language's name or code, never an instruction. */
    private static final Pattern LANGUAGE = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M} ()-]{0,49}");
    /** What a model id looks like (it becomes part of the request path). */
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** Options that cannot be applied; the message says which and what is allowed. */
    public static final class InvalidOptionsException extends IllegalArgumentException {
        public InvalidOptionsException(String message) {
            super(message);
        }
    }

    public boolean transcribeOnly() {
        return TRANSCRIBE.equals(task);
    }

    public boolean wantsJson() {
        return "json".equals(format);
    }

    /**
     * These options with those equal to the configured default left out (task {@code summarize}, the configured
     * model, the configured summary language in any case): "as configured" and "the configured value, named" are the
     * same job ({@link io.geminidigest.job.JobIdentity}).
     *
     * @param defaultModel    the configured model ({@code gemini.model})
     * @param defaultLanguage the configured summary language ({@code summarize.language}), or null (the document's)
     */
    public JobOptions withoutDefaults(String defaultModel, String defaultLanguage) {
        return new JobOptions(SUMMARIZE.equals(task) ? null : task,
                language != null && language.equalsIgnoreCase(Languages.canonical(defaultLanguage)) ? null : language,
                model != null && model.equals(defaultModel) ? null : model, prompt, format);
    }

    /** The configured values options fall back to, and the templates a job may name. */
    public record Defaults(String model, String language, Set<String> templates) {

        public Defaults {
            templates = templates == null ? Set.of() : Set.copyOf(templates);
        }

        /**
         * The options as a job keeps them: read and checked as {@link JobOptions#of(Map, Set)} does, without those
         * equal to the configured default ({@link JobOptions#withoutDefaults}). Options that cannot be applied are
         * kept as given: the job fails with the reason when it runs.
         */
        public Map<String, String> canonical(Map<String, String> options) {
            try {
                return JobOptions.of(options, templates).withoutDefaults(model, language).asMap();
            } catch (InvalidOptionsException e) {
                return options;
            }
        }
    }

    /** The options as the store keeps them (only those given). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "task", task);
        put(m, "language", language);
        put(m, "model", model);
        put(m, "prompt", prompt);
        put(m, "format", format);
        return m;
    }

    /**
     * Reads and checks options: a task offered, a language name, a well-formed model id, a prompt template among
     * {@code templates}, a format offered. Blank values are absent; unknown keys are refused.
     *
     * @throws InvalidOptionsException naming the first option that is not allowed
     */
    public static JobOptions of(Map<String, String> options, Set<String> templates) {
        Map<String, String> o = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                o.put(k, v.strip());
            }
        });
        for (String key : o.keySet()) {
            if (!List.of("task", "language", "model", "prompt", "format").contains(key)) {
                throw new InvalidOptionsException("unknown option '" + key
                        + "': the options are task, language, model, prompt, format");
            }
        }
        String task = lower(o.get("task"));
        if (task != null && !TASKS.contains(task)) {
            throw new InvalidOptionsException("unknown task '" + task + "': one of " + TASKS);
        }
        String language = o.get("language");
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            throw new InvalidOptionsException("'" + clean(language) + "' is not a language name (letters, spaces, "
                    + "hyphens, at most 50)");
        }
        language = Languages.canonical(language);
        String model = o.get("model");
        if (model != null) {
            model = model.startsWith("models/") ? model.substring("models/".length()) : model;
            if (!MODEL.matcher(model).matches()) {
                throw new InvalidOptionsException("'" + clean(model) + "' is not a model id (e.g. gemini-2.5-flash)");
            }
        }
        String prompt = o.get("prompt");
        if (prompt != null && !templates.contains(prompt)) {
            throw new InvalidOptionsException("unknown prompt template '" + clean(prompt) + "': "
                    + (templates.isEmpty() ? "none is configured (summarize.prompt.templates)"
                            : "one of " + templates.stream().sorted().toList()));
        }
        String format = lower(o.get("format"));
        if (format != null && !FORMATS.contains(format)) {
            throw new InvalidOptionsException("unknown format '" + clean(format) + "': one of " + FORMATS);
        }
        return new JobOptions(task, language, model, prompt, format);
    }

    /** The options a job was stored with (JSON object of strings), checked as {@link #of(Map, Set)} does. */
    public static JobOptions fromJson(String optionsJson, ObjectMapper json, Set<String> templates) {
        if (optionsJson == null || optionsJson.isBlank()) {
            return NONE;
        }
        Map<String, String> m = new LinkedHashMap<>();
        try {
            JsonNode node = json.readTree(optionsJson);
            node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        } catch (JsonProcessingException e) {
            throw new InvalidOptionsException("the job's options are not readable JSON");
        }
        return of(m, templates);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static String clean(String s) {
        String c = s.replaceAll("\\p{Cntrl}", "?");
        return c.length() > 60 ? c.substring(0, 60) + "..." : c;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}

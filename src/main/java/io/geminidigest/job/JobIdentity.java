package io.geminidigest.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What makes two jobs the same job: the same content (SHA-256) and the same options that change the result (task,
 * language, model, prompt template). {@code format} only chooses how the same result is returned, so it is not part of
 * it. The options are expected as the application stores them: options equal to the configured default left out
 * (see {@code JobOptions.Defaults}), so that "as configured" and "the configured value, named" are one identity.
 * Pure functions, no I/O.
 */
public final class JobIdentity {

    /** Options that change how a result is returned, never the result. */
    public static final Set<String> PRESENTATION = Set.of("format");

    private JobIdentity() {
    }

    /**
     * The options that change the result, canonical: {@code key=value} lines sorted by key, {@code format} left out,
     * blank values left out, the language in lower case (a language name, whatever its case, is the same language).
     * Empty when the job has none: it is the configured job.
     */
    public static String optionsKey(Map<String, String> options) {
        if (options == null || options.isEmpty()) {
            return "";
        }
        Map<String, String> sorted = new TreeMap<>();
        options.forEach((k, v) -> {
            if (k != null && v != null && !v.isBlank() && !PRESENTATION.contains(k)) {
                String value = v.strip();
                sorted.put(k, "language".equals(k) ? value.toLowerCase(Locale.ROOT) : value);
            }
        });
        return sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }

    /** Whether two jobs' options give the same result. */
    public static boolean sameResult(Map<String, String> a, Map<String, String> b) {
        return optionsKey(a).equals(optionsKey(b));
    }

    /**
     * The key of the content index (processed content) for a job: the content's SHA-256 itself for a job without
     * result options (so every folder job and every configured job keep the key they always had), else the SHA-256
     * of the content's hash and the {@link #optionsKey options key}, so the same content asked for in another
     * language, with another model, template or task is content of its own, and billed once as well.
     */
    public static String contentKey(String sha256, Map<String, String> options) {
        String key = optionsKey(options);
        if (key.isEmpty()) {
            return sha256;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest((sha256 + "\n" + key).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.geminidigest.app;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One name per language for a job's {@code language} option: an ISO 639 code or BCP 47 tag ({@code fr}, {@code FR},
 * {@code pt-BR}) becomes its English name ({@code French}, {@code Portuguese (Brazil)}), and a language's English name
 * in any case ({@code french}) is spelled as the JDK spells it, and its own name ({@code Deutsch}, {@code français})
 * becomes its English name. So "fr", "French" and "french" are the same option,
 * the same job ({@link io.geminidigest.job.JobIdentity}) and the same words in the prompt. A name the JDK does not
 * know ("Swiss German", "Klingon") is kept as given.
 */
public final class Languages {

    /** A language tag: a 2-3 letter language code, optionally followed by script/region subtags. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*");
    /** English name (lower case) to the JDK's spelling, for every ISO 639 language. */
    private static final Map<String, String> NAMES = names();

    private Languages() {
    }

    /** The canonical name of {@code language}, or {@code language} itself when it names no language the JDK knows. */
    public static String canonical(String language) {
        if (language == null || language.isBlank()) {
            return language;
        }
        String given = language.strip();
        String named = NAMES.get(given.toLowerCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        if (TAG.matcher(given).matches()) {
            Locale locale = Locale.forLanguageTag(given);
            String name = locale.getDisplayName(Locale.ENGLISH);
            String languageName = locale.getDisplayLanguage(Locale.ENGLISH);
            if (!languageName.isEmpty() && !languageName.equalsIgnoreCase(locale.getLanguage())) {
                return name;
            }
        }
        return given;
    }

    private static Map<String, String> names() {
        Map<String, String> names = new TreeMap<>();
        for (String code : Locale.getISOLanguages()) {
            Locale locale = Locale.forLanguageTag(code);
            String name = locale.getDisplayLanguage(Locale.ENGLISH);
            if (!name.isEmpty() && !name.equalsIgnoreCase(code)) {
                names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            }
        }
        // then each language's own name for itself (Deutsch, français, 日本語), where it names no other language
        for (String code : Locale.getISOLanguages()) {
            Locale locale = Locale.forLanguageTag(code);
            String name = locale.getDisplayLanguage(Locale.ENGLISH);
            String own = locale.getDisplayLanguage(locale);
            if (!name.isEmpty() && !name.equalsIgnoreCase(code) && !own.isEmpty() && !own.equalsIgnoreCase(code)) {
                names.putIfAbsent(own.toLowerCase(Locale.ROOT), name);
            }
        }
        return Map.copyOf(names);
    }
}

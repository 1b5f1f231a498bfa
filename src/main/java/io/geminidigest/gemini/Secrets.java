package io.geminidigest.gemini;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * Keeps API keys out of anything a person or a file can see. Every configured key is registered here once at
 * start-up; {@link #mask(String)} replaces it, and anything shaped like a Google API key or a {@code key=} query
 * parameter, with a masked form.
 */
public final class Secrets {

    private static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_\\-]{35}");
    private static final Pattern KEY_PARAM = Pattern.compile("([?&]key=)[^&\\s\"']+");
    private static final Set<String> KNOWN = new CopyOnWriteArraySet<>();

    private Secrets() {
    }

    /** Registers a secret so that it is masked wherever it would appear. Blank values are ignored. */
    public static void register(String secret) {
        if (secret != null && secret.length() >= 4) {
            KNOWN.add(secret);
        }
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : KNOWN) {
            if (out.contains(s)) {
                out = out.replace(s, masked(s));
            }
        }
        out = GOOGLE_KEY.matcher(out).replaceAll("AIza****");
        return KEY_PARAM.matcher(out).replaceAll("$1****");
    }

    /** A form safe to show: the last four characters only. */
    public static String masked(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "(none)";
        }
        return "****" + (secret.length() > 8 ? secret.substring(secret.length() - 4) : "");
    }
}

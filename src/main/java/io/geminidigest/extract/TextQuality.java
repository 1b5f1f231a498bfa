package io.geminidigest.extract;

/**
 * Spots text that a parser "recovered" but that is not readable, such as a truncated PDF whose
 * fonts are missing and which decodes to U+FFFD replacement characters.
 */
final class TextQuality {

    /** Share of non-whitespace characters that may be undecodable before the text counts as garbage. */
    static final double MAX_GARBAGE_SHARE = 0.20;

    private TextQuality() {
    }

    /** {@code true} if more than {@link #MAX_GARBAGE_SHARE} of the visible characters are U+FFFD or control characters. */
    static boolean isMostlyGarbage(CharSequence text) {
        long visible = 0;
        long garbage = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            visible++;
            if (c == '\uFFFD' || Character.isISOControl(c)) {
                garbage++;
            }
        }
        return visible > 0 && garbage > visible * MAX_GARBAGE_SHARE;
    }
}

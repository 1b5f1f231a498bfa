package io.geminidigest.testing;

/**
 * The fake's deterministic tokenizer (see {@link FakeGemini#countTokens(String)}).
 *
 * <p>Rules: text is split on whitespace; per word, each CJK ideograph, Hiragana, Katakana or Hangul character is
 * one token, and the remaining characters cost {@code ceil(n / 4)} tokens (so every non-empty word costs at least
 * one token).
 */
final class Tokenizer {

    private Tokenizer() {
    }

    static int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int tokens = 0;
        int other = 0; // non-CJK code points of the current word
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp)) {
                tokens += (other + 3) / 4;
                other = 0;
            } else if (isCjk(cp)) {
                tokens++;
            } else {
                other++;
            }
        }
        return tokens + (other + 3) / 4;
    }

    static boolean isCjk(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL;
    }

    /**
     * The longest prefix of {@code text} (cut at a word boundary, trailing whitespace removed) that costs at most
     * {@code budget} tokens. Used to emulate {@code finishReason: MAX_TOKENS}.
     */
    static String truncate(String text, int budget) {
        if (budget <= 0) {
            return "";
        }
        int end = 0;
        int used = 0;
        int i = 0;
        while (i < text.length()) {
            // skip whitespace, then take one word
            int j = i;
            while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
                j++;
            }
            int k = j;
            while (k < text.length() && !Character.isWhitespace(text.charAt(k))) {
                k++;
            }
            used += count(text.substring(j, k));
            if (used > budget) {
                break;
            }
            end = k;
            i = k;
            if (k == j) {
                break;
            }
        }
        return text.substring(0, end);
    }
}

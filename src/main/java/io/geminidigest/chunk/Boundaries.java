package io.geminidigest.chunk;

/**
 * Classifies every position of a text as a possible cut: {@code levels[i]} is the quality of
 * cutting the text just before char {@code i} (the own part of a chunk ends there). Whitespace
 * stays attached to the text before it, so word, sentence and paragraph cuts fall on the first
 * non-whitespace char after the break.
 */
final class Boundaries {

    /**
     * Never cut here: inside a surrogate pair, a {@code \r\n}, before a combining mark, or between a
     * word and the punctuation that closes it (the chunker only cuts there when nothing else fits).
     */
    static final byte NONE = -1;
    /** A grapheme boundary between two non-whitespace chars (last resort, normal for CJK). */
    static final byte CHAR = 0;
    /** Start of a word after whitespace. */
    static final byte WORD = 1;
    /** Start of a sentence: after . ! ? … (plus closing quotes) and whitespace, or directly after 。！？. */
    static final byte SENTENCE = 2;
    /** Start of a line. */
    static final byte LINE = 3;
    /** Start of a non-blank line after a blank line. */
    static final byte PARAGRAPH = 4;
    /** Start of a heading-like line ({@code #} Markdown heading, or a short "CHAPTER"/all-caps line). */
    static final byte HEADING = 5;

    private static final int MAX_HEADING_LENGTH = 80;

    private Boundaries() {
    }

    /** The cut level of each position {@code 0..text.length()} (both ends are {@link #HEADING}). */
    static byte[] levels(String text) {
        int n = text.length();
        byte[] levels = new byte[n + 1];
        levels[0] = HEADING;
        levels[n] = HEADING;
        boolean terminal = false;     // the last non-whitespace, non-closing char ended a sentence
        boolean terminalCjk = false;  // ... and was a CJK full stop
        boolean lineBlank = true;     // the current line is whitespace-only so far
        int pendingParagraph = -1;    // a paragraph start whose line may turn out blank
        for (int i = 0; i < n - 1; i++) {
            char c = text.charAt(i);
            boolean prevLineBlank = false;
            if (c == '\n') {
                if (lineBlank && pendingParagraph >= 0) {
                    levels[pendingParagraph] = LINE; // the "paragraph" line was blank itself
                }
                pendingParagraph = -1;
                prevLineBlank = lineBlank;
                lineBlank = true;
            } else if (!isWhitespace(c)) {
                lineBlank = false;
                if (isTerminal(c)) {
                    terminal = true;
                    terminalCjk = isCjkTerminal(c);
                } else if (!isClosing(c)) {
                    terminal = false;
                    terminalCjk = false;
                }
            }

            int p = i + 1;
            char d = text.charAt(p);
            byte level;
            if (!isAllowed(text, p) || (!isWhitespace(c) && isTrailingPunctuation(d))) {
                level = NONE;
            } else if (c == '\n') {
                if (prevLineBlank && !isWhitespace(d)) {
                    level = d == '#' || isHeadingLike(text, p) ? HEADING : PARAGRAPH;
                } else if (prevLineBlank) {
                    level = PARAGRAPH;
                    pendingParagraph = p;
                } else {
                    level = d == '#' ? HEADING : LINE;
                }
            } else if (isWhitespace(c)) {
                level = isWhitespace(d) ? CHAR : terminal ? SENTENCE : WORD;
            } else if (terminalCjk && !isWhitespace(d) && !isClosing(d) && !isTerminal(d)) {
                level = SENTENCE;
            } else {
                level = CHAR;
            }
            levels[p] = level;
        }
        return levels;
    }

    /** Whether a cut before {@code p} keeps surrogate pairs, {@code \r\n} and graphemes intact. */
    static boolean isAllowed(CharSequence text, int p) {
        if (p <= 0 || p >= text.length()) {
            return true;
        }
        char a = text.charAt(p - 1);
        char d = text.charAt(p);
        if (d < 0x300) {
            return !(a == '\r' && d == '\n') && a != '\u200D';
        }
        if (Character.isLowSurrogate(d)) {
            return !Character.isHighSurrogate(a);
        }
        if (a == '\u200D' || d == '\u200D') {
            return false;
        }
        int cp = Character.isHighSurrogate(d) && p + 1 < text.length()
                ? Character.toCodePoint(d, text.charAt(p + 1)) : d;
        return !isExtending(cp);
    }

    /** Combining marks, variation selectors, emoji modifiers and tags extend the previous char. */
    static boolean isExtending(int cp) {
        if ((cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    static boolean isWhitespace(char c) {
        if (c < 0x80) {
            return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0x0B;
        }
        return c == 0x85 || Character.isSpaceChar(c);
    }

    static boolean isTerminal(char c) {
        return c == '.' || c == '!' || c == '?' || c == '…' || isCjkTerminal(c);
    }

    static boolean isCjkTerminal(char c) {
        return c == '。' || c == '！' || c == '？' || c == '｡';
    }

    /** Punctuation that belongs to the text before it: a chunk must not start with it. */
    static boolean isTrailingPunctuation(char c) {
        return isClosing(c) || isTerminal(c) || c == ',' || c == ';' || c == ':' || c == '，' || c == '、'
                || c == '；' || c == '：';
    }

    static boolean isClosing(char c) {
        return switch (c) {
            case '"', '\'', ')', ']', '}', '”', '’', '»', '」', '』', '）', '】', '》', '〉', '〕', '］', '｝' -> true;
            default -> false;
        };
    }

    /**
     * A short line after a blank line, followed by a blank line (or the end), that is all caps or
     * starts with "Chapter"/"CHAPTER"/"第".
     */
    private static boolean isHeadingLike(String text, int lineStart) {
        int n = text.length();
        int i = lineStart;
        boolean lower = false;
        boolean letter = false;
        while (i < n && text.charAt(i) != '\n') {
            if (i - lineStart > MAX_HEADING_LENGTH) {
                return false;
            }
            char c = text.charAt(i);
            if (Character.isLetter(c)) {
                letter = true;
                lower |= Character.isLowerCase(c);
            }
            i++;
        }
        // the next line must be blank (or absent)
        for (int j = i + 1; j < n && text.charAt(j) != '\n'; j++) {
            if (!isWhitespace(text.charAt(j))) {
                return false;
            }
        }
        return (letter && !lower) || text.startsWith("Chapter", lineStart)
                || text.startsWith("CHAPTER", lineStart) || text.startsWith("第", lineStart);
    }
}

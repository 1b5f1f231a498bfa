package io.geminidigest.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants of {@link TextChunker#split(String)} on generated mixed texts. */
class TextChunkerPropertiesTest {

    private final TokenEstimator estimator = TokenEstimator.defaults();

    @Provide
    Arbitrary<String> texts() {
        return TextGenerators.texts();
    }

    @Provide
    Arbitrary<Integer> overlapPercents() {
        return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 45));
    }

    private TextChunker chunker(int budget, int overlapPercent) {
        return new TextChunker(estimator, budget, budget * overlapPercent / 100);
    }

    @Property(tries = 200)
    void chunksAreWithinBudgetAndReproduceTheText(@ForAll("texts") String text,
                                                  @ForAll @IntRange(min = 24, max = 400) int budget,
                                                  @ForAll("overlapPercents") int overlapPercent) {
        List<Chunk> chunks = chunker(budget, overlapPercent).split(text);
        StringBuilder own = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            assertThat(chunk.index()).isEqualTo(i);
            assertThat(chunk.end()).isGreaterThan(chunk.start());
            assertThat(chunk.start()).isEqualTo(own.length());
            assertThat(chunk.text()).isNotEmpty().isEqualTo(text.substring(chunk.overlapStart(), chunk.end()));
            assertThat(chunk.estimatedTokens()).isEqualTo(estimator.estimate(chunk.text()))
                    .isLessThanOrEqualTo(budget);
            own.append(chunk.ownText());
        }
        assertThat(own.toString()).isEqualTo(text);
        assertThat(chunks.isEmpty()).isEqualTo(text.isEmpty());
    }

    @Property(tries = 200)
    void cutsNeverSplitSurrogatePairsCrLfOrCombiningMarks(@ForAll("texts") String text,
                                                          @ForAll @IntRange(min = 24, max = 300) int budget,
                                                          @ForAll("overlapPercents") int overlapPercent) {
        for (Chunk chunk : chunker(budget, overlapPercent).split(text)) {
            assertGraphemeBoundary(text, chunk.end());
            assertGraphemeBoundary(text, chunk.overlapStart());
        }
    }

    private static void assertGraphemeBoundary(String text, int p) {
        if (p <= 0 || p >= text.length()) {
            return;
        }
        char before = text.charAt(p - 1);
        char after = text.charAt(p);
        assertThat(Character.isHighSurrogate(before) && Character.isLowSurrogate(after))
                .as("cut inside a surrogate pair at %d", p).isFalse();
        assertThat(before == '\r' && after == '\n').as("cut inside \\r\\n at %d", p).isFalse();
        int type = Character.getType(text.codePointAt(p));
        assertThat(type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK || Character.isLowSurrogate(after) && isModifier(text, p - 1))
                .as("cut before a combining mark at %d", p).isFalse();
    }

    private static boolean isModifier(String text, int highIndex) {
        int cp = text.codePointAt(highIndex);
        return cp >= 0x1F3FB && cp <= 0x1F3FF;
    }

    @Property(tries = 200)
    void cutsPreferParagraphsAndWhitespace(@ForAll("texts") String text,
                                           @ForAll @IntRange(min = 24, max = 300) int budget) {
        List<Chunk> chunks = chunker(budget, 0).split(text);
        for (Chunk chunk : chunks.subList(0, Math.max(0, chunks.size() - 1))) {
            int end = chunk.end();
            // the last paragraph break / word break inside the chunk (the fullest one)
            int lastParagraph = -1;
            int lastWord = -1;
            int lastSentence = -1;
            for (int p = chunk.start() + 1; p < end; p++) {
                if (isParagraphStart(text, p)) {
                    lastParagraph = p;
                }
                if (isSentenceStart(text, p)) {
                    lastSentence = p;
                }
                if (isWhitespace(text.charAt(p - 1)) && !isWhitespace(text.charAt(p))) {
                    lastWord = p;
                }
            }
            if (lastParagraph > 0 && estimator.estimate(text, chunk.overlapStart(), lastParagraph) >= 0.85 * budget) {
                assertThat(isParagraphStart(text, end) || isHeadingStart(text, end))
                        .as("cut at %d although a paragraph break at %d was in the window", end, lastParagraph).isTrue();
            }
            if (lastSentence > 0 && estimator.estimate(text, chunk.overlapStart(), lastSentence) >= 0.9 * budget) {
                assertThat(text.charAt(end - 1) == '\n' || isSentenceStart(text, end) || isCjkSentenceEnd(text, end))
                        .as("cut at %d although a sentence end at %d was in the window", end, lastSentence).isTrue();
            }
            if (lastWord > 0 && estimator.estimate(text, chunk.overlapStart(), lastWord) >= 0.6 * budget) {
                assertThat(isWhitespace(text.charAt(end - 1)) || isCjkSentenceEnd(text, end))
                        .as("cut at %d inside a word although whitespace at %d was in the window", end, lastWord)
                        .isTrue();
            }
        }
    }

    @Property(tries = 200)
    void chunksAreReasonablyFull(@ForAll("texts") String text,
                                 @ForAll @IntRange(min = 24, max = 400) int budget,
                                 @ForAll("overlapPercents") int overlapPercent) {
        List<Chunk> chunks = chunker(budget, overlapPercent).split(text);
        for (Chunk chunk : chunks.subList(0, Math.max(0, chunks.size() - 1))) {
            // up to 2 tokens of rounding slack from the incremental estimate
            assertThat(chunk.estimatedTokens()).as("fill of %s", chunk).isGreaterThanOrEqualTo(budget / 2 - 2);
        }
    }

    @Property(tries = 200)
    void overlapPrecedesTheOwnPartAndFits(@ForAll("texts") String text,
                                          @ForAll @IntRange(min = 24, max = 400) int budget,
                                          @ForAll @IntRange(min = 1, max = 45) int overlapPercent) {
        int overlap = budget * overlapPercent / 100;
        List<Chunk> chunks = new TextChunker(estimator, budget, overlap).split(text);
        if (!chunks.isEmpty()) {
            assertThat(chunks.get(0).overlapStart()).isEqualTo(0);
        }
        for (Chunk chunk : chunks) {
            assertThat(chunk.overlapStart()).isBetween(0, chunk.start());
            assertThat(chunk.text()).endsWith(chunk.ownText());
            assertThat(chunk.text().substring(0, chunk.overlapLength()))
                    .isEqualTo(text.substring(chunk.overlapStart(), chunk.start()));
            assertThat(estimator.estimate(text, chunk.overlapStart(), chunk.start())).isLessThanOrEqualTo(overlap);
            int os = chunk.overlapStart();
            // starts on a word, line or CJK sentence boundary unless the overlap has none
            if (os < chunk.start() && os > 0) {
                boolean wordStart = isWhitespace(text.charAt(os - 1)) && !isWhitespace(text.charAt(os));
                boolean noWordStart = true;
                for (int q = os + 1; q < chunk.start(); q++) {
                    noWordStart &= !(isWhitespace(text.charAt(q - 1)) && !isWhitespace(text.charAt(q)));
                }
                boolean lineStart = text.charAt(os - 1) == '\n';
                boolean cjk = TokenEstimator.isCjk(text.charAt(os - 1));
                assertThat(wordStart || lineStart || cjk || noWordStart)
                        .as("overlap of %s starts inside a word", chunk).isTrue();
            }
        }
    }

    private static boolean isWhitespace(char c) {
        return Boundaries.isWhitespace(c);
    }

    private static boolean isParagraphStart(String text, int p) {
        if (p >= text.length()) {
            return true;
        }
        if (p < 2 || text.charAt(p - 1) != '\n' || isWhitespace(text.charAt(p))) {
            return false;
        }
        int i = p - 2; // the previous line must be blank
        while (i >= 0 && text.charAt(i) != '\n') {
            if (!isWhitespace(text.charAt(i))) {
                return false;
            }
            i--;
        }
        return true;
    }

    /** A word start after whitespace that follows . ! ? … (and closing quotes). */
    private static boolean isSentenceStart(String text, int p) {
        if (p >= text.length() || isWhitespace(text.charAt(p)) || !isWhitespace(text.charAt(p - 1))) {
            return false;
        }
        int i = p - 1;
        while (i >= 0 && isWhitespace(text.charAt(i))) {
            i--;
        }
        while (i >= 0 && Boundaries.isClosing(text.charAt(i))) {
            i--;
        }
        return i >= 0 && Boundaries.isTerminal(text.charAt(i));
    }

    private static boolean isHeadingStart(String text, int p) {
        return p < text.length() && text.charAt(p - 1) == '\n' && text.charAt(p) == '#';
    }

    private static boolean isCjkSentenceEnd(String text, int p) {
        int i = p - 1;
        while (i > 0 && Boundaries.isClosing(text.charAt(i))) {
            i--;
        }
        return Boundaries.isCjkTerminal(text.charAt(i));
    }
}

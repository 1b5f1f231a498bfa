package io.geminidigest.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

    private final TokenEstimator estimator = TokenEstimator.defaults();

    @Test
    void validatesArguments() {
        assertThatThrownBy(() -> new TextChunker(estimator, 5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budgetTokens");
        assertThatThrownBy(() -> new TextChunker(estimator, 100, 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlapTokens");
        assertThatThrownBy(() -> new TextChunker(estimator, 100, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TextChunker(estimator, 100).split("x", t -> 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nearFraction");
    }

    @Test
    void emptyTextHasNoChunks() {
        assertThat(new TextChunker(estimator, 100).split("")).isEmpty();
    }

    @Test
    void smallTextIsOneChunk() {
        List<Chunk> chunks = new TextChunker(estimator, 100, 10).split("Hello,\r\n\tworld!  ");
        assertThat(chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.text()).isEqualTo("Hello,\r\n\tworld!  ");
            assertThat(chunk.start()).isZero();
            assertThat(chunk.overlapStart()).isZero();
            assertThat(chunk.index()).isZero();
        });
    }

    @Test
    void prefersParagraphBreaksAndKeepsWhitespaceAttached() {
        String paragraph = "Call me Ishmael. Some years ago, never mind how long precisely, I went to sea.\r\n";
        String text = (paragraph + "\r\n").repeat(40);
        List<Chunk> chunks = new TextChunker(estimator, 200).split(text);
        assertThat(chunks).hasSizeGreaterThan(2);
        for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.ownText()).endsWith("sea.\r\n\r\n");
        }
        assertThat(String.join("", chunks.stream().map(Chunk::ownText).toList())).isEqualTo(text);
    }

    @Test
    void prefersHeadings() {
        String section = "# Title\n\n" + "Some words in a sentence. ".repeat(20) + "\nAnother line here.\n";
        String text = section.repeat(6);
        List<Chunk> chunks = new TextChunker(estimator, 400).split(text);
        for (Chunk chunk : chunks) {
            assertThat(chunk.ownText()).startsWith("# Title");
        }
    }

    @Test
    void cutsAtSentenceEndsWhenThereAreNoLineBreaks() {
        String text = "This is a sentence that goes on for a while, it really does. ".repeat(100);
        List<Chunk> chunks = new TextChunker(estimator, 300).split(text);
        for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.ownText()).endsWith("does. ");
        }
    }

    @Test
    void aWordLongerThanTheBudgetIsCutInside() {
        String text = "short words " + "x".repeat(5_000) + " tail";
        List<Chunk> chunks = new TextChunker(estimator, 100).split(text);
        assertThat(chunks).hasSizeGreaterThan(10);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.estimatedTokens()).isLessThanOrEqualTo(100));
        assertThat(String.join("", chunks.stream().map(Chunk::ownText).toList())).isEqualTo(text);
    }

    @Test
    void emojiAndCombiningMarksStayWhole() {
        String text = "😀👍🏽e\u0301".repeat(2_000);
        List<Chunk> chunks = new TextChunker(estimator, 50).split(text);
        for (Chunk chunk : chunks) {
            assertThat(chunk.estimatedTokens()).isLessThanOrEqualTo(50);
            int cp = chunk.ownText().codePointAt(0);
            assertThat(cp).isIn(0x1F600, 0x1F44D, (int) 'e');
        }
        assertThat(String.join("", chunks.stream().map(Chunk::ownText).toList())).isEqualTo(text);
    }

    @Test
    void evenAnEndlessRunOfPunctuationFits() {
        String text = "word" + ")".repeat(3_000);
        List<Chunk> chunks = new TextChunker(estimator, 30).split(text);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.estimatedTokens()).isLessThanOrEqualTo(30));
        assertThat(String.join("", chunks.stream().map(Chunk::ownText).toList())).isEqualTo(text);
    }

    @Test
    void rejectingCounterFailsReadably() {
        TextChunker chunker = new TextChunker(estimator, 100);
        assertThatThrownBy(() -> chunker.split("word ".repeat(500), text -> 1_000_000, 0.5))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot shrink");
    }

    @Test
    void chunkValidatesItsParts() {
        assertThatThrownBy(() -> new Chunk(0, 5, 5, 0, "abcde", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chunk(0, 2, 5, 3, "ab", 1)).isInstanceOf(IllegalArgumentException.class);
        Chunk chunk = new Chunk(1, 2, 5, 0, "abcde", 2);
        assertThat(chunk.ownText()).isEqualTo("cde");
        assertThat(chunk.overlapLength()).isEqualTo(2);
    }
}

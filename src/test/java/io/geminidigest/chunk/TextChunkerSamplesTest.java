package io.geminidigest.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** The chunker on real books (copied into src/test/resources/samples). */
class TextChunkerSamplesTest {

    private final TokenEstimator estimator = TokenEstimator.defaults();

    private static String join(List<Chunk> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> text.append(chunk.ownText()));
        return text.toString();
    }

    @Test
    void mobyDickInFullThirtyThousandTokenChunks() {
        String moby = Samples.mobyDick();
        int budget = 30_000;
        long started = System.nanoTime();
        int total = estimator.estimate(moby);
        long estimated = System.nanoTime();
        List<Chunk> chunks = new TextChunker(estimator, budget, 0).split(moby);
        long split = System.nanoTime();
        System.out.printf("moby-dick: %d chars, ~%d tokens: estimate %.1f ms, split into %d chunks %.1f ms%n",
                moby.length(), total, (estimated - started) / 1e6, chunks.size(), (split - estimated) / 1e6);

        assertThat(join(chunks)).isEqualTo(moby);
        assertThat(chunks).allSatisfy(chunk -> assertThat(estimator.estimate(chunk.text())).isLessThanOrEqualTo(budget));
        int minimum = (total + budget - 1) / budget;
        assertThat(chunks.size()).isBetween(minimum, minimum + 2);
        // every cut but the last falls on a paragraph break (the book has one every few hundred tokens)
        for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(moby.substring(chunk.end() - 2, chunk.end())).isIn("\n\n", "\r\n");
        }
    }

    @Test
    void mobyDickWithOverlap() {
        String moby = Samples.mobyDick();
        List<Chunk> chunks = new TextChunker(estimator, 30_000, 1_000).split(moby);
        assertThat(join(chunks)).isEqualTo(moby);
        for (Chunk chunk : chunks.subList(1, chunks.size())) {
            assertThat(chunk.estimatedTokens()).isLessThanOrEqualTo(30_000);
            assertThat(estimator.estimate(moby, chunk.overlapStart(), chunk.start())).isBetween(500, 1_000);
            assertThat(Character.isWhitespace(moby.charAt(chunk.overlapStart() - 1))).isTrue(); // starts on a word
        }
    }

    @Test
    void chineseIsCutAfterFullStops() {
        String chinese = Samples.chinese();
        List<Chunk> chunks = new TextChunker(estimator, 2_000, 0).split(chinese);
        assertThat(chunks).hasSizeGreaterThan(10);
        assertThat(join(chunks)).isEqualTo(chinese);
        for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.estimatedTokens()).isBetween(1_500, 2_000);
            assertThat(chunk.ownText().strip()).as(chunk.toString()).matches("(?s).*[。！？][」』”]*");
        }
    }

    @Test
    void chineseWithoutAnyWhitespaceIsCutDirectlyAfterFullStops() {
        String chinese = Samples.chinese().replaceAll("\\s+", "");
        List<Chunk> chunks = new TextChunker(estimator, 1_000, 100).split(chinese);
        assertThat(join(chunks)).isEqualTo(chinese);
        for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.estimatedTokens()).isBetween(850, 1_000);
            assertThat(chunk.ownText()).as(chunk.toString()).matches("(?s).*[。！？][」』”]*");
        }
    }

    @Test
    void confirmationShrinksChunksUntilTheExactCounterAccepts() {
        String moby = Samples.mobyDick();
        int budget = 30_000;
        AtomicInteger calls = new AtomicInteger();
        ToIntFunction<String> exact = text -> {
            calls.incrementAndGet();
            return (int) Math.ceil(estimator.estimate(text) * 1.2); // the model counts 20% more
        };
        List<Chunk> plain = new TextChunker(estimator, budget, 0).split(moby);
        List<Chunk> confirmed = new TextChunker(estimator, budget, 0).split(moby, exact, 0.8);

        assertThat(join(confirmed)).isEqualTo(moby);
        assertThat(confirmed.size()).isGreaterThan(plain.size());
        for (Chunk chunk : confirmed) {
            assertThat(exact.applyAsInt(chunk.text())).as(chunk.toString()).isLessThanOrEqualTo(budget);
        }
        for (Chunk chunk : confirmed.subList(0, confirmed.size() - 1)) {
            assertThat(chunk.estimatedTokens()).isGreaterThan(budget / 2);
        }
        assertThat(calls.get()).isLessThan(confirmed.size() * 4 + 2);
    }

    @Test
    void confirmationIsSkippedFarFromTheBudget() {
        String alice = Samples.alice();
        AtomicInteger calls = new AtomicInteger();
        TextChunker chunker = new TextChunker(estimator, 100_000, 0);
        List<Chunk> chunks = chunker.split(alice, text -> {
            calls.incrementAndGet();
            return 1;
        }, 0.9);
        assertThat(chunks).hasSize(1);
        assertThat(calls.get()).isZero();
        assertThat(chunker.split(alice, text -> 1, 0.9)).isEqualTo(chunker.split(alice));
    }
}

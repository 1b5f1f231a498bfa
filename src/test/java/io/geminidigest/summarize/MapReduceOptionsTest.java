package io.geminidigest.summarize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.geminidigest.chunk.Chunk;
import io.geminidigest.chunk.ChunkBudget;
import io.geminidigest.chunk.TokenEstimator;
import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiRest.GenerateContentRequest;
import io.geminidigest.gemini.GenerateResult;

/** A job's model, language and named template reach the requests map-reduce builds; without them, the configuration. */
class MapReduceOptionsTest {

    static final PromptTemplates TEMPLATES = new PromptTemplates("Write in ${language}.", "SINGLE ${title}\n${text}",
            "MAP ${part}/${parts}\n${text}", "REDUCE${scope}\n${text}",
            Map.of("bullets", "BULLETS${title}${scope}\n${text}"));
    static final MapReduceSummarizer SUMMARIZER = new MapReduceSummarizer(TEMPLATES, new TokenEstimator(1.1),
            new MapReduceSummarizer.Settings("configured-model", 1000, 1.0, null, null, null, 100_000));

    static ChunkPlan plan(String... texts) {
        List<Chunk> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            chunks.add(new Chunk(i, 0, texts[i].length(), 0, texts[i], 10));
        }
        return new ChunkPlan(ChunkBudget.of(100_000, 100, 1000), chunks, 10 * texts.length);
    }

    static String system(GeminiCall c) {
        return ((GenerateContentRequest) c.payload()).systemInstruction().parts().get(0).text();
    }

    static String user(GeminiCall c) {
        return ((GenerateContentRequest) c.payload()).contents().get(0).parts().get(0).text();
    }

    static GenerateResult answer(GeminiCall c) {
        return new GenerateResult(c.label(), c.model(), null, "part summary", "STOP", null, 1, null);
    }

    @Test
    void withoutOptionsTheConfiguredModelLanguageAndTemplates() {
        GeminiCall call = SUMMARIZER.start(new SummaryInput("a.txt", null, "en", "hello"), plan("hello"))
                .getPending().get(0);
        assertThat(call.model()).isEqualTo("configured-model");
        assertThat(call.path()).isEqualTo("/v1beta/models/configured-model:generateContent");
        assertThat(system(call)).isEqualTo("Write in the language the document is written in.");
        assertThat(user(call)).startsWith("SINGLE");
    }

    @Test
    void theJobsModelLanguageAndTemplateInEveryCallTheMapStepKeepsItsOwnTemplate() {
        SummaryInput input = new SummaryInput("a.txt", null, "en", "one two",
                new SummaryInput.Options("gemini-2.5-flash", "Deutsch", "bullets"));
        GeminiCall single = SUMMARIZER.start(input, plan("one two")).getPending().get(0);
        assertThat(single.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(system(single)).isEqualTo("Write in Deutsch.");
        assertThat(user(single)).startsWith("BULLETS").endsWith("one two");

        SummaryRun run = SUMMARIZER.start(input, plan("one", "two"));
        assertThat(run.getPending()).allSatisfy(c -> {
            assertThat(c.model()).isEqualTo("gemini-2.5-flash");
            assertThat(user(c)).startsWith("MAP");
            assertThat(system(c)).isEqualTo("Write in Deutsch.");
        });
        SUMMARIZER.next(run, run.getPending().stream().map(MapReduceOptionsTest::answer).toList());
        GeminiCall reduce = run.getPending().get(0);
        assertThat(reduce.model()).isEqualTo("gemini-2.5-flash");
        assertThat(user(reduce)).startsWith("BULLETS").contains("part summary");
    }

    @Test
    void namedTemplatesAreCheckedAtStartUpAndCountInTheTemplateOverhead() {
        assertThatThrownBy(() -> new PromptTemplates("s", "${text}", "${text}", "${text}", Map.of("x", "no text")))
                .hasMessageContaining("does not use ${text}");
        assertThatThrownBy(() -> new PromptTemplates("s", "${text}", "${text}", "${text}",
                Map.of("x", "${text} ${nonsense}"))).hasMessageContaining("${nonsense}");
        String longTemplate = "word ".repeat(2000) + "${text}";
        MapReduceSummarizer withLong = new MapReduceSummarizer(new PromptTemplates("s", "${text}", "${text}",
                "${text}", Map.of("long", longTemplate)), new TokenEstimator(1.1),
                new MapReduceSummarizer.Settings("m", 1000, 1.0, null, null, null, 100_000));
        MapReduceSummarizer without = new MapReduceSummarizer(new PromptTemplates("s", "${text}", "${text}",
                "${text}"), new TokenEstimator(1.1), new MapReduceSummarizer.Settings("m", 1000, 1.0, null, null,
                        null, 100_000));
        assertThat(withLong.templateTokens()).isGreaterThan(without.templateTokens() + 1000);
    }
}

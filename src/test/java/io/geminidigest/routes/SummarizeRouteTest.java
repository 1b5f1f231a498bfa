package io.geminidigest.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.geminidigest.app.RunTracker;
import io.geminidigest.extract.DocumentMetadata;
import io.geminidigest.extract.Extracted;
import io.geminidigest.extract.ExtractionStats;
import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GeminiRest.GenerateContentRequest;
import io.geminidigest.gemini.GeminiRest.UsageMetadata;
import io.geminidigest.gemini.GenerateResult;
import io.geminidigest.job.Job;
import io.geminidigest.summarize.ChunkPlan;
import io.geminidigest.summarize.SummaryRun;

/**
 * routes/summarize.camel.yaml alone: the gateway is a mock endpoint answering a {@link GenerateResult} that names the
 * call it answers; the model input limit is small so that a few pages make several chunks.
 */
@CamelMainTest(properties = "camel.main.routes-include-pattern=classpath:routes/summarize.camel.yaml",
        advices = @AdviceRouteMapping(route = "summarize-text",
        advice = SummarizeRouteTest.StubGateway.class))
class SummarizeRouteTest {

    /** The gateway replaced by a mock endpoint (its answers are set per test). */
    public static class StubGateway extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToUri("direct:gemini-gateway").replace().to("mock:gemini-gateway");
        }
    }

    @TempDir
    Path root;

    @Produce("direct:summarize-document")
    ProducerTemplate summarize;

    @EndpointInject("mock:gemini-gateway")
    MockEndpoint gateway;

    final AtomicInteger exactCounts = new AtomicInteger();

    @Configure
    void configure(MainConfigurationProperties configuration) {
        var settings = RouteTestSupport.settings(root);
        // a key: summaries are made (not estimate-only); no call reaches Gemini, the gateway is a stub
        settings.put("gemini.api-key", "route-test-key");
        // small chunks: a chunk budget of about a thousand tokens
        settings.put("gemini.default-input-token-limit", "2000");
        settings.put("chunk.reserved-output-tokens", "200");
        settings.put("summarize.max-output-tokens", "200");
        RouteTestSupport.wire(configuration, settings, new RunTracker());
        // countTokens goes through the gateway in production: here a local count. (@ReplaceInRegistry binds under
        // the method's return type, beside the production GatewayTokenCounter rather than instead of it, so the
        // bean is swapped after the production wiring.)
        configuration.addConfiguration(new org.apache.camel.CamelConfiguration() {
            @Override
            public void configure(org.apache.camel.CamelContext context) {
                context.getRegistry().unbind("tokenCounter");
                context.getRegistry().bind("tokenCounter", (ToIntFunction<String>) text -> {
                    exactCounts.incrementAndGet();
                    return text.length() / 4;
                });
            }
        });
    }

    @BeforeEach
    void answerEveryCallWithItsLabel() {
        gateway.whenAnyExchangeReceived(e -> e.getMessage().setBody(answer(e.getMessage().getBody(GeminiCall.class))));
    }

    static GenerateResult answer(GeminiCall call) {
        return new GenerateResult(call.label(), call.model(), call.model() + "-001", "Summary of " + call.label() + ".",
                "STOP", new UsageMetadata(call.estimatedInputTokens(), 8, 4, call.estimatedInputTokens() + 12, 0,
                        List.of()),
                3, "r-" + call.label());
    }

    static String userText(GeminiCall call) {
        return ((GenerateContentRequest) call.payload()).contents().get(0).parts().get(0).text();
    }

    private static String alice(int chars) throws Exception {
        try (var in = SummarizeRouteTest.class.getResourceAsStream("/samples/alice.txt")) {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return all.substring(0, Math.min(chars, all.length()));
        }
    }

    private Exchange summarize(String name, String text) {
        Job job = new Job(UUID.randomUUID().toString(), "folder", name, root.resolve(name), "00".repeat(32),
                text.length(), Instant.now());
        Extracted extracted = new Extracted(text, new DocumentMetadata("text/plain", "Alice", null, "en", null,
                "UTF-8"), new ExtractionStats(text.length(), false, 1, 0));
        return summarize.send(e -> {
            e.setProperty("job", job);
            e.setProperty("extracted", extracted);
        });
    }

    /** The calls the gateway received, in arrival order (the mock keeps a copy of each exchange as it arrived). */
    private List<GeminiCall> calls() {
        return gateway.getReceivedExchanges().stream().map(e -> e.getMessage().getBody(GeminiCall.class)).toList();
    }

    @Test
    void severalChunksAreMappedThenReducedInDocumentOrder() throws Exception {
        Exchange done = summarize("books/alice.txt", alice(15_000));

        assertThat(done.getException()).isNull();
        // chunks near the budget were confirmed with the exact counter
        assertThat(exactCounts).hasPositiveValue();
        ChunkPlan plan = done.getProperty("plan", ChunkPlan.class);
        int n = plan.chunks().size();
        assertThat(n).isGreaterThan(1);
        List<GeminiCall> calls = calls();
        // the map level (any order: concurrent), then one reduce
        assertThat(calls).hasSize(n + 1);
        assertThat(calls.subList(0, n)).extracting(GeminiCall::label).allMatch(l -> l.startsWith("books/alice.txt map "))
                .hasSize(n).doesNotHaveDuplicates();
        GeminiCall reduce = calls.get(n);
        assertThat(reduce.label()).isEqualTo("books/alice.txt reduce (level 2)");
        assertThat(reduce.kind()).isEqualTo(GeminiCall.Kind.GENERATE);
        // the reduce prompt holds the part summaries in document order
        String reducePrompt = userText(reduce);
        int last = -1;
        for (int i = 1; i <= n; i++) {
            int at = reducePrompt.indexOf("Summary of books/alice.txt map " + i + "/" + n + ".");
            assertThat(at).as("part %d in the reduce prompt", i).isGreaterThan(last);
            last = at;
        }
        // each map call carries its own chunk
        for (GeminiCall map : calls.subList(0, n)) {
            int part = Integer.parseInt(map.label().replaceAll(".* map (\\d+)/\\d+", "$1"));
            assertThat(userText(map)).contains(plan.chunks().get(part - 1).text().strip().substring(0, 40));
        }

        SummaryRun run = done.getProperty("summaryRun", SummaryRun.class);
        assertThat(run.isFinished()).isTrue();
        assertThat(run.summary()).isEqualTo("Summary of books/alice.txt reduce (level 2).");
        assertThat(run.levels()).isEqualTo(2);
        assertThat(run.answers()).hasSize(n + 1);
    }

    @Test
    void aShortTextIsOneCall() {
        Exchange done = summarize("short.txt", "Alice met a white rabbit with a pocket watch and followed it.");

        assertThat(done.getException()).isNull();
        assertThat(gateway.getReceivedExchanges()).hasSize(1);
        SummaryRun run = done.getProperty("summaryRun", SummaryRun.class);
        assertThat(run.summary()).isEqualTo("Summary of short.txt summary.");
        assertThat(run.levels()).isEqualTo(1);
        assertThat(run.answers()).singleElement().extracting(GenerateResult::label).isEqualTo("short.txt summary");
    }

    @Test
    void aFailedCallFailsTheSummaryWithTheTypedError() throws Exception {
        gateway.whenAnyExchangeReceived(e -> {
            GeminiCall call = e.getMessage().getBody(GeminiCall.class);
            if (call.label().contains(" map 2/")) {
                throw new GeminiException(GeminiErrorKind.BLOCKED_PROMPT, "blocked: OTHER");
            }
            e.getMessage().setBody(answer(call));
        });

        Exchange done = summarize("blocked.txt", alice(15_000));

        assertThat(done.getException(GeminiException.class)).isNotNull();
        assertThat(done.getException(GeminiException.class).kind()).isEqualTo(GeminiErrorKind.BLOCKED_PROMPT);
        SummaryRun run = done.getProperty("summaryRun", SummaryRun.class);
        assertThat(run.isFinished()).isFalse();
        // no reduce after a failed map level
        assertThat(calls()).extracting(GeminiCall::label).noneMatch(l -> l.contains("reduce"));
    }
}

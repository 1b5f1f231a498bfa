package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.testing.Answer;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.Fault;
import io.geminidigest.testing.RecordedRequest;

/** Map-reduce over a book, and how the gateway answers failures of the API, end to end. */
class SummarizeAndGatewayTest {

    private static final Pattern PART = Pattern.compile("--- PART (\\d+) OF (\\d+) ---\n");

    FakeGemini fake;

    @TempDir
    Path root;

    @BeforeEach
    void start() {
        fake = FakeGemini.start();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void aBookIsSummarizedWithEveryPartReachingTheMapStepInOrderAndNoRequestOverTheBudget() throws Exception {
        String moby = new String(getClass().getResourceAsStream("/samples/moby-dick.txt").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        // about 750K tokens: the novel twice over, with a marker between the copies
        String book = moby + "\n\nSECOND COPY BEGINS\n\n" + moby + "\n\nTHE VERY END.\n";
        fake.model("gemini-small", 60_000, 65_536);
        // each map answer names its part, so the reduce step's input shows the order
        fake.respondWith(call -> {
            Matcher m = PART.matcher(call.userText());
            return Answer.text(m.find() ? "PART-" + m.group(1) + " summarized." : "The whole book, summarized.");
        });
        DigestRun run = new DigestRun(root).against(fake).set("gemini.model", "gemini-small")
                .set("ratelimit.preset", "tier3").dropText("big/book.txt", book);

        assertThat(run.once()).isEqualTo(0);

        JsonNode sidecar = run.json("big/book.txt.summary.json");
        int budget = sidecar.path("chunking").path("budgetTokens").asInt();
        int chunks = sidecar.path("chunking").path("chunkCount").asInt();
        assertThat(budget).isLessThan(60_000 - 8_192);
        assertThat(sidecar.path("chunking").path("estimatedTokens").asInt()).isGreaterThan(650_000);
        assertThat(chunks).isGreaterThan(12);
        sidecar.path("chunking").path("tokensPerChunk").forEach(t -> assertThat(t.asInt()).isLessThanOrEqualTo(budget));

        // every part of the book reached a map call, exactly once, and together they are the book, in order
        Map<Integer, String> parts = new TreeMap<>();
        List<String> reduceInputs = new ArrayList<>();
        for (RecordedRequest r : fake.requests()) {
            if (!r.isGenerate()) {
                continue;
            }
            assertThat(r.promptTokens()).isLessThanOrEqualTo(60_000);
            Matcher m = PART.matcher(r.userText());
            if (m.find()) {
                assertThat(Integer.parseInt(m.group(2))).isEqualTo(chunks);
                assertThat(parts.put(Integer.parseInt(m.group(1)), r.userText().substring(m.end()))).isNull();
            } else {
                reduceInputs.add(r.userText());
            }
        }
        assertThat(parts).hasSize(chunks);
        String rejoined = String.join("", parts.values());
        assertThat(squash(rejoined)).isEqualTo(squash(book));
        // the combining step saw the part summaries in document order
        String allReduce = String.join("\n", reduceInputs);
        int last = -1;
        for (int i = 1; i <= chunks; i++) {
            int at = allReduce.indexOf("PART-" + i + " summarized.");
            assertThat(at).as("summary of part " + i + " reached the reduce step").isGreaterThan(last);
            last = at;
        }
        assertThat(Files.readString(run.output("big/book.txt.summary.md"))).contains("The whole book, summarized.");
        assertThat(sidecar.path("chunking").path("levels").asInt()).isGreaterThanOrEqualTo(2);
    }

    private static String squash(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetriedUntilTheAnswerComes() throws Exception {
        fake.failNext(Fault.status(503), Fault.status(500), Fault.dropConnection(), Fault.status(504));
        DigestRun run = new DigestRun(root).against(fake).drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(0);

        assertThat(fake.count("generateContent")).isEqualTo(5);
        assertThat(run.json("french.utf8.txt.summary.json").path("status").asText()).isEqualTo("ok");
    }

    @Test
    void retriesAreBoundedAndTheLastErrorIsReported() throws Exception {
        fake.failNext(Fault.status(503), Fault.status(503), Fault.status(503));
        DigestRun run = new DigestRun(root).against(fake).set("gemini.retry.max-attempts", "3")
                .set("gemini.circuit.minimum-calls", "100").drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(1);

        assertThat(fake.count("generateContent")).isEqualTo(3);
        JsonNode error = run.json("french.utf8.txt.error.json");
        assertThat(error.path("outcome").asText()).isEqualTo("unavailable");
        assertThat(error.path("message").asText()).contains("503").contains("overloaded");
        assertThat(run.in.resolve(".failed/french.utf8.txt")).exists();
    }

    @Test
    void aBlockedPromptAndACutOffAnswerAreFailuresNotSummaries() throws Exception {
        fake.respondWith(call -> {
            if (call.userText().contains("Candide")) {
                return Answer.blocked("PROHIBITED_CONTENT");
            }
            if (call.userText().contains("Rabbit")) {
                return Answer.text("Alice follows a").withFinishReason("MAX_TOKENS");
            }
            return FakeGemini.defaultAnswer(call);
        });
        DigestRun run = new DigestRun(root).against(fake).drop("french.utf8.txt").drop("alice.txt")
                .drop("chinese.utf8.txt");

        assertThat(run.once()).isEqualTo(1);

        assertThat(run.json("french.utf8.txt.error.json").path("outcome").asText()).isEqualTo("blocked-prompt");
        assertThat(run.json("french.utf8.txt.error.json").path("message").asText()).contains("PROHIBITED_CONTENT");
        assertThat(run.json("alice.txt.error.json").path("outcome").asText()).isEqualTo("output-truncated");
        assertThat(run.output("alice.txt.summary.md")).doesNotExist();
        assertThat(run.output("french.utf8.txt.summary.md")).doesNotExist();
        assertThat(run.json("chinese.utf8.txt.summary.json").path("status").asText()).isEqualTo("ok");
        // neither is retried: it would fail the same way and cost the same again
        assertThat(fake.count("generateContent")).isEqualTo(3);
    }

    /**
     * The document path's one retry after a non-STOP answer: an answer without a finish reason is incomplete and is
     * retried (a cut-off or refused one fails the document instead). Google billed it: the sidecar lists it, marked
     * discarded, and its totals are what the fake billed for both requests.
     */
    @Test
    void aSummaryAnsweredWithoutAFinishReasonIsRetriedAndBothRequestsAreInTheSidecarsTotals() throws Exception {
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        fake.respondWith(call -> answered.getAndIncrement() == 0
                ? FakeGemini.defaultAnswer(call).withoutFinishReason() : FakeGemini.defaultAnswer(call));
        DigestRun run = new DigestRun(root).against(fake).set("gemini.retry.initial-delay-ms", "10")
                .drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(0);

        List<RecordedRequest> billed = fake.requests().stream().filter(r -> r.isGenerate() && r.usage() != null)
                .toList();
        assertThat(billed).hasSize(2);
        JsonNode sidecar = run.json("french.utf8.txt.summary.json");
        JsonNode totals = sidecar.path("totals");
        assertThat(totals.path("calls").asInt()).isEqualTo(2);
        assertThat(totals.path("discardedCalls").asInt()).isEqualTo(1);
        assertThat(totals.path("promptTokens").asLong())
                .isEqualTo(billed.stream().mapToLong(RecordedRequest::billedPromptTokens).sum());
        assertThat(totals.path("outputTokens").asLong() + totals.path("thinkingTokens").asLong())
                .isEqualTo(billed.stream().mapToLong(RecordedRequest::billedOutputTokens).sum()).isPositive();
        assertThat(sidecar.path("calls").get(0).path("discarded").asText()).isEqualTo("network");
        assertThat(sidecar.path("calls").get(0).has("finishReason")).isFalse();
        assertThat(sidecar.path("calls").get(1).has("discarded")).isFalse();
        assertThat(sidecar.path("costUsd").asDouble()).isCloseTo(sidecar.path("calls").get(0).path("costUsd")
                .asDouble() + sidecar.path("calls").get(1).path("costUsd").asDouble(),
                org.assertj.core.data.Offset.offset(1e-5));
    }

    /**
     * A document that fails after billed calls says what it spent: the map calls were answered (and billed), then the
     * reduce call was refused for good (finish reason SAFETY, billed too). error.json lists every billed call with
     * the sidecar's shapes, and its tokens and cost are what the fake billed.
     */
    @Test
    void aDocumentThatFailsAfterBilledCallsHasItsSpendInTheErrorReport() throws Exception {
        String moby = new String(getClass().getResourceAsStream("/samples/moby-dick.txt").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        fake.model("gemini-small", 16_000, 65_536);
        fake.respondWith(call -> call.userText().contains("--- PART SUMMARIES ---")
                ? Answer.text("The reduce step, refused.").withFinishReason("SAFETY")
                : FakeGemini.defaultAnswer(call).withThoughtsTokens(50));
        DigestRun run = new DigestRun(root).against(fake).set("gemini.model", "gemini-small")
                .dropText("whale.txt", moby.substring(0, 80_000));

        assertThat(run.once()).isEqualTo(1);

        JsonNode error = run.json("whale.txt.error.json");
        assertThat(error.path("outcome").asText()).isEqualTo("answer-refused");
        List<RecordedRequest> billed = fake.requests().stream().filter(r -> r.isGenerate() && r.usage() != null)
                .toList();
        long maps = billed.stream().filter(r -> PART.matcher(r.userText()).find()).count();
        assertThat(maps).isGreaterThan(1);
        assertThat(billed).hasSize((int) maps + 1); // the maps, then the refused reduce
        JsonNode calls = error.path("calls");
        assertThat(calls.size()).isEqualTo(billed.size());
        assertThat(calls.get(calls.size() - 1).path("discarded").asText()).isEqualTo("answer-refused");
        assertThat(calls.get(calls.size() - 1).path("finishReason").asText()).isEqualTo("SAFETY");
        JsonNode totals = error.path("totals");
        assertThat(totals.path("calls").asInt()).isEqualTo(billed.size());
        assertThat(totals.path("discardedCalls").asInt()).isEqualTo(1);
        long prompt = billed.stream().mapToLong(RecordedRequest::billedPromptTokens).sum();
        long output = billed.stream().mapToLong(RecordedRequest::billedOutputTokens).sum();
        assertThat(totals.path("promptTokens").asLong()).isEqualTo(prompt);
        assertThat(totals.path("outputTokens").asLong() + totals.path("thinkingTokens").asLong()).isEqualTo(output);
        assertThat(totals.path("thinkingTokens").asLong()).isEqualTo(50 * maps);
        // the shipped prices: $2 per million input tokens, $12 per million output tokens (thinking included)
        double fakeBilled = (prompt * 2.0 + output * 12.0) / 1_000_000;
        assertThat(error.path("costUsd").asDouble()).isPositive()
                .isCloseTo(fakeBilled, org.assertj.core.data.Offset.offset(1e-5));
        // the job store keeps the same spend with the failed job (GET /api/v1/jobs/{id}, the job metrics)
        try (var store = new io.geminidigest.job.JdbcJobStore(
                DigestConfiguration.defaultStoreUrl(run.out.resolve(".gemini-digest")), "", "")) {
            var job = store.list(null, "folder", 0, 10).jobs().get(0);
            assertThat(job.status()).isEqualTo(io.geminidigest.job.JobStatus.FAILED);
            assertThat(job.tokensIn()).isEqualTo(prompt);
            assertThat(job.tokensOut() + job.tokensThinking()).isEqualTo(output);
            assertThat(job.costUsd()).isCloseTo(error.path("costUsd").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void aDocumentThatFailsBeforeAnythingIsBilledHasNoSpendInTheErrorReport() throws Exception {
        fake.failNext(Fault.error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));
        DigestRun run = new DigestRun(root).against(fake).drop("alice.txt");

        assertThat(run.once()).isEqualTo(1);

        JsonNode error = run.json("alice.txt.error.json");
        assertThat(error.path("outcome").asText()).isEqualTo("invalid-request");
        assertThat(error.has("calls")).isFalse();
        assertThat(error.has("totals")).isFalse();
        assertThat(error.has("costUsd")).isFalse();
    }

    @Test
    void thinkingTokensAreCountedAndBilledAsOutput() throws Exception {
        fake.respondWith(call -> FakeGemini.defaultAnswer(call).withThoughtsTokens(1000));
        DigestRun run = new DigestRun(root).against(fake).drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(0);

        JsonNode sidecar = run.json("french.utf8.txt.summary.json");
        JsonNode call = sidecar.path("calls").get(0);
        assertThat(call.path("thinkingTokens").asInt()).isEqualTo(1000);
        long prompt = call.path("promptTokens").asLong();
        long out = call.path("outputTokens").asLong();
        double expected = (prompt * 2.0 + (out + 1000) * 12.0) / 1_000_000;
        assertThat(sidecar.path("costUsd").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(sidecar.path("totals").path("thinkingTokens").asLong()).isEqualTo(1000);
    }
}

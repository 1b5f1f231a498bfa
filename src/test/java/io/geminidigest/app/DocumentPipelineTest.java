package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.RecordedRequest;

/** End to end: real documents dropped into a folder, summarized through the fake Gemini, outputs and moves checked. */
class DocumentPipelineTest {

    static FakeGemini fake;

    @TempDir
    Path root;

    @BeforeAll
    static void startFake() {
        fake = FakeGemini.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void summarizesDocumentsOfEveryFormatAndEncoding() throws Exception {
        DigestRun run = new DigestRun(root).against(fake);
        for (String s : List.of("alice.pdf", "alice.docx", "alice.odt", "alice.html", "alice.epub", "alice.rtf",
                "alice.md")) {
            run.drop(s, "books/" + s);
        }
        run.drop("alice.txt").drop("alice.utf16.txt").drop("french.latin1.txt", "fr/candide.txt")
                .drop("chinese.gb18030.txt");

        assertThat(run.once()).isEqualTo(0);

        assertThat(run.leftInInput()).isEmpty();
        for (String name : List.of("books/alice.pdf", "books/alice.docx", "books/alice.odt", "books/alice.html",
                "books/alice.epub", "books/alice.rtf", "books/alice.md", "alice.txt", "alice.utf16.txt",
                "fr/candide.txt", "chinese.gb18030.txt")) {
            assertThat(run.in.resolve(".done").resolve(name)).as("moved to .done: " + name).exists();
            assertThat(run.output(name + ".summary.md")).as("summary of " + name).exists();
            assertThat(Files.readString(run.output(name + ".summary.md"))).startsWith("Summary:");
            JsonNode sidecar = run.json(name + ".summary.json");
            assertThat(sidecar.path("status").asText()).isEqualTo("ok");
            assertThat(sidecar.path("source").asText()).isEqualTo(name);
            assertThat(sidecar.path("sha256").asText()).hasSize(64);
            assertThat(sidecar.path("totals").path("calls").asInt()).isPositive();
            assertThat(sidecar.path("totals").path("promptTokens").asLong()).isPositive();
            assertThat(sidecar.path("costUsd").asDouble()).isPositive();
            assertThat(sidecar.path("modelVersion").asText()).isNotEmpty();
            assertThat(sidecar.toString()).doesNotContain(FakeGemini.KEY);
        }
        JsonNode pdf = run.json("books/alice.pdf.summary.json");
        assertThat(pdf.path("detectedType").asText()).isEqualTo("application/pdf");
        assertThat(pdf.path("document").path("pageCount").asInt()).isEqualTo(61);
        assertThat(pdf.path("document").path("author").asText()).isEqualTo("Lewis Carroll");

        // what reached Gemini is the decoded text of each document, in its own script
        List<String> prompts = fake.userTexts();
        assertThat(prompts).anyMatch(t -> t.contains("Candide") && t.contains("château"));
        assertThat(prompts).anyMatch(t -> t.contains("花果山"));
        assertThat(prompts).allMatch(t -> !t.contains("\uFFFD"));
        // every request carried the key in its header, never in the URL, and nothing of the inbound exchange
        for (RecordedRequest r : fake.requests()) {
            assertThat(r.header("x-goog-api-key")).isEqualTo(FakeGemini.KEY);
            assertThat(r.query() == null ? "" : r.query()).doesNotContain("key=");
            assertThat(r.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("camel")
                    || h.toLowerCase().startsWith("file"));
        }
        assertThat(fake.statusCounts()).containsOnlyKeys(200);
    }

    @Test
    void hostileInputsEndInFailedWithAReadableError() throws Exception {
        DigestRun run = new DigestRun(root).against(fake);
        for (String h : List.of("truncated.pdf", "encrypted.pdf", "empty.txt", "random.docx", "corrupt.docx",
                "zip-bomb.zip", "nested.zip")) {
            run.drop("hostile/" + h, h);
        }

        assertThat(run.once()).isEqualTo(1);

        assertThat(run.leftInInput()).isEmpty();
        assertOutcome(run, "truncated.pdf", "corrupt");
        assertOutcome(run, "encrypted.pdf", "encrypted");
        assertOutcome(run, "empty.txt", "empty");
        assertOutcome(run, "random.docx", "corrupt");
        assertOutcome(run, "corrupt.docx", "corrupt");
        assertOutcome(run, "zip-bomb.zip", "too-large");
        assertOutcome(run, "nested.zip", "too-large");
        assertThat(fake.count("generateContent")).as("nothing hostile reached Gemini").isZero();
    }

    private static void assertOutcome(DigestRun run, String name, String outcome) throws Exception {
        assertThat(run.in.resolve(".failed").resolve(name)).as(name + " in .failed").exists();
        assertThat(run.output(name + ".summary.md")).as("no summary for " + name).doesNotExist();
        JsonNode error = run.json(name + ".error.json");
        assertThat(error.path("status").asText()).isEqualTo("failed");
        assertThat(error.path("outcome").asText()).as(name + ": " + error).isEqualTo(outcome);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("advice").asText()).isNotBlank();
        assertThat(error.path("movedTo").asText()).endsWith(".failed/" + name);
    }

    @Test
    void sameContentUnderAnotherNameIsNotBilledTwiceAcrossRestarts() throws Exception {
        DigestRun first = new DigestRun(root).against(fake).drop("french.utf8.txt", "candide.txt");
        assertThat(first.once()).isEqualTo(0);
        int calls = fake.count("generateContent");
        assertThat(calls).isPositive();

        // a new process, the same state folder: a renamed copy and a re-drop of the same bytes
        DigestRun second = new DigestRun(root).against(fake).drop("french.utf8.txt", "copy of candide.txt")
                .drop("french.utf8.txt", "again/candide.txt");
        assertThat(second.once()).isEqualTo(0);

        assertThat(fake.count("generateContent")).isEqualTo(calls);
        JsonNode dup = second.json("copy of candide.txt.summary.json");
        assertThat(dup.path("status").asText()).isEqualTo("duplicate");
        assertThat(dup.path("duplicateOf").asText()).isEqualTo("candide.txt");
        assertThat(second.in.resolve(".done/copy of candide.txt")).exists();
        assertThat(second.in.resolve(".done/again/candide.txt")).exists();
        assertThat(second.tracker.duplicateCount()).isEqualTo(2);
    }

    @Test
    void withoutAnApiKeyEverythingButTheCallsHappensAndInputsStay() throws Exception {
        DigestRun run = new DigestRun(root).set("gemini.base-url", fake.baseUrl()).drop("alice.txt")
                .drop("moby-dick.txt");

        assertThat(run.once()).isEqualTo(0);

        assertThat(fake.requests()).isEmpty();
        assertThat(run.in.resolve("alice.txt")).exists();
        assertThat(run.in.resolve("moby-dick.txt")).exists();
        JsonNode estimate = run.json("moby-dick.txt.summary.json");
        assertThat(estimate.path("status").asText()).isEqualTo("estimated");
        assertThat(estimate.path("note").asText()).contains("GEMINI_API_KEY");
        assertThat(estimate.path("chunking").path("chunkCount").asInt()).isEqualTo(2);
        assertThat(estimate.path("totals").path("promptTokens").asLong()).isGreaterThan(250_000);
        assertThat(estimate.path("costUsd").asDouble()).isPositive();
        assertThat(run.output("alice.txt.summary.md")).doesNotExist();
        assertThat(run.tracker.estimatedCount()).isEqualTo(2);
    }

    @Test
    void aBadKeyStopsTheRunBeforeAnyInputIsTaken() throws Exception {
        DigestRun run = new DigestRun(root).against(fake).set("gemini.api-key", "not-a-valid-key").drop("alice.txt");

        assertThat(run.once()).isEqualTo(RunTracker.EXIT_CONFIGURATION);

        assertThat(run.in.resolve("alice.txt")).exists();
        assertThat(run.in.resolve(".failed")).doesNotExist();
        assertThat(run.output("alice.txt.error.json")).doesNotExist();
        assertThat(fake.count("generateContent")).isZero();
        assertThat(run.tracker.summaryLine()).contains("API key is not valid");
    }

    @Test
    void anUnknownModelStopsTheRunBeforeAnyInputIsTaken() throws Exception {
        DigestRun run = new DigestRun(root).against(fake).set("gemini.model", "gemini-0-nonexistent")
                .drop("alice.txt");

        assertThat(run.once()).isEqualTo(RunTracker.EXIT_CONFIGURATION);

        assertThat(run.in.resolve("alice.txt")).exists();
        assertThat(run.tracker.summaryLine()).contains("GEMINI_MODEL");
    }

    @Test
    void stoppingTheApplicationLeavesNoExtractionWorkerBehind() throws Exception {
        java.time.Instant before = java.time.Instant.now().minusSeconds(1);
        DigestRun run = new DigestRun(root).against(fake).drop("alice.pdf");

        assertThat(run.once()).isEqualTo(0);
        assertThat(run.out.resolve("alice.pdf.summary.md")).exists();

        // the worker JVM that extracted the PDF was started by this run: it must end with the application (the
        // command line the JDK reports is cut at 4 KB, before the worker's class name: any JVM this run started counts)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ProcessHandle.current().descendants()
                        .filter(p -> p.info().command().orElse("").endsWith("java"))
                        .filter(p -> p.info().startInstant().map(before::isBefore).orElse(true))
                        .map(ProcessHandle::pid))
                        .isEmpty());
    }
}

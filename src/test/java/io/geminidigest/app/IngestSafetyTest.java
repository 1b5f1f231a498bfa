package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.geminidigest.testing.FakeGemini;

/** A file still being written is not read; a parser that hangs does not stall the run; temporary files are left alone. */
class IngestSafetyTest {

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
    void aFileStillBeingWrittenIsOnlyTakenWhenComplete() throws Exception {
        DigestRun run = new DigestRun(root).against(fake).set("ingest.read-lock-check-interval", "300")
                .set("ingest.read-lock-min-age", "300").startWatching();
        try {
            Path file = run.in.resolve("slow.txt");
            // a slow copy: a line every 50 ms for about two seconds, then a last line
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int i = 0; i < 40; i++) {
                    out.write(("Line " + i + " of a document that arrives slowly over the network.\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(50);
                }
                out.write("THE LAST LINE.\n".getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(run.output("slow.txt.summary.json")));
            assertThat(fake.userTexts()).hasSize(1);
            assertThat(fake.userTexts().get(0)).contains("Line 0 of").contains("Line 39 of").contains("THE LAST LINE.");
        } finally {
            run.stop();
        }
    }

    @Test
    void temporaryAndHiddenFilesAreNeverTaken() throws Exception {
        DigestRun run = new DigestRun(root).against(fake).dropText("report.docx.crdownload", "partial")
                .dropText("~$report.docx", "lock").dropText("notes.txt.tmp", "temp").dropText(".hidden.txt", "x")
                .dropText("draft.txt~", "backup").dropText("sub/.DS_Store", "x").drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(0);

        assertThat(run.tracker.okCount()).isEqualTo(1);
        assertThat(run.in.resolve("report.docx.crdownload")).exists();
        assertThat(run.in.resolve("~$report.docx")).exists();
        assertThat(run.in.resolve("notes.txt.tmp")).exists();
        assertThat(run.in.resolve(".hidden.txt")).exists();
        assertThat(run.in.resolve("draft.txt~")).exists();
        assertThat(fake.count("generateContent")).isEqualTo(1);
    }

    @Test
    void aParserThatHangsFailsItsDocumentWithTimeoutAndTheRunGoesOn() throws Exception {
        DigestRun run = new DigestRun(root).against(fake).set("extract.timeout-seconds", "3")
                .drop("/mock/hang.mock.xml", "stuck.mock.xml").drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(1);

        assertThat(run.json("stuck.mock.xml.error.json").path("outcome").asText()).isEqualTo("timeout");
        assertThat(run.in.resolve(".failed/stuck.mock.xml")).exists();
        assertThat(run.json("french.utf8.txt.summary.json").path("status").asText()).isEqualTo("ok");
        assertThat(run.leftInInput()).isEmpty();
    }

    @Test
    void gatewayMetricsCountCallsAndTokens() throws Exception {
        DigestRun run = new DigestRun(root).against(fake).drop("french.utf8.txt").drop("alice.txt");

        assertThat(run.once()).isEqualTo(0);

        var meters = run.meters();
        double tokensIn = meters.get("gemini.tokens").tag("direction", "in").counter().count();
        double calls = meters.get("gemini.calls").tag("kind", "GENERATE").tag("status", "200").counter().count();
        assertThat(calls).isEqualTo(fake.count("generateContent"));
        long expectedIn = fake.requests().stream().filter(r -> r.isGenerate()).mapToLong(r -> r.promptTokens()).sum();
        assertThat(tokensIn).isEqualTo(expectedIn);
        assertThat(meters.get("gemini.limiter.wait").timer().count()).isEqualTo((long) calls);
    }
}

package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.testing.Answer;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.Fault;
import io.geminidigest.testing.RecordedRequest;

/** Pictures and scanned PDFs read by Gemini: inline or through the Files API, with its protocol's hard parts. */
class VisualMediaTest {

    FakeGemini fake;

    @TempDir
    Path root;

    @BeforeEach
    void start() {
        fake = FakeGemini.start();
        fake.respondWith(call -> {
            if (!call.mediaParts().isEmpty()) {
                var part = call.mediaParts().get(0);
                return Answer.text("## Description\nA " + part.mimeType() + " (" + part.modality()
                        + ").\n\n## Text\nThere was a table set out under a tree.");
            }
            return FakeGemini.defaultAnswer(call);
        });
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void aPictureIsDescribedWithItsTextInlineAndItsTypeComesFromTheBytes() throws Exception {
        DigestRun run = new DigestRun(root).against(fake).drop("media/text-photo.png", "photo.png")
                .drop("hostile/png-named.pdf", "not-a-pdf.pdf");

        assertThat(run.once()).isEqualTo(0);

        for (String name : new String[] { "photo.png", "not-a-pdf.pdf" }) {
            assertThat(Files.readString(run.output(name + ".summary.md"))).contains("image/png")
                    .contains("table set out under a tree");
            JsonNode sidecar = run.json(name + ".summary.json");
            assertThat(sidecar.path("detectedType").asText()).isEqualTo("image/png");
            assertThat(sidecar.path("media").path("kind").asText()).isEqualTo("image");
            assertThat(sidecar.path("media").path("inline").asBoolean()).isTrue();
            assertThat(run.in.resolve(".done").resolve(name)).exists();
        }
        assertThat(fake.uploadsStarted()).isZero();
    }

    @Test
    void aScannedPdfIsReadThroughTheFilesApiInsteadOfFailingAsEmpty() throws Exception {
        fake.processingPolls(2);
        DigestRun run = new DigestRun(root).against(fake).set("media.inline-max-bytes", "100000")
                .set("media.poll-initial-millis", "10").set("media.upload-chunk-bytes", "262144")
                .drop("scanned.pdf");

        assertThat(run.once()).isEqualTo(0);

        JsonNode sidecar = run.json("scanned.pdf.summary.json");
        assertThat(sidecar.path("media").path("kind").asText()).isEqualTo("scanned-pdf");
        assertThat(sidecar.path("media").path("uploads").get(0).asText()).startsWith("files/");
        assertThat(Files.readString(run.output("scanned.pdf.summary.md"))).contains("application/pdf");
        assertThat(fake.uploadsFinalized()).isEqualTo(1);
        assertThat(fake.deletedFiles()).hasSize(1);
        // uploaded in chunks of the granularity, and polled until ACTIVE before use
        assertThat(fake.requests().stream().filter(RecordedRequest::isUpload).count()).isGreaterThan(2);
        assertThat(fake.count("GET")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anUploadCutOffMidwayIsResumedWhereTheServerStoppedNotStartedOver() throws Exception {
        fake.failNextUpload(Fault.dropUploadAfter(400_000));
        DigestRun run = new DigestRun(root).against(fake).set("media.inline-max-bytes", "100000")
                .set("media.upload-chunk-bytes", "524288").drop("media/text-photo.png", "photo.png");

        assertThat(run.once()).isEqualTo(0);

        assertThat(fake.uploadsStarted()).isEqualTo(1);
        assertThat(fake.uploadsResumed()).isGreaterThanOrEqualTo(1);
        assertThat(fake.files().isEmpty() ? fake.deletedFiles().get(0).sizeBytes() : fake.files().get(0).sizeBytes())
                .isEqualTo(Files.size(run.in.resolve(".done/photo.png")));
        assertThat(run.json("photo.png.summary.json").path("status").asText()).isEqualTo("ok");
        JsonNode timing = run.json("photo.png.summary.json").path("media").path("uploadTimings").get(0);
        assertThat(timing.path("resumes").asInt()).isEqualTo(fake.uploadsResumed());
        assertThat(timing.path("reused").asBoolean(true)).isFalse();
        assertThat(timing.path("bytes").asLong()).isEqualTo(Files.size(run.in.resolve(".done/photo.png")));
    }

    @Test
    void aFileThatFailsProcessingOnTheServerEndsWithANamedOutcome() throws Exception {
        fake.failProcessing(name -> true).processingPolls(1);
        DigestRun run = new DigestRun(root).against(fake).set("media.inline-max-bytes", "1000")
                .set("media.poll-initial-millis", "10").drop("media/text-photo.jpg", "photo.jpg");

        assertThat(run.once()).isEqualTo(1);

        JsonNode error = run.json("photo.jpg.error.json");
        assertThat(error.path("outcome").asText()).isEqualTo("file-processing-failed");
        assertThat(run.in.resolve(".failed/photo.jpg")).exists();
    }

    @Test
    void aLiveUploadOfTheSameContentIsReusedRatherThanUploadedAgain() throws Exception {
        fake.respondWith(call -> Answer.blocked("OTHER"));
        DigestRun first = new DigestRun(root).against(fake).set("media.inline-max-bytes", "1000")
                .set("media.delete-remote-files", "false").drop("media/text-photo.jpg", "photo.jpg");
        assertThat(first.once()).isEqualTo(1);
        assertThat(fake.uploadsFinalized()).isEqualTo(1);

        // the user moves the input back to retry; the file is still alive on the server
        Files.move(first.in.resolve(".failed/photo.jpg"), first.in.resolve("photo.jpg"));
        fake.respondWith(call -> Answer.text("A photo of a printed page."));
        DigestRun second = new DigestRun(root).against(fake).set("media.inline-max-bytes", "1000")
                .set("media.delete-remote-files", "false");
        assertThat(second.once()).isEqualTo(0);

        assertThat(fake.uploadsStarted()).isEqualTo(1);
        assertThat(second.json("photo.jpg.summary.json").path("status").asText()).isEqualTo("ok");
        JsonNode timing = second.json("photo.jpg.summary.json").path("media").path("uploadTimings").get(0);
        assertThat(timing.path("reused").asBoolean(false)).isTrue();
        assertThat(timing.path("uploadMillis").asLong()).isZero();
    }

    @Test
    void withoutAKeyAPictureGetsAnEstimate() throws Exception {
        DigestRun run = new DigestRun(root).set("gemini.base-url", fake.baseUrl()).drop("scanned.pdf");

        assertThat(run.once()).isEqualTo(0);

        JsonNode sidecar = run.json("scanned.pdf.summary.json");
        assertThat(sidecar.path("status").asText()).isEqualTo("estimated");
        assertThat(sidecar.path("totals").path("promptTokens").asInt()).isGreaterThanOrEqualTo(2 * 560);
        assertThat(fake.requests()).isEmpty();
        assertThat(Duration.ZERO).isNotNull();
    }
}

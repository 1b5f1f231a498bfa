package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

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
        fake.imageTokens(1120); // what Gemini 3 bills a picture when the request names no media resolution
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
        // no media.resolution configured (the default): none is sent, Gemini's own default applies (1120 per picture)
        assertThat(fake.requests().stream().filter(RecordedRequest::isGenerate)).hasSize(2)
                .allSatisfy(r -> assertThat(r.body().at("/generationConfig/mediaResolution").isMissingNode())
                        .isTrue());
        assertThat(run.json("photo.png.summary.json").path("media").path("promptTokensByModality").path("IMAGE")
                .asLong()).isEqualTo(1120);
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

    /**
     * media.resolution is sent with pictures and videos (generationConfig.mediaResolution), so Gemini bills what the
     * estimate counted: at low, a picture is 280 tokens and a silent video 70 per second of frames, both in the
     * estimate-only sidecar (no key) and in what the fake billed.
     */
    @Test
    void theConfiguredMediaResolutionIsSentAndTheEstimateIsWhatGeminiBills() throws Exception {
        DigestRun run = new DigestRun(root.resolve("sent")).against(fake).set("media.resolution", "low")
                .drop("media/text-photo.png", "photo.png");
        Path video = run.in.resolve("mute.mp4");
        new io.geminidigest.media.Ffmpeg().run(java.util.List.of("-y", "-f", "lavfi", "-i",
                "testsrc2=size=160x120:rate=10", "-t", "3.5", "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                video.toString()));
        byte[] bytes = Files.readAllBytes(video);
        String sha = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(bytes));
        // the fake bills the video's own duration (as probed), its frames only: it has no sound track
        fake.mediaDuration(sha, Duration.ofMillis(new io.geminidigest.media.MediaProbe().probe(video).durationMillis()))
                .silentVideo(sha);
        DigestRun estimate = new DigestRun(root.resolve("estimated")).set("gemini.base-url", fake.baseUrl())
                .set("media.resolution", "low").drop("media/text-photo.png", "photo.png");
        Files.createDirectories(estimate.in);
        Files.write(estimate.in.resolve("mute.mp4"), bytes);

        assertThat(run.once()).isEqualTo(0);
        assertThat(estimate.once()).isEqualTo(0);

        List<RecordedRequest> generated = fake.requests().stream().filter(RecordedRequest::isGenerate).toList();
        assertThat(generated).hasSize(2).allSatisfy(r -> assertThat(r.body().at("/generationConfig/mediaResolution")
                .asText()).isEqualTo("MEDIA_RESOLUTION_LOW"));
        for (String[] c : new String[][] {{"photo.png", "IMAGE", "describe-image.txt"},
                {"mute.mp4", "VIDEO", "describe-video.txt"}}) {
            long billed = run.json(c[0] + ".summary.json").path("media").path("promptTokensByModality").path(c[1])
                    .asLong();
            JsonNode estimated = estimate.json(c[0] + ".summary.json");
            assertThat(estimated.path("status").asText()).isEqualTo("estimated");
            int promptEstimate = new String(getClass().getResourceAsStream("/prompts/" + c[2]).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8).length() / 3;
            assertThat(estimated.path("calls").get(0).path("promptTokens").asLong() - promptEstimate).as(c[0])
                    .isEqualTo(billed);
        }
        assertThat(run.json("photo.png.summary.json").path("media").path("promptTokensByModality").path("IMAGE")
                .asLong()).isEqualTo(280);
        // 3.5 s: 4 frames at 70 tokens
        assertThat(run.json("mute.mp4.summary.json").path("media").path("promptTokensByModality").path("VIDEO")
                .asLong()).isEqualTo(4 * 70);
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

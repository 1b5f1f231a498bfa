package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.media.Ffmpeg;
import io.geminidigest.testing.Answer;
import io.geminidigest.testing.FakeFile;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.RecordedRequest;

/**
 * A soundless video larger than the inline limit, end to end: uploaded through the Files API (resumable), polled until
 * it is ACTIVE, only then used by the generate call (fileData), described with scene times, deleted afterwards.
 */
class VideoUploadTest {

    static final String SCENES = "## Scenes\n[00:00] Moving colour bars and a clock counting up.";

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
    void aSoundlessVideoIsUploadedWaitedForUntilActiveDescribedAndDeleted() throws Exception {
        fake.respondWith(call -> Answer.text(SCENES)).processingPolls(3).mediaDuration("clip.mp4",
                Duration.ofSeconds(4));
        DigestRun run = new DigestRun(root).against(fake)
                .set("media.inline-max-bytes", "10000")
                .set("media.poll-initial-millis", "20")
                .set("media.poll-max-millis", "50");
        Path video = run.in.resolve("clip.mp4");
        // testsrc2 at 320x240, 25 fps, 4 s, H.264 at high quality: some 100 KB, far above the 10,000-byte limit
        Path tmp = root.resolve("clip.mp4");
        new Ffmpeg().run(List.of("-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "4", "-an",
                "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", tmp.toString()));
        long size = Files.size(tmp);
        assertThat(size).as("video size").isGreaterThan(10_000);
        Files.move(tmp, video);

        assertThat(run.once()).isEqualTo(0);

        // uploaded with the resumable protocol and finalized, once
        List<RecordedRequest> requests = fake.requests();
        assertThat(fake.uploadsStarted()).isEqualTo(1);
        assertThat(fake.uploadsFinalized()).isEqualTo(1);
        RecordedRequest start = requests.stream().filter(r -> r.isUpload() && "start".equals(
                r.header("X-Goog-Upload-Command"))).findFirst().orElseThrow();
        assertThat(start.header("X-Goog-Upload-Protocol")).isEqualTo("resumable");
        assertThat(start.header("X-Goog-Upload-Header-Content-Length")).isEqualTo(Long.toString(size));
        assertThat(requests.stream().filter(r -> r.isUpload() && r.header("X-Goog-Upload-Command") != null
                && r.header("X-Goog-Upload-Command").contains("finalize")).count()).isEqualTo(1);

        FakeFile file = fake.deletedFiles().stream().filter(f -> "clip.mp4".equals(f.displayName())).findFirst()
                .orElseThrow(() -> new AssertionError("the uploaded file was not deleted: " + fake.files()));
        assertThat(file.sizeBytes()).isEqualTo(size);
        assertThat(file.mimeType()).startsWith("video/");
        assertThat(fake.files()).as("no file left on the server").isEmpty();

        // polled until ACTIVE (3 PROCESSING answers, then ACTIVE) before the generate call used it
        String filePath = "/v1beta/" + file.name();
        int finalized = indexOf(requests, r -> r.isUpload() && r.header("X-Goog-Upload-Command") != null
                && r.header("X-Goog-Upload-Command").contains("finalize"));
        List<RecordedRequest> generates = requests.stream().filter(RecordedRequest::isGenerate).toList();
        assertThat(generates).hasSize(1);
        int generate = requests.indexOf(generates.get(0));
        List<Integer> polls = new java.util.ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            RecordedRequest r = requests.get(i);
            if (r.method().equals("GET") && r.path().equals(filePath)) {
                polls.add(i);
            }
        }
        assertThat(polls).as("GET %s", filePath).hasSizeGreaterThanOrEqualTo(4);
        assertThat(polls).allMatch(i -> i > finalized && i < generate);
        int delete = indexOf(requests, r -> r.method().equals("DELETE") && r.path().equals(filePath));
        assertThat(delete).as("DELETE after the generate call").isGreaterThan(generate);
        assertThat(generates.get(0).status()).isEqualTo(200);

        // the generate request referred to the file (fileData), with no inline data
        JsonNode parts = generates.get(0).body().path("contents").get(0).path("parts");
        JsonNode fileData = null;
        for (JsonNode p : parts) {
            assertThat(p.has("inlineData") || p.has("inline_data")).isFalse();
            if (p.has("fileData")) {
                fileData = p.get("fileData");
            } else if (p.has("file_data")) {
                fileData = p.get("file_data");
            }
        }
        assertThat(fileData).as("fileData part").isNotNull();
        assertThat(fileData.path(fileData.has("fileUri") ? "fileUri" : "file_uri").asText()).isEqualTo(file.uri());
        // the fake charged the registered duration: 4 s of video at 263 tokens/s
        assertThat(generates.get(0).promptTokens()).isGreaterThan(4 * 263);

        // the scene description, and the sidecar
        assertThat(Files.readString(run.output("clip.mp4.summary.md"))).contains("Moving colour bars");
        JsonNode media = run.json("clip.mp4.summary.json").path("media");
        assertThat(media.path("kind").asText()).isEqualTo("video-without-sound");
        assertThat(media.path("inline").asBoolean(true)).isFalse();
        assertThat(media.path("uploads")).hasSize(1);
        assertThat(media.path("uploads").get(0).asText()).isEqualTo(file.name());
        // the upload's figures: size, time to upload and to become ACTIVE, not reused, not resumed; never the key
        JsonNode timing = media.path("uploadTimings").get(0);
        assertThat(media.path("uploadTimings")).hasSize(1);
        assertThat(timing.path("file").asText()).isEqualTo(file.name());
        assertThat(timing.path("displayName").asText()).isEqualTo("clip.mp4");
        assertThat(timing.path("bytes").asLong()).isEqualTo(size);
        assertThat(timing.path("uploadMillis").asLong()).isNotNegative();
        assertThat(timing.path("processingMillis").asLong()).as("waited through 3 PROCESSING polls").isPositive();
        assertThat(timing.path("reused").asBoolean(true)).isFalse();
        assertThat(timing.path("resumes").asInt()).isZero();
        assertThat(Files.readString(run.output("clip.mp4.summary.json"))).doesNotContain(FakeGemini.KEY);
        assertThat(fake.requests().stream().filter(r -> r.isGenerate() && r.userText() != null
                && r.userText().contains("Transcribe")).count()).as("nothing to transcribe").isZero();
        assertThat(run.in.resolve(".done/clip.mp4")).exists();
    }

    private static int indexOf(List<RecordedRequest> requests, java.util.function.Predicate<RecordedRequest> p) {
        for (int i = 0; i < requests.size(); i++) {
            if (p.test(requests.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such request in " + requests.stream().map(r -> r.method() + " " + r.path())
                .toList());
    }
}

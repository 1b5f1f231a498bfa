package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import static io.geminidigest.testing.FakeGeminiTest.JSON;
import static io.geminidigest.testing.FakeGeminiTest.assertError;
import static io.geminidigest.testing.FakeGeminiTest.json;
import static io.geminidigest.testing.FakeGeminiTest.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Files API of {@link FakeGemini} and its use in generate / countTokens, over real HTTP. */
class FakeGeminiFilesTest {

    static final String UPLOAD = "/upload/v1beta/files";
    static final int G = FilesApi.GRANULARITY;

    final FakeGeminiTest t = new FakeGeminiTest();

    @BeforeEach
    void start() {
        t.start();
    }

    @AfterEach
    void stop() {
        t.stop();
    }

    // ------------------------------------------------------------------ helpers

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static HttpResponse<String> startUpload(FakeGeminiTest t, String displayName, String mime, long length)
            throws Exception {
        return t.send(HttpRequest.newBuilder(URI.create(t.fake.baseUrl() + UPLOAD))
                .header("x-goog-api-key", FakeGemini.KEY)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", Long.toString(length))
                .header("X-Goog-Upload-Header-Content-Type", mime).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"displayName\":" + quote(displayName) + "}}")));
    }

    static String sessionUrl(FakeGeminiTest t, String displayName, String mime, long length) throws Exception {
        HttpResponse<String> r = startUpload(t, displayName, mime, length);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("X-Goog-Upload-URL").orElseThrow();
    }

    static HttpResponse<String> chunk(FakeGeminiTest t, String url, String command, long offset, byte[] data)
            throws Exception {
        return t.send(HttpRequest.newBuilder(URI.create(url)).header("x-goog-api-key", FakeGemini.KEY)
                .header("X-Goog-Upload-Command", command).header("X-Goog-Upload-Offset", Long.toString(offset))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)));
    }

    static HttpResponse<String> query(FakeGeminiTest t, String url) throws Exception {
        return t.send(HttpRequest.newBuilder(URI.create(url)).header("X-Goog-Upload-Command", "query")
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Uploads {@code data} in one finalizing chunk; returns the file resource. */
    static JsonNode upload(FakeGeminiTest t, String displayName, String mime, byte[] data) throws Exception {
        HttpResponse<String> r = chunk(t, sessionUrl(t, displayName, mime, data.length), "upload, finalize", 0, data);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("file");
    }

    JsonNode upload(String displayName, String mime, byte[] data) throws Exception {
        return upload(t, displayName, mime, data);
    }

    static String status(HttpResponse<?> r) {
        return r.headers().firstValue("X-Goog-Upload-Status").orElse(null);
    }

    static String received(HttpResponse<?> r) {
        return r.headers().firstValue("X-Goog-Upload-Size-Received").orElse(null);
    }

    static String fileBody(String uri, String mime, String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + quote(text) + "},"
                + "{\"fileData\":{\"mimeType\":\"" + mime + "\",\"fileUri\":\"" + uri + "\"}}]}]}";
    }

    HttpResponse<String> generateWith(JsonNode file) throws Exception {
        return t.post(FakeGeminiTest.GENERATE, fileBody(file.get("uri").asText(), file.get("mimeType").asText(),
                "Transcribe."));
    }

    // ------------------------------------------------------------------ resumable upload

    @Test
    void resumableUploadInSeveralChunks() throws Exception {
        byte[] data = bytes(2 * G + 1000, 1);
        HttpResponse<String> start = startUpload(t, "talk.mp3", "audio/mpeg", data.length);
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(start.headers().firstValue("X-Goog-Upload-Chunk-Granularity")).hasValue("262144");
        String url = start.headers().firstValue("X-Goog-Upload-URL").orElseThrow();
        assertThat(url).startsWith(t.fake.baseUrl() + UPLOAD + "?upload_id=");

        HttpResponse<String> c1 = chunk(t, url, "upload", 0, Arrays.copyOfRange(data, 0, G));
        assertThat(c1.statusCode()).isEqualTo(200);
        assertThat(status(c1)).isEqualTo("active");
        assertThat(status(chunk(t, url, "upload", G, Arrays.copyOfRange(data, G, 2 * G)))).isEqualTo("active");
        HttpResponse<String> last = chunk(t, url, "upload, finalize", 2 * G,
                Arrays.copyOfRange(data, 2 * G, data.length));
        assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
        assertThat(status(last)).isEqualTo("final");

        JsonNode file = json(last).get("file");
        String id = file.get("name").asText().substring("files/".length());
        assertThat(file.get("name").asText()).matches("files/[a-z0-9]{12}");
        assertThat(file.get("displayName").asText()).isEqualTo("talk.mp3");
        assertThat(file.get("mimeType").asText()).isEqualTo("audio/mpeg");
        assertThat(file.get("sizeBytes").isTextual()).isTrue();
        assertThat(file.get("sizeBytes").asText()).isEqualTo(Integer.toString(data.length));
        assertThat(file.get("sha256Hash").asText()).isEqualTo(sha256(data));
        assertThat(file.get("uri").asText()).isEqualTo(t.fake.baseUrl() + "/v1beta/files/" + id);
        assertThat(file.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(file.get("source").asText()).isEqualTo("UPLOADED");
        Instant created = Instant.parse(file.get("createTime").asText());
        assertThat(Duration.between(created, Instant.parse(file.get("expirationTime").asText())))
                .isEqualTo(Duration.ofHours(48).multipliedBy(1).dividedBy(100)); // time scale 0.01
        assertThat(Instant.parse(file.get("updateTime").asText())).isAfterOrEqualTo(created);

        assertThat(json(t.get("/v1beta/files/" + id))).isEqualTo(file);
        assertThat(t.fake.files()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(id);
            assertThat(f.sizeBytes()).isEqualTo(data.length);
        });
        assertThat(t.fake.uploadsStarted()).isEqualTo(1);
        assertThat(t.fake.uploadsFinalized()).isEqualTo(1);
        assertThat(t.fake.uploadsResumed()).isZero();
        RecordedRequest first = t.fake.requests().stream().filter(r -> r.query() != null).findFirst().orElseThrow();
        assertThat(first.isUpload()).isTrue();
        assertThat(first.rawBody()).isEmpty();
        assertThat(first.bodySize()).isEqualTo(G);
    }

    @Test
    void queryAfterADroppedUploadThenResumeToFinal() throws Exception {
        byte[] data = bytes(3 * G, 2);
        String url = sessionUrl(t, "long.mp3", "audio/mpeg", data.length);
        t.fake.failNext(Fault.dropUploadAfter(G + 1000));

        assertThatThrownBy(() -> chunk(t, url, "upload", 0, Arrays.copyOfRange(data, 0, 2 * G)))
                .isInstanceOf(IOException.class);
        HttpResponse<String> q = query(t, url);
        assertThat(q.statusCode()).isEqualTo(200);
        assertThat(status(q)).isEqualTo("active");
        assertThat(received(q)).isEqualTo(Integer.toString(G + 1000));

        long offset = Long.parseLong(received(q));
        HttpResponse<String> last = chunk(t, url, "upload, finalize", offset,
                Arrays.copyOfRange(data, (int) offset, data.length));
        assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
        assertThat(status(last)).isEqualTo("final");
        assertThat(json(last).at("/file/sha256Hash").asText()).isEqualTo(sha256(data));
        assertThat(status(query(t, url))).isEqualTo("final");
        assertThat(t.fake.uploadsResumed()).isEqualTo(1);
        assertThat(t.fake.countStatus(0)).isEqualTo(1);
        assertThat(t.fake.requests().stream().filter(r -> r.status() == 0).findFirst().orElseThrow().bodySize())
                .isEqualTo(G + 1000);
    }

    @Test
    void uploadRequestsCanFailWithAStatus() throws Exception {
        t.fake.failNextUpload(Fault.status(503));
        assertError(startUpload(t, "a.mp3", "audio/mpeg", 10), 503, "UNAVAILABLE", "overloaded");
        String url = sessionUrl(t, "a.mp3", "audio/mpeg", 10);
        t.fake.failNextUpload(Fault.status(503));
        assertError(chunk(t, url, "upload, finalize", 0, new byte[10]), 503, "UNAVAILABLE", "overloaded");
        assertThat(received(query(t, url))).isEqualTo("0");
        assertThat(chunk(t, url, "upload, finalize", 0, new byte[10]).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> t.fake.failNextUpload(Fault.quotaPerDay()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void strictAboutHeadersOffsetsGranularityAndSizes() throws Exception {
        String base = t.fake.baseUrl() + UPLOAD;
        HttpRequest.Builder noProtocol = HttpRequest.newBuilder(URI.create(base)).header("x-goog-api-key", FakeGemini.KEY)
                .header("X-Goog-Upload-Command", "start").header("X-Goog-Upload-Header-Content-Length", "10")
                .header("X-Goog-Upload-Header-Content-Type", "audio/mpeg").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        assertError(t.send(noProtocol), 400, "INVALID_ARGUMENT", "X-Goog-Upload-Protocol");
        assertError(startUpload(t, "a", "audio/mpeg", 0), 400, "INVALID_ARGUMENT",
                "X-Goog-Upload-Header-Content-Length");
        assertError(startUpload(t, "a", "mp3", 10), 400, "INVALID_ARGUMENT", "X-Goog-Upload-Header-Content-Type");
        HttpRequest.Builder unknownField = HttpRequest.newBuilder(URI.create(base)).header("x-goog-api-key", FakeGemini.KEY)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", "10")
                .header("X-Goog-Upload-Header-Content-Type", "audio/mpeg").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"display\":\"x\"}}"));
        assertError(t.send(unknownField), 400, "INVALID_ARGUMENT", "Unknown name \"display\" at 'file'");
        HttpRequest.Builder noKey = HttpRequest.newBuilder(URI.create(base))
                .header("X-Goog-Upload-Protocol", "resumable").POST(HttpRequest.BodyPublishers.noBody());
        assertError(t.send(noKey), 403, "PERMISSION_DENIED", "unregistered callers");

        byte[] data = bytes(2 * G, 3);
        String url = sessionUrl(t, "s.mp3", "audio/mpeg", data.length);
        HttpResponse<String> badOffset = chunk(t, url, "upload", 5, Arrays.copyOfRange(data, 0, G));
        assertError(badOffset, 400, "INVALID_ARGUMENT", "does not match the number of bytes received so far: 0");
        assertThat(received(badOffset)).isEqualTo("0");
        assertError(chunk(t, url, "upload", 0, Arrays.copyOfRange(data, 0, 1000)), 400, "INVALID_ARGUMENT",
                "multiple of the chunk granularity 262144");
        assertError(chunk(t, url, "upload, finalize", 0, Arrays.copyOfRange(data, 0, G)), 400,
                "INVALID_ARGUMENT", "declared 524288");
        assertError(chunk(t, url, "upload, finalize", 0, bytes(2 * G + 1, 4)), 400, "INVALID_ARGUMENT",
                "exceeds the declared");
        assertError(chunk(t, url, "stream", 0, data), 400, "INVALID_ARGUMENT", "X-Goog-Upload-Command");
        assertThat(received(query(t, url))).isEqualTo("0");
        assertThat(chunk(t, url, "upload, finalize", 0, data).statusCode()).isEqualTo(200);
        assertError(chunk(t, url, "upload", 2 * G, new byte[G]), 400, "INVALID_ARGUMENT", "is final");
        assertError(chunk(t, base + "?upload_id=nosuchsession", "upload", 0, new byte[G]), 404, "NOT_FOUND",
                "upload session");
        assertThat(t.fake.files()).hasSize(1);
    }

    @Test
    void multipartUploadInOneShot() throws Exception {
        byte[] data = bytes(5000, 5);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--BOUND\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + "{\"file\":{\"displayName\":\"pic.png\"}}\r\n--BOUND\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(data);
        body.write("\r\n--BOUND--\r\n".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(t.fake.baseUrl() + UPLOAD))
                .header("x-goog-api-key", FakeGemini.KEY).header("X-Goog-Upload-Protocol", "multipart")
                .header("Content-Type", "multipart/related; boundary=BOUND")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode file = json(r).get("file");
        assertThat(file.get("displayName").asText()).isEqualTo("pic.png");
        assertThat(file.get("mimeType").asText()).isEqualTo("image/png");
        assertThat(file.get("sha256Hash").asText()).isEqualTo(sha256(data));
        assertThat(file.get("sizeBytes").asText()).isEqualTo("5000");
    }

    // ------------------------------------------------------------------ processing, list, delete, expiry

    @Test
    void processingTurnsActiveAfterPollsAndOnlyThenCanBeUsed() throws Exception {
        t.fake.processingPolls(2);
        JsonNode file = upload("talk.mp3", "audio/mpeg", new byte[100]);
        String id = file.get("name").asText().substring(6);
        assertThat(file.get("state").asText()).isEqualTo("PROCESSING");
        assertError(generateWith(file), 400, "FAILED_PRECONDITION",
                "The File " + id + " is not in an ACTIVE state and usage is not allowed.");
        assertThat(json(t.get("/v1beta/files/" + id)).get("state").asText()).isEqualTo("PROCESSING");
        assertThat(json(t.get("/v1beta/files/" + id)).get("state").asText()).isEqualTo("PROCESSING");
        assertThat(json(t.get("/v1beta/files/" + id)).get("state").asText()).isEqualTo("ACTIVE");
        assertThat(generateWith(file).statusCode()).isEqualTo(200);
    }

    @Test
    void processingTimeIsWallClock() throws Exception {
        t.fake.processingTime(Duration.ofMillis(300));
        JsonNode file = upload("v.mp4", "video/mp4", new byte[100]);
        assertThat(file.get("state").asText()).isEqualTo("PROCESSING");
        String path = "/v1beta/files/" + file.get("name").asText().substring(6);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> json(t.get(path)).get("state").asText().equals("ACTIVE"));
    }

    @Test
    void failedProcessing() throws Exception {
        t.fake.failProcessing(name -> name.startsWith("broken"));
        JsonNode file = upload("broken.mp4", "video/mp4", new byte[100]);
        assertThat(file.get("state").asText()).isEqualTo("FAILED");
        assertThat(file.at("/error/message").asText()).isNotEmpty();
        assertError(generateWith(file), 400, "FAILED_PRECONDITION", "is not in an ACTIVE state");
        assertThat(upload("fine.mp4", "video/mp4", new byte[100]).get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void listPagesAndDelete() throws Exception {
        assertThat(t.get("/v1beta/files").body().replaceAll("\\s", "")).isEqualTo("{}");
        JsonNode a = upload("a.txt", "text/plain", "a".getBytes());
        upload("b.txt", "text/plain", "b".getBytes());
        JsonNode c = upload("c.txt", "text/plain", "c".getBytes());

        JsonNode page1 = json(t.get("/v1beta/files?pageSize=2"));
        assertThat(page1.get("files")).hasSize(2);
        assertThat(page1.get("files").get(0).get("name")).isEqualTo(c.get("name")); // newest first
        JsonNode page2 = json(t.get("/v1beta/files?pageSize=2&pageToken=" + page1.get("nextPageToken").asText()));
        assertThat(page2.get("files")).hasSize(1);
        assertThat(page2.has("nextPageToken")).isFalse();
        assertError(t.get("/v1beta/files?pageSize=-1"), 400, "INVALID_ARGUMENT", "page_size");

        String id = a.get("name").asText().substring(6);
        HttpResponse<String> deleted = t.send(HttpRequest.newBuilder(URI.create(t.fake.baseUrl() + "/v1beta/files/" + id))
                .header("x-goog-api-key", FakeGemini.KEY).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).isEmpty()).isTrue();
        String denied = "You do not have permission to access the File " + id + " or it may not exist.";
        assertError(t.get("/v1beta/files/" + id), 403, "PERMISSION_DENIED", denied);
        assertError(generateWith(a), 403, "PERMISSION_DENIED", denied);
        assertError(t.get("/v1beta/files/nosuchfile"), 403, "PERMISSION_DENIED", "File nosuchfile");
        assertThat(t.fake.deletedFiles()).extracting(FakeFile::name).containsExactly("files/" + id);
        assertThat(t.fake.files()).hasSize(2);
        assertThat(json(t.get("/v1beta/files")).get("files")).hasSize(2);
    }

    @Test
    void filesExpireAfterScaledFortyEightHours() throws Exception {
        t.fake.close();
        t.fake = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(0.000005)); // 48 h = 0.864 s
        JsonNode file = upload("a.mp3", "audio/mpeg", new byte[10]);
        assertThat(generateWith(file).statusCode()).isEqualTo(200);
        Thread.sleep(Duration.between(Instant.now(), Instant.parse(file.get("expirationTime").asText()))
                .toMillis() + 50);
        assertError(generateWith(file), 403, "PERMISSION_DENIED", "You do not have permission to access the File");
        assertError(t.get("/v1beta/files/" + file.get("name").asText().substring(6)), 403, "PERMISSION_DENIED",
                "may not exist");
        assertThat(t.fake.files()).isEmpty();
    }

    // ------------------------------------------------------------------ generate with media

    @Test
    void fileDataMustBeAFileOfThisFakeWithMatchingMimeType() throws Exception {
        JsonNode file = upload("a.mp3", "audio/mpeg", new byte[10]);
        String uri = file.get("uri").asText();
        assertError(t.post(FakeGeminiTest.GENERATE, fileBody(uri, "audio/wav", "x")), 400, "INVALID_ARGUMENT",
                "does not match");
        assertError(t.post(FakeGeminiTest.GENERATE, fileBody("https://example.com/v1beta/files/abc", "audio/mpeg",
                "x")), 400, "INVALID_ARGUMENT", "file uri");
        assertError(t.post(FakeGeminiTest.GENERATE, fileBody(t.fake.baseUrl() + "/v1beta/files/zzz", "audio/mpeg",
                "x")), 403, "PERMISSION_DENIED", "File zzz");
        String realHost = uri.replace(t.fake.baseUrl(), "https://generativelanguage.googleapis.com");
        assertThat(t.post(FakeGeminiTest.GENERATE, fileBody(realHost, "audio/mpeg", "x")).statusCode())
                .isEqualTo(200);
        assertError(t.post(FakeGeminiTest.COUNT, fileBody(t.fake.baseUrl() + "/v1beta/files/zzz", "audio/mpeg",
                "x")), 403, "PERMISSION_DENIED", "File zzz");
    }

    @Test
    void inlineDataMustBeBase64AndTheBodyWithinTheLimit() throws Exception {
        String bad = "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/mpeg\",\"data\":\"@@@\"}}]}]}";
        assertError(t.post(FakeGeminiTest.GENERATE, bad), 400, "INVALID_ARGUMENT", "Base64 decoding failed");
        t.fake.requestSizeLimit(2000);
        String big = Base64.getEncoder().encodeToString(new byte[3000]);
        String body = "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/mpeg\",\"data\":\"" + big
                + "\"}}]}]}";
        assertError(t.post(FakeGeminiTest.GENERATE, body), 400, "INVALID_ARGUMENT",
                "Request payload size exceeds the limit: 2000 bytes.");
        assertThat(t.fake.requests().get(1).bodySize()).isEqualTo(body.length());
    }

    @Test
    void mediaTokensByDurationAndModality() throws Exception {
        byte[] clipBytes = bytes(50, 9);
        t.fake.mediaDuration("talk.mp3", Duration.ofSeconds(90))        // 90 × 32 = 2880
                .mediaDuration("clip.mp4", Duration.ofMillis(10_500))     // ceil(10.5 × 263) = 2762
                .mediaDuration(sha256(clipBytes), Duration.ofSeconds(2)); // inline audio: 64
        JsonNode audio = upload("talk.mp3", "audio/mpeg", new byte[100]);
        JsonNode video = upload("clip.mp4", "video/mp4", new byte[100]);
        assertThat(video.at("/videoMetadata/videoDuration").asText()).isEqualTo("10.5s");
        assertThat(audio.has("videoMetadata")).isFalse();
        JsonNode other = upload("other.mp3", "audio/mpeg", new byte[7]);

        String parts = "{\"text\":\"Transcribe all.\"},"
                + "{\"fileData\":{\"mimeType\":\"audio/mpeg\",\"fileUri\":\"" + audio.get("uri").asText() + "\"}},"
                + "{\"fileData\":{\"fileUri\":\"" + video.get("uri").asText() + "\"}},"
                + "{\"fileData\":{\"mimeType\":\"audio/mpeg\",\"fileUri\":\"" + other.get("uri").asText() + "\"}},"
                + "{\"inlineData\":{\"mimeType\":\"audio/wav\",\"data\":\""
                + Base64.getEncoder().encodeToString(clipBytes) + "\"}},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
                + "{\"inlineData\":{\"mimeType\":\"application/pdf\",\"data\":\"JVBERi0=\"}}";
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[" + parts + "]}]}";
        t.fake.imageTokens(1120);
        GenerateCall[] seen = new GenerateCall[1];
        t.fake.respondWith(call -> {
            seen[0] = call;
            return Answer.text("ok");
        });
        HttpResponse<String> r = t.post(FakeGeminiTest.GENERATE, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode usage = json(r).get("usageMetadata");
        int text = FakeGemini.countTokens("Transcribe all.");
        int total = text + 2880 + 258 + 64 + 2762 + 1120 + 258;
        assertThat(usage.get("promptTokenCount").asInt()).isEqualTo(total);
        assertThat(JSON.convertValue(usage.get("promptTokensDetails"), java.util.List.class))
                .containsExactlyInAnyOrder(
                        java.util.Map.of("modality", "TEXT", "tokenCount", text),
                        java.util.Map.of("modality", "AUDIO", "tokenCount", 2880 + 258 + 64),
                        java.util.Map.of("modality", "VIDEO", "tokenCount", 2762),
                        java.util.Map.of("modality", "IMAGE", "tokenCount", 1120),
                        java.util.Map.of("modality", "DOCUMENT", "tokenCount", 258));

        assertThat(seen[0].mediaParts()).hasSize(6);
        MediaPart first = seen[0].mediaParts().get(0);
        assertThat(first.fileName()).isEqualTo(audio.get("name").asText());
        assertThat(first.displayName()).isEqualTo("talk.mp3");
        assertThat(first.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(seen[0].mediaParts().get(1).mimeType()).isEqualTo("video/mp4");
        MediaPart inline = seen[0].mediaParts("AUDIO").get(2);
        assertThat(inline.isFile()).isFalse();
        assertThat(inline.sizeBytes()).isEqualTo(50);
        assertThat(inline.tokens()).isEqualTo(64);

        JsonNode counted = json(t.post(FakeGeminiTest.COUNT, body));
        assertThat(counted.get("totalTokens").asInt()).isEqualTo(total);

        t.fake.model("small", total - 1, 1000);
        assertError(t.post("/v1beta/models/small:generateContent", body), 400, "INVALID_ARGUMENT",
                "The input token count (" + total + ") exceeds the maximum number of tokens allowed");
    }

    /** A WAV file: 16 kHz mono 16-bit PCM of {@code millis} of silence. */
    static byte[] wav(long millis) {
        int data = (int) (millis * 16 * 2);
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(44 + data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        h.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16);
        h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        return h.array();
    }

    @Test
    void durationsFromContentChargeAudioByItsOwnHeaderInlineAndUploadedAlikeInGenerateAndCountTokens()
            throws Exception {
        t.fake.mediaDurationsFromContent().audioTokensPerSecond(40);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fake-flac");
        java.nio.file.Path flac = dir.resolve("a.flac");
        new io.geminidigest.media.Ffmpeg().run(java.util.List.of("-y", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=16000:duration=3.5", "-c:a", "flac", flac.toString()));
        byte[] flacBytes = java.nio.file.Files.readAllBytes(flac);
        JsonNode uploaded = upload("no registered duration", "audio/flac", flacBytes);
        String parts = "{\"text\":\"Transcribe.\"},"
                + "{\"fileData\":{\"mimeType\":\"audio/flac\",\"fileUri\":\"" + uploaded.get("uri").asText()
                + "\"}},{\"inlineData\":{\"mimeType\":\"audio/wav\",\"data\":\""
                + Base64.getEncoder().encodeToString(wav(2_000)) + "\"}}";
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[" + parts + "]}]}";
        t.fake.respondWith(call -> Answer.text("ok"));
        int expected = FakeGemini.countTokens("Transcribe.") + 3 * 40 + 20 /* 3.5 s */ + 2 * 40;
        HttpResponse<String> r = t.post(FakeGeminiTest.GENERATE, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(expected);
        JsonNode counted = json(t.post(FakeGeminiTest.COUNT, body));
        assertThat(counted.get("totalTokens").asInt()).isEqualTo(expected);
        assertThat(counted.toString()).contains("\"modality\":\"AUDIO\",\"tokenCount\":" + (140 + 80));

        // strict: audio whose header states no duration is refused, not charged a guess
        String noise = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Transcribe.\"},"
                + "{\"inlineData\":{\"mimeType\":\"audio/mpeg\",\"data\":\""
                + Base64.getEncoder().encodeToString(bytes(400, 3)) + "\"}}]}]}";
        assertError(t.post(FakeGeminiTest.COUNT, noise), 400, "INVALID_ARGUMENT", "states no duration");
        assertError(t.post(FakeGeminiTest.GENERATE, noise), 400, "INVALID_ARGUMENT", "states no duration");
        java.nio.file.Files.delete(flac);
        java.nio.file.Files.delete(dir);
    }

    // ------------------------------------------------------------------ transcription and response schemas

    static final String TRANSCRIPT_SCHEMA = "{\"type\":\"OBJECT\",\"properties\":{"
            + "\"file\":{\"type\":\"STRING\"},\"seconds\":{\"type\":\"NUMBER\"},"
            + "\"segments\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"OBJECT\",\"properties\":{"
            + "\"speaker\":{\"type\":\"STRING\",\"enum\":[\"A\",\"B\"]},\"text\":{\"type\":\"STRING\"}},"
            + "\"required\":[\"text\"]}}},\"required\":[\"file\",\"segments\"],"
            + "\"propertyOrdering\":[\"file\",\"seconds\",\"segments\"]}";

    static String schemaBody(String fileUri, String schema) {
        return "{\"contents\":[{\"parts\":[{\"text\":\"Transcribe.\"},{\"fileData\":{\"mimeType\":\"audio/mpeg\","
                + "\"fileUri\":\"" + fileUri + "\"}}]}],\"generationConfig\":{\"responseMimeType\":"
                + "\"application/json\",\"responseSchema\":" + schema + "}}";
    }

    @Test
    void transcriptionResponderSeesTheAudioItGot() throws Exception {
        t.fake.mediaDuration("meeting.mp3", Duration.ofSeconds(12)).strictJsonAnswers(true);
        String uri = upload("meeting.mp3", "audio/mpeg", new byte[100]).get("uri").asText();
        t.fake.respondWith(call -> {
            MediaPart audio = call.mediaParts("AUDIO").get(0);
            assertThat(call.responseSchema().at("/properties/segments/type").asText()).isEqualTo("ARRAY");
            return Answer.text("{\"file\":" + quote(audio.displayName()) + ",\"seconds\":"
                    + audio.duration().toSeconds() + ",\"segments\":[{\"speaker\":\"A\",\"text\":\"hi\"}]}");
        });
        HttpResponse<String> r = t.post(FakeGeminiTest.GENERATE, schemaBody(uri, TRANSCRIPT_SCHEMA));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode transcript = JSON.readTree(json(r).at("/candidates/0/content/parts/0/text").asText());
        assertThat(transcript.get("file").asText()).isEqualTo("meeting.mp3");
        assertThat(transcript.get("seconds").asInt()).isEqualTo(12);
        assertThat(json(r).at("/usageMetadata/promptTokenCount").asInt())
                .isEqualTo(FakeGemini.countTokens("Transcribe.") + 12 * 32);

        t.fake.respondWith(call -> Answer.text("not json"));
        assertError(t.post(FakeGeminiTest.GENERATE, schemaBody(uri, TRANSCRIPT_SCHEMA)), 500, "INTERNAL",
                "invalid JSON");
    }

    @Test
    void responseSchemaShapeIsValidated() throws Exception {
        String uri = upload("m.mp3", "audio/mpeg", new byte[10]).get("uri").asText();
        String[][] cases = {
                {"{\"type\":\"OBJECT\",\"properties\":{\"a\":{\"type\":\"STRING\"}},\"additionalProperties\":false}",
                        "Unknown name \"additionalProperties\" at 'generation_config.response_schema'"},
                {"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"STRING\"}}}", "response_schema.type"},
                {"{\"type\":\"OBJECT\",\"properties\":{\"a\":{\"type\":\"ARRAY\"}}}", "properties[a].items: missing field"},
                {"{\"type\":\"OBJECT\",\"properties\":{\"a\":{\"type\":\"STRING\"}},\"required\":[\"b\"]}",
                        "property \"b\" is not defined"},
                {"{\"type\":\"INTEGER\",\"enum\":[\"1\"]}", "only allowed for STRING type"},
                {"{\"type\":\"OBJECT\"}", "should be non-empty for OBJECT type"},
                {"{\"properties\":{}}", "response_schema.type: must be specified"},
                {"{\"type\":\"STRING\",\"$ref\":\"#/x\"}", "Unknown name \"$ref\""},
        };
        for (String[] c : cases) {
            assertError(t.post(FakeGeminiTest.GENERATE, schemaBody(uri, c[0])), 400, "INVALID_ARGUMENT", c[1]);
        }
        assertThat(t.post(FakeGeminiTest.GENERATE, schemaBody(uri, TRANSCRIPT_SCHEMA)).statusCode()).isEqualTo(200);
    }
}

package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.testing.FakeGemini;

/**
 * The HTTP jobs API of the real application in long-running mode, on a free port, against the fake Gemini server.
 */
class HttpJobsApiTest {

    static FakeGemini fake;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path root;

    DigestRun run;
    int port;

    @BeforeAll
    static void startFake() {
        fake = FakeGemini.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @AfterEach
    void stop() throws Exception {
        if (run != null) {
            run.stop();
        }
        fake.reset();
    }

    private DigestRun app(Path dir) throws IOException {
        port = freePort();
        return new DigestRun(dir).against(fake).set("http.enabled", "true").set("http.port", Integer.toString(port));
    }

    private DigestRun started(DigestRun r) {
        run = r.startWatching();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> send(get("/health/ready")).statusCode() == 200);
        return run;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
    }

    HttpRequest get(String path) {
        return req(path).GET().build();
    }

    static HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return DigestRun.JSON.readTree(r.body());
    }

    static byte[] sample(String name) throws IOException {
        try (InputStream s = HttpJobsApiTest.class.getResourceAsStream("/samples/" + name)) {
            return s.readAllBytes();
        }
    }

    HttpResponse<String> postRaw(String query, byte[] body) throws Exception {
        return send(req("/api/v1/jobs" + query).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> postMultipart(String fileName, byte[] content) throws Exception {
        String boundary = "----digest" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return send(req("/api/v1/jobs").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    JsonNode awaitStatus(String id, String status) {
        return await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(
                () -> json(send(get("/api/v1/jobs/" + id))), j -> j.path("status").asText().equals(status));
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rawAndMultipartUploadsRunToDoneWithResultAsMarkdownAndJson() throws Exception {
        started(app(root));
        HttpResponse<String> raw = postRaw("?name=alice.txt&language=English", sample("alice.txt"));
        assertThat(raw.statusCode()).isEqualTo(202);
        String id = json(raw).path("id").asText();
        assertThat(raw.headers().firstValue("Location")).contains("/api/v1/jobs/" + id);
        assertThat(json(raw).path("options").path("language").asText()).isEqualTo("English");

        HttpResponse<String> multipart = postMultipart("french.txt", sample("french.utf8.txt"));
        assertThat(multipart.statusCode()).isEqualTo(202);
        String id2 = json(multipart).path("id").asText();
        assertThat(json(multipart).path("name").asText()).endsWith("/french.txt");

        JsonNode done = awaitStatus(id, "DONE");
        assertThat(done.path("tokens").path("in").asLong()).isPositive();
        assertThat(done.path("costUsd").asDouble()).isPositive();
        assertThat(done.path("progress").path("total").asInt()).isPositive()
                .isEqualTo(done.path("progress").path("done").asInt());
        awaitStatus(id2, "DONE");

        HttpResponse<String> md = send(req("/api/v1/jobs/" + id + "/result").header("Accept", "text/markdown")
                .GET().build());
        assertThat(md.statusCode()).isEqualTo(200);
        assertThat(md.headers().firstValue("Content-Type").orElse("")).startsWith("text/markdown");
        assertThat(md.body()).isNotBlank();
        HttpResponse<String> sidecar = send(req("/api/v1/jobs/" + id2 + "/result")
                .header("Accept", "application/json").GET().build());
        assertThat(sidecar.statusCode()).isEqualTo(200);
        assertThat(json(sidecar).path("status").asText()).isEqualTo("ok");
        // the spool is emptied once a job is done
        awaitStatus(id2, "DONE");
        assertThat(run.out.resolve(".gemini-digest/spool").toFile().list()).isEmpty();

        // listing, filters, paging
        JsonNode list = json(send(get("/api/v1/jobs?status=done&source=http&size=1")));
        assertThat(list.path("total").asLong()).isEqualTo(2);
        assertThat(list.path("jobs")).hasSize(1);
        assertThat(send(get("/api/v1/jobs?status=nonsense")).statusCode()).isEqualTo(400);
    }

    @Test
    void theSameContentTwiceIsOneJobAndWaitReturnsTheResult() throws Exception {
        started(app(root));
        byte[] doc = text("A short note about the weather. It rained all day, then the sun came out.\n");
        HttpResponse<String> first = postRaw("?name=note.txt&wait=30", doc);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/markdown");
        assertThat(first.body()).isNotBlank();
        String id = first.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> again = postRaw("?name=other-name.txt", doc);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("duplicate").asBoolean()).isTrue();
        assertThat("/api/v1/jobs/" + json(again).path("id").asText()).isEqualTo(id);
        assertThat(fake.count(":generateContent")).isEqualTo(1);
        assertThat(json(send(get("/api/v1/jobs?source=http"))).path("total").asLong()).isEqualTo(1);
    }

    /** Answers name the language the system instruction asks for: runs in two languages give two results. */
    static io.geminidigest.testing.Answer answerInItsLanguage(io.geminidigest.testing.GenerateCall call) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("You write in ([^.]+)\\.")
                .matcher(String.valueOf(call.systemInstruction()));
        return io.geminidigest.testing.Answer.text("Summary in " + (m.find() ? m.group(1) : "no language") + ": "
                + FakeGemini.defaultAnswer(call).text());
    }

    @Test
    void theSameContentWithOtherOptionsIsAnotherJobWithItsOwnRunAndResult() throws Exception {
        fake.respondWith(HttpJobsApiTest::answerInItsLanguage);
        try {
            started(app(root));
            byte[] doc = text("The orchard gave apples in autumn and pears in winter.\n");
            HttpResponse<String> first = postRaw("?name=orchard.txt&language=English", doc);
            assertThat(first.statusCode()).isEqualTo(202);
            String english = json(first).path("id").asText();
            // the same effective options: the language in another case, the configured model named: the same job
            HttpResponse<String> same = postRaw("?name=orchard-copy.txt&language=english&model="
                    + FakeGemini.DEFAULT_MODEL, doc);
            assertThat(same.statusCode()).isEqualTo(200);
            assertThat(json(same).path("duplicate").asBoolean()).isTrue();
            assertThat(json(same).path("id").asText()).isEqualTo(english);
            // another format changes how the result is returned, not the result: the same job, waited for, and
            // answered in this request's format
            HttpResponse<String> asJson = postRaw("?name=orchard-json.txt&language=English&format=json&wait=60", doc);
            assertThat(asJson.statusCode()).isEqualTo(200);
            assertThat(asJson.headers().firstValue("Location")).contains("/api/v1/jobs/" + english);
            assertThat(asJson.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(json(asJson).path("status").asText()).isEqualTo("ok");
            // another language: a job of its own
            HttpResponse<String> second = postRaw("?name=orchard.txt&language=French", doc);
            assertThat(second.statusCode()).isEqualTo(202);
            assertThat(json(second).path("duplicate").asBoolean()).isFalse();
            String french = json(second).path("id").asText();
            assertThat(french).isNotEqualTo(english);
            JsonNode englishJob = awaitStatus(english, "DONE");
            JsonNode frenchJob = awaitStatus(french, "DONE");
            assertThat(frenchJob.path("sha256").asText()).isEqualTo(englishJob.path("sha256").asText());
            assertThat(frenchJob.path("tokens").path("in").asLong()).isPositive();

            // two runs, each with its own language in the prompt
            var runs = generatesWith("The orchard gave");
            assertThat(runs).hasSize(2);
            assertThat(runs.stream().map(HttpJobsApiTest::systemText).toList())
                    .anySatisfy(t -> assertThat(t).contains("You write in English."))
                    .anySatisfy(t -> assertThat(t).contains("You write in French."));
            // both results retrievable, each its own (neither a "duplicate" of the other), in their own files
            String englishSummary = send(get("/api/v1/jobs/" + english + "/result")).body();
            String frenchSummary = send(get("/api/v1/jobs/" + french + "/result")).body();
            assertThat(englishSummary).contains("Summary in English:").doesNotContain("French");
            assertThat(frenchSummary).contains("Summary in French:").doesNotContain("English");
            for (String id : new String[] {english, french}) {
                JsonNode sidecar = json(send(req("/api/v1/jobs/" + id + "/result")
                        .header("Accept", "application/json").GET().build()));
                assertThat(sidecar.path("status").asText()).isEqualTo("ok");
            }
            assertThat(Files.readString(run.out.resolve(englishJob.path("name").asText() + ".summary.md")))
                    .isEqualTo(englishSummary);
            assertThat(Files.readString(run.out.resolve(frenchJob.path("name").asText() + ".summary.md")))
                    .isEqualTo(frenchSummary);

            // the same content in French again, asked for by its code: the French job, nothing sent again
            HttpResponse<String> frenchAgain = postRaw("?name=orchard-fr.txt&language=fr", doc);
            assertThat(frenchAgain.statusCode()).isEqualTo(200);
            assertThat(json(frenchAgain).path("id").asText()).isEqualTo(french);
            assertThat(fake.count(":generateContent")).isEqualTo(2);
            assertThat(json(send(get("/api/v1/jobs?source=http"))).path("total").asLong()).isEqualTo(2);
        } finally {
            fake.respondWith(FakeGemini::defaultAnswer);
        }
    }

    @Test
    void acceptedJobsStartWithoutWaitingForTheDispatchersTimer() throws Exception {
        // the timer would look once an hour: every job below is started by a wake-up (accepted, or a slot freed)
        started(app(root).set("jobs.poll-ms", "3600000").set("ingest.concurrency", "1"));
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> posted = postRaw("?name=wake-" + i + ".txt",
                    text("Note number " + i + " about waking the dispatcher.\n"));
            assertThat(posted.statusCode()).isEqualTo(202);
            ids.add(json(posted).path("id").asText());
        }
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(json(send(get("/api/v1/jobs/" + id))).path("status").asText()).isEqualTo("DONE"));
        }
    }

    @Test
    void aQueuedJobCanBeCancelledAndProblemDetailsTellWhatIsWrong() throws Exception {
        started(app(root).set("http.max-body-bytes", "1000").set("jobs.max-queued", "1"));
        run.camel().getRouteController().stopRoute("jobs-dispatcher");
        HttpResponse<String> posted = postRaw("?name=wait.txt", text("waiting for the dispatcher"));
        String id = json(posted).path("id").asText();
        assertThat(json(posted).path("status").asText()).isEqualTo("QUEUED");
        // the local backlog (jobs.max-queued = 1) is full
        HttpResponse<String> full = postRaw("?name=more.txt", text("one too many"));
        assertThat(full.statusCode()).isEqualTo(429);
        assertThat(full.headers().firstValue("Retry-After")).isPresent();
        assertThat(full.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(full).path("type").asText()).isEqualTo("/problems/queue-full");
        assertThat(json(full).path("detail").asText()).contains("queue is full");

        HttpResponse<String> notYet = send(get("/api/v1/jobs/" + id + "/result"));
        assertThat(notYet.statusCode()).isEqualTo(409);
        assertThat(notYet.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(notYet).path("status").asInt()).isEqualTo(409);
        assertThat(json(notYet).path("title").asText()).isEqualTo("Conflict");

        HttpResponse<String> cancelled = send(req("/api/v1/jobs/" + id).DELETE().build());
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(json(cancelled).path("status").asText()).isEqualTo("CANCELLED");
        HttpResponse<String> twice = send(req("/api/v1/jobs/" + id).DELETE().build());
        assertThat(twice.statusCode()).isEqualTo(409);

        HttpResponse<String> missing = send(get("/api/v1/jobs/no-such-job"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("type").asText()).isNotBlank();
        assertThat(json(missing).path("detail").asText()).contains("no-such-job");

        HttpResponse<String> tooLarge = postRaw("?name=big.txt", new byte[2000]);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).path("status").asInt()).isEqualTo(413);
        assertThat(postRaw("?name=empty.txt", new byte[0]).statusCode()).isEqualTo(400);
        assertThat(postRaw("?name=..", text("x")).statusCode()).isEqualTo(400);
        assertThat(fake.count(":generateContent")).isZero();
        // refused requests leave nothing in the spool
        assertThat(run.out.resolve(".gemini-digest/spool").toFile().list()).isEmpty();
    }

    @Test
    void bearerTokensAreRequiredOffLoopbackAndTheServerRefusesToStartWithoutThem() throws Exception {
        started(app(root).set("http.host", "0.0.0.0").set("http.tokens", "first-token, second-token"));
        HttpResponse<String> none = send(get("/api/v1/jobs"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(json(none).path("status").asInt()).isEqualTo(401);
        assertThat(send(req("/api/v1/jobs").header("Authorization", "Bearer wrong").GET().build()).statusCode())
                .isEqualTo(403);
        HttpResponse<String> ok = send(req("/api/v1/jobs").header("Authorization", "Bearer second-token")
                .GET().build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Authorization")).isEmpty();
        run.stop();
        run = null;

        DigestRun open = app(root.resolve("open")).set("http.host", "0.0.0.0");
        open.startWatching();
        await().atMost(Duration.ofSeconds(60)).until(() -> open.running().isDone());
        assertThat(open.running()).isCompletedExceptionally();
        assertThat(open.running().handle((v, e) -> rootCause(e).getMessage()).get())
                .contains("refusing to start").contains("HTTP_TOKENS");
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRestRoutes() throws Exception {
        started(app(root));
        JsonNode doc = json(send(get("/api/v1/openapi.json")));
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(method -> {
                if (!method.equals("parameters")) {
                    documented.add(method.toUpperCase() + " " + p.getKey());
                }
            });
        }
        Set<String> routed = new HashSet<>();
        for (RestDefinition rest : ((ModelCamelContext) run.camel()).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = (rest.getPath() + "/" + verb.getPath()).replaceAll("/+", "/");
                routed.add(verb.asVerb().toUpperCase() + " " + path);
            }
        }
        assertThat(documented).isEqualTo(routed);
    }

    @Test
    void healthAndMetricsAfterAKnownRun() throws Exception {
        started(app(root));
        HttpResponse<String> live = send(get("/health/live"));
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> posted = postRaw("?name=metrics.txt&wait=30", text("Counting calls: one document.\n"));
        assertThat(posted.statusCode()).isEqualTo(200);
        JsonNode ready = json(send(get("/health/ready")));
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        assertThat(ready.path("preflight").path("passed").asBoolean()).isTrue();
        assertThat(ready.path("parking").path("parked").asBoolean()).isFalse();
        assertThat(ready.path("store").path("reachable").asBoolean()).isTrue();

        String metrics = send(get("/metrics")).body();
        int generates = fake.count(":generateContent");
        assertThat(generates).isEqualTo(1);
        assertThat(sum(metrics, "gemini_calls_total", "kind=\"GENERATE\"")).isEqualTo(generates);
        assertThat(metrics).contains("gemini_tokens_total").contains("jobs_queue_depth")
                .contains("jobs_latency_seconds").contains("jobs_cost_usd_total");
        assertThat(sum(metrics, "jobs{", "status=\"done\"")).isEqualTo(1);
    }

    /** The sum of the samples of a metric whose labels contain {@code label}. */
    static double sum(String metrics, String name, String label) {
        return metrics.lines().filter(l -> l.startsWith(name) && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aJobAcceptedBeforeACrashCompletesExactlyOnceAfterTheRestart() throws Exception {
        started(app(root));
        run.camel().getRouteController().stopRoute("jobs-dispatcher");
        HttpResponse<String> posted = postRaw("?name=restart.txt", text("Accepted, then the process stopped.\n"));
        assertThat(posted.statusCode()).isEqualTo(202);
        String id = json(posted).path("id").asText();
        run.stop();
        run = null;
        assertThat(fake.count(":generateContent")).isZero();

        started(app(root));
        JsonNode done = awaitStatus(id, "DONE");
        assertThat(done.path("status").asText()).isEqualTo("DONE");
        assertThat(fake.count(":generateContent")).isEqualTo(1);
        assertThat(json(send(get("/api/v1/jobs?source=http"))).path("total").asLong()).isEqualTo(1);
        assertThat(Files.exists(run.output("http/" + id + "/restart.txt.summary.md"))).isTrue();
    }

    // ---- per-job options -----------------------------------------------------------------------------------------

    /** The generate calls the fake answered for a job's input (its name is in the prompt's label-free text). */
    static java.util.List<io.geminidigest.testing.RecordedRequest> generatesWith(String textPart) {
        return fake.requests().stream().filter(r -> r.isGenerate() && r.userText() != null
                && r.userText().contains(textPart)).toList();
    }

    static String systemText(io.geminidigest.testing.RecordedRequest r) {
        return r.body().path("systemInstruction").path("parts").path(0).path("text").asText();
    }

    @Test
    void chunksOfAJobWithItsOwnModelAreCountedByThatModel() throws Exception {
        fake.model("gemini-small", 16_000, 65_536);
        started(app(root));
        String moby = new String(getClass().getResourceAsStream("/samples/moby-dick.txt").readAllBytes(),
                StandardCharsets.UTF_8);
        HttpResponse<String> posted = postRaw("?name=whale.txt&model=gemini-small", text(moby.substring(0, 80_000)));
        assertThat(posted.statusCode()).isEqualTo(202);
        awaitStatus(json(posted).path("id").asText(), "DONE");
        var counted = fake.requests().stream().filter(r -> r.path().endsWith(":countTokens")).toList();
        // chunks filled close to the budget of gemini-small's 16,000 input tokens are confirmed before they are sent
        assertThat(counted).isNotEmpty().allSatisfy(r -> assertThat(r.path())
                .isEqualTo("/v1beta/models/gemini-small:countTokens"));
        assertThat(fake.requests().stream().filter(r -> r.isGenerate()).toList()).hasSizeGreaterThan(1)
                .allSatisfy(r -> assertThat(r.model()).isEqualTo("gemini-small"));
    }

    @Test
    void modelLanguagePromptTemplateAndFormatOfAJobChangeWhatIsSentAndWhatComesBack() throws Exception {
        fake.model("gemini-2.5-flash", 1_048_576, 65_536);
        started(app(root));
        HttpResponse<String> chosen = postRaw("?name=ships.txt&model=gemini-2.5-flash&language=French"
                + "&prompt=bullets&format=json", text("Ships sailed from the harbour at dawn; three came back.\n"));
        assertThat(chosen.statusCode()).isEqualTo(202);
        JsonNode options = json(chosen).path("options");
        assertThat(options.path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(options.path("prompt").asText()).isEqualTo("bullets");
        String id = json(chosen).path("id").asText();
        // the same kind of document without options: as configured
        HttpResponse<String> plain = postRaw("?name=trains.txt", text("Trains left the station at noon; two were late.\n"));
        String plainId = json(plain).path("id").asText();
        awaitStatus(id, "DONE");
        awaitStatus(plainId, "DONE");

        var asked = generatesWith("Ships sailed");
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(asked.get(0).model()).isEqualTo("gemini-2.5-flash");
        assertThat(systemText(asked.get(0))).contains("You write in French.");
        assertThat(asked.get(0).userText()).contains("list of key points").doesNotContain("--- DOCUMENT ---");
        var configured = generatesWith("Trains left");
        assertThat(configured).hasSize(1);
        assertThat(configured.get(0).model()).isEqualTo(FakeGemini.DEFAULT_MODEL);
        assertThat(systemText(configured.get(0))).doesNotContain("French");
        assertThat(configured.get(0).userText()).contains("--- DOCUMENT ---").doesNotContain("list of key points");

        // format=json: the result without an Accept preference is the sidecar, which names the model used
        HttpResponse<String> result = send(get("/api/v1/jobs/" + id + "/result"));
        assertThat(result.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(json(result).path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(json(result).path("calls").path(0).path("model").asText()).isEqualTo("gemini-2.5-flash");
        // ... and Accept still wins
        assertThat(send(req("/api/v1/jobs/" + id + "/result").header("Accept", "text/markdown").GET().build())
                .headers().firstValue("Content-Type").orElse("")).startsWith("text/markdown");
        assertThat(send(get("/api/v1/jobs/" + plainId + "/result")).headers().firstValue("Content-Type")
                .orElse("")).startsWith("text/markdown");
    }

    @Test
    void aJobsModelWithASmallerInputWindowGetsItsDocumentCutToFitIt() throws Exception {
        fake.model("gemini-small-window", 20_000, 8_192);
        started(app(root));
        HttpResponse<String> posted = postRaw("?name=alice.txt&model=gemini-small-window&format=json",
                sample("alice.txt"));
        String id = json(posted).path("id").asText();
        awaitStatus(id, "DONE");
        // its limits were asked for once, and every request fits its window (map-reduce, all on that model)
        assertThat(fake.count("/v1beta/models/gemini-small-window")).isEqualTo(1);
        var calls = fake.requests().stream().filter(r -> r.isGenerate()).toList();
        assertThat(calls.size()).isGreaterThanOrEqualTo(3);
        assertThat(calls).allSatisfy(r -> {
            assertThat(r.model()).isEqualTo("gemini-small-window");
            assertThat(r.promptTokens()).isLessThanOrEqualTo(20_000 - 8_192);
        });
        JsonNode sidecar = json(send(get("/api/v1/jobs/" + id + "/result")));
        assertThat(sidecar.path("chunking").path("budgetTokens").asInt()).isLessThan(20_000 - 8_192);
        assertThat(sidecar.path("chunking").path("chunkCount").asInt()).isGreaterThan(1);
    }

    @Test
    void anUnknownModelFailsItsJobWithTheReasonAndTheServerKeepsWorking() throws Exception {
        started(app(root));
        HttpResponse<String> posted = postRaw("?name=nope.txt&model=gemini-0-nope", text("Asked of a model that "
                + "does not exist.\n"));
        assertThat(posted.statusCode()).isEqualTo(202);
        JsonNode failed = awaitStatus(json(posted).path("id").asText(), "FAILED");
        assertThat(failed.path("error").path("outcome").asText()).isEqualTo("model-not-found");
        assertThat(failed.path("error").path("message").asText()).contains("gemini-0-nope");
        assertThat(failed.path("error").path("advice").asText()).contains("GET /v1beta/models");
        HttpResponse<String> result = send(get("/api/v1/jobs/" + json(posted).path("id").asText() + "/result"));
        assertThat(result.statusCode()).isEqualTo(409);
        assertThat(json(result).path("detail").asText()).contains("gemini-0-nope");
        // found out by asking for the model (GET /v1beta/models/...), before anything was sent to be generated
        assertThat(fake.count("/v1beta/models/gemini-0-nope")).isEqualTo(1);
        assertThat(fake.count(":generateContent")).isZero();

        // not a configuration error: the next job runs, and the server is still ready
        HttpResponse<String> next = postRaw("?name=fine.txt&wait=60", text("A job on the configured model.\n"));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(send(get("/health/ready")).statusCode()).isEqualTo(200);
        assertThat(run.running()).isNotDone();
    }

    @Test
    void optionsThatAreNotOfferedAreRefusedAtSubmission() throws Exception {
        started(app(root));
        for (String query : new String[] {"?name=a.txt&prompt=no-such-template", "?name=a.txt&format=pdf",
                "?name=a.txt&task=translate", "?name=a.txt&model=../../files", "?name=a.txt&language=Ignore%3B+all"}) {
            HttpResponse<String> refused = postRaw(query, text("Options first.\n"));
            assertThat(refused.statusCode()).as(query).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(json(refused).path("status").asInt()).isEqualTo(400);
        }
        assertThat(json(postRaw("?name=a.txt&prompt=nope", text("x"))).path("detail").asText())
                .contains("unknown prompt template 'nope'").contains("bullets").contains("brief");
        assertThat(json(send(get("/api/v1/jobs"))).path("total").asLong()).isZero();
        String[] spooled = run.out.resolve(".gemini-digest/spool").toFile().list();
        assertThat(spooled == null ? new String[0] : spooled).isEmpty();
        assertThat(fake.count(":generateContent")).isZero();
    }

    @Test
    void taskTranscribeTakesOnlyAudioOrVideo() throws Exception {
        started(app(root));
        HttpResponse<String> posted = postRaw("?name=words.txt&task=transcribe", text("Only words, no sound.\n"));
        assertThat(posted.statusCode()).isEqualTo(202);
        JsonNode failed = awaitStatus(json(posted).path("id").asText(), "FAILED");
        assertThat(failed.path("error").path("outcome").asText()).isEqualTo("invalid-options");
        assertThat(failed.path("error").path("message").asText()).contains("task 'transcribe'").contains("text/plain");
        assertThat(fake.count(":generateContent")).isZero();
    }

    @Test
    void recordingsAndPicturesUseTheJobsModelAndItsLanguageForWhatIsWritten() throws Exception {
        fake.model("gemini-2.5-flash", 1_048_576, 65_536);
        fake.respondWith(TranscriptionTest::driftingTranscript);
        try {
            started(app(root));
            byte[] talk = Files.readAllBytes(TranscriptionTest.recording(root, "talk.mp3", "-c:a", "libmp3lame",
                    "-b:a", "48k"));
            HttpResponse<String> audio = send(req("/api/v1/jobs?name=talk.mp3&task=transcribe&model=gemini-2.5-flash"
                    + "&language=Deutsch&prompt=brief").header("Content-Type", "audio/mpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(talk)).build());
            assertThat(audio.statusCode()).isEqualTo(202);
            awaitStatus(json(audio).path("id").asText(), "DONE");
            var transcribed = fake.requests().stream().filter(r -> r.isGenerate()
                    && r.userText().contains("Transcribe")).toList();
            assertThat(transcribed).isNotEmpty().allSatisfy(r -> {
                assertThat(r.model()).isEqualTo("gemini-2.5-flash");
                // the transcript stays in the spoken language
                assertThat(r.userText()).doesNotContain("German").contains("do not translate");
            });
            JsonNode talkSidecar = json(send(req("/api/v1/jobs/" + json(audio).path("id").asText() + "/result")
                    .header("Accept", "application/json").GET().build()));
            assertThat(talkSidecar.path("model").asText()).isEqualTo("gemini-2.5-flash");
            var summary = generatesWith("Alice was beginning");
            assertThat(summary).hasSize(1);
            assertThat(summary.get(0).model()).isEqualTo("gemini-2.5-flash");
            // asked for by its own name, the language is named in English
            assertThat(systemText(summary.get(0))).contains("You write in German.");
            assertThat(summary.get(0).userText()).contains("a reader with two minutes");

            HttpResponse<String> picture = send(req("/api/v1/jobs?name=photo.png&model=gemini-2.5-flash"
                    + "&language=Deutsch").header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(sample("media/text-photo.png"))).build());
            awaitStatus(json(picture).path("id").asText(), "DONE");
            var described = fake.requests().stream().filter(r -> r.isGenerate()
                    && r.userText().contains("Describe this picture")).toList();
            assertThat(described).hasSize(1);
            assertThat(described.get(0).model()).isEqualTo("gemini-2.5-flash");
            assertThat(described.get(0).userText()).contains("in German").contains("without translating");

            // a picture is not a recording
            HttpResponse<String> notAudio = send(req("/api/v1/jobs?name=photo2.jpg&task=transcribe")
                    .header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(sample("media/text-photo.jpg"))).build());
            JsonNode failed = awaitStatus(json(notAudio).path("id").asText(), "FAILED");
            assertThat(failed.path("error").path("message").asText()).contains("image/jpeg");
        } finally {
            fake.respondWith(FakeGemini::defaultAnswer);
        }
    }

    // ---- what the server refuses before a route --------------------------------------------------------------------

    @Test
    void aFormEncodedBodyGets415WithWhatToSendInstead() throws Exception {
        started(app(root));
        // what curl --data-binary @file sends without -H Content-Type
        HttpResponse<String> form = send(req("/api/v1/jobs?name=report.pdf")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sample("alice.pdf"))).build());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(form).path("type").asText()).isEqualTo("/problems/unsupported-media-type");
        assertThat(json(form).path("detail").asText()).contains("application/octet-stream").contains("-F file=@");
        assertThat(json(send(get("/api/v1/jobs"))).path("total").asLong()).isZero();
        // the same bytes with a content type are a job
        HttpResponse<String> typed = send(req("/api/v1/jobs?name=report.pdf")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sample("alice.pdf"))).build());
        assertThat(typed.statusCode()).isEqualTo(202);
    }

    @Test
    void aBodyOverTheServersOwnLimitGets413ProblemDetailsWithTheLimit() throws Exception {
        started(app(root).set("http.max-body-bytes", "1000").set("camel.server.max-body-size", "4096"));
        // over http.max-body-bytes, under the server's limit: the API's own check
        HttpResponse<String> api = postRaw("?name=big.txt", new byte[2000]);
        assertThat(api.statusCode()).isEqualTo(413);
        assertThat(json(api).path("detail").asText()).contains("1000");
        // over the server's limit: refused by the server before any route, as problem details too
        for (byte[] body : new byte[][] {new byte[10_000], new byte[300_000]}) {
            HttpResponse<String> server = postRaw("?name=bigger.txt", body);
            assertThat(server.statusCode()).isEqualTo(413);
            assertThat(server.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(json(server).path("status").asInt()).isEqualTo(413);
            assertThat(json(server).path("detail").asText()).contains("1000").contains("4096");
        }
        assertThat(json(send(get("/api/v1/jobs"))).path("total").asLong()).isZero();
    }

    @Test
    void whileParkedOnTheDailyQuotaSubmissionsGet503WithRetryAfter() throws Exception {
        fake.failNext(io.geminidigest.testing.Fault.quotaPerDay());
        started(app(root).set("camel.main.shutdown-timeout", "5"));
        HttpResponse<String> first = postRaw("?name=first.txt", text("The first job meets the daily quota.\n"));
        assertThat(first.statusCode()).isEqualTo(202);
        String id = json(first).path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> send(get("/health/ready")).statusCode() == 503);
        JsonNode ready = json(send(get("/health/ready")));
        assertThat(ready.path("parking").path("parked").asBoolean()).isTrue();

        HttpResponse<String> parked = postRaw("?name=second.txt", text("Sent while parked.\n"));
        assertThat(parked.statusCode()).isEqualTo(503);
        assertThat(parked.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(parked).path("type").asText()).isEqualTo("/problems/unavailable");
        assertThat(json(parked).path("detail").asText()).contains("parked until");
        long retryAfter = Long.parseLong(parked.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isPositive();
        // the accepted job waits (not failed), and nothing more was sent
        assertThat(json(send(get("/api/v1/jobs/" + id))).path("status").asText()).isIn("PARKED", "RUNNING");
        assertThat(json(send(get("/api/v1/jobs"))).path("total").asLong()).isEqualTo(1);
        assertThat(fake.count(":generateContent")).isEqualTo(1);
    }
}

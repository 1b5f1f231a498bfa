package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.job.JobRecord;
import io.geminidigest.job.JobReply;
import io.geminidigest.job.JobStore;
import io.geminidigest.testing.Answer;
import io.geminidigest.testing.FakeGemini;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Request → reply round trips through the whole application (Camel Main with the real route files, in long-running
 * mode, against {@link FakeGemini}) on one kind of message endpoint; a subclass per kind says how to send a request
 * and how to read a reply. Each class starts the application (and what its kind needs) once:
 * <ul>
 * <li>a raw document with a reply destination and a correlation id is extracted, summarized by the fake through the
 * gateway, written under the output folder, and its reply (job id, correlation id, summary, outputs) arrives on the
 * reply destination with the correlation id the kind carries;</li>
 * <li>duplicates (the same message id again, the same content from another request) make one job and one summary,
 * and each request is answered (the redelivered one once, also when it comes again after the reply was sent);</li>
 * <li>a poison message goes to the dead-letter queue with its reason, once;</li>
 * <li>a request the job store refuses (a failure that is not the message's fault, injected on the real accept-job
 * route) is tried {@code messaging.max-delivery-attempts} times (3 here), then dead-lettered with the last error and
 * the attempts, and the request behind it is served; one the store refuses twice makes one job.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MessageRoundTrips {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A request as the test sends it: a raw document with its name, message id, reply destination, correlation id. */
    record Request(String name, byte[] content, String messageId, String replyTo, String correlationId) {
    }

    /** A reply as it arrived: the correlation id the transport carried, and the JSON body. */
    record Reply(String correlationId, JsonNode body) {
    }

    /** (static: JUnit injects an instance field only after the {@code @BeforeAll} that starts the application) */
    @TempDir
    static Path root;
    FakeGemini fake;
    DigestRun app;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    /** Generate calls seen by the fake, by the marker found in their text. */
    final List<String> generateCalls = new CopyOnWriteArrayList<>();
    /** Generate calls for a marker wait for its gate to open (the job stays running meanwhile). */
    final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    /** The job store refuses requests of these names this many more times (Integer.MAX_VALUE: always). */
    final Map<String, Integer> storeFailures = new ConcurrentHashMap<>();
    /** Requests that reached the job store, failed ones included, by name. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> storeCalls = new ConcurrentHashMap<>();
    /** Requests the real accept-job route has finished with (accepted or found a duplicate), by name. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> storeAccepted = new ConcurrentHashMap<>();

    // ---- what a kind provides -----------------------------------------------------------------------------------

    /** The source name of the kind in job records and output names ({@code amqp}, {@code kafka}, ...). */
    abstract String source();

    /** Starts what the kind needs before the application (a broker, queues); nothing by default. */
    void startServers() throws Exception {
    }

    void stopServers() throws Exception {
    }

    /** The inbound endpoint URI the application consumes ({@code messaging.inbound}). */
    abstract String inboundUri();

    /** A reply destination name of this kind, unique to this run and {@code what}. */
    abstract String replyDestination(String what);

    /** Gets ready to read replies from the destination (before the request is sent: MQTT keeps nothing). */
    void listen(String replyTo) throws Exception {
    }

    /** Sends a raw document with a name, a message id, a reply destination and a correlation id. */
    abstract void send(Request request) throws Exception;

    /** Sends a body as it is, without any header (the poison message). */
    abstract void sendBody(byte[] body) throws Exception;

    /** The next reply on the destination, or null when none comes within the timeout. */
    abstract Reply receive(String replyTo, Duration timeout) throws Exception;

    // ---- the application --------------------------------------------------------------------------------------

    @BeforeAll
    void startApplication() throws Exception {
        startServers();
        fake = FakeGemini.start().validKey(FakeGemini.KEY);
        fake.respondWith(call -> {
            String marker = marker(call.userText());
            generateCalls.add(marker);
            CountDownLatch gate = gates.get(marker);
            if (gate != null) {
                try {
                    gate.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Answer.text("Summary of " + marker + ".");
        });
        app = new DigestRun(root).against(fake).set("messaging.inbound", inboundUri())
                .set("messaging.max-delivery-attempts", "3").set("messaging.redelivery-delay-ms", "100")
                .set("messaging.max-redelivery-delay-ms", "200").startWatching();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (app.running().isDone()) {
                app.running().join(); // start-up failed: its exception
            }
            var camel = app.camel();
            var status = camel == null ? null : camel.getRouteController().getRouteStatus("ingest-broker-1");
            return status != null && status.isStarted();
        });
        // the job store's failures: before the real accept-job route's first step
        org.apache.camel.builder.AdviceWith.adviceWith(app.camel(), "accept-job", a -> {
            a.weaveAddFirst().process(this::storeMayRefuse);
            a.weaveAddLast().process(e -> storeAccepted.computeIfAbsent(
                    e.getProperty("acceptedName", String.class), n -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet());
        });
    }

    private void storeMayRefuse(org.apache.camel.Exchange exchange) {
        String name = exchange.getMessage().getBody(io.geminidigest.job.JobRequest.class).name();
        exchange.setProperty("acceptedName", name);
        storeCalls.computeIfAbsent(name, n -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        Integer left = storeFailures.computeIfPresent(name, (n, c) -> c == Integer.MAX_VALUE ? c : c - 1);
        if (left != null && left >= 0) {
            throw new IllegalStateException("job store unavailable (test)");
        }
    }

    @AfterAll
    void stopApplication() throws Exception {
        try {
            if (app != null) {
                app.stop();
            }
            if (fake != null) {
                fake.close();
            }
        } finally {
            stopServers();
        }
    }

    // ---- the tests ----------------------------------------------------------------------------------------------

    @Test
    void aRequestGoesThroughThePipelineAndItsReplyArrivesWithTheCorrelationIdAndTheSummary() throws Exception {
        String marker = marker();
        String replyTo = replyDestination("rt");
        listen(replyTo);
        Request request = new Request("round-trip.txt", document(marker), source() + "-rt-" + run, replyTo,
                "corr-rt-" + run);
        send(request);

        Reply reply = receive(replyTo, Duration.ofSeconds(60));
        assertThat(reply).as("a reply on " + replyTo).isNotNull();
        assertThat(reply.correlationId()).isEqualTo(request.correlationId());
        JsonNode body = reply.body();
        assertThat(body.path("status").asText()).as(body.toString()).isEqualTo("done");
        assertThat(body.path("correlationId").asText()).isEqualTo(request.correlationId());
        assertThat(body.path("summary").asText()).contains("Summary of " + marker);
        String name = body.path("name").asText();
        assertThat(name).startsWith(source() + "/").endsWith("/round-trip.txt");
        assertThat(body.path("sidecar").path("status").asText()).isNotBlank();
        List<String> outputs = new ArrayList<>();
        body.path("outputs").forEach(o -> outputs.add(o.asText()));
        assertThat(outputs).anyMatch(o -> o.endsWith("round-trip.txt.summary.md"))
                .anyMatch(o -> o.endsWith("round-trip.txt.summary.json"));
        for (String o : outputs) {
            assertThat(Path.of(o)).exists().startsWith(app.out);
        }
        assertThat(Files.readString(app.output(name + ".summary.md"))).contains("Summary of " + marker);

        JobRecord job = store().find(body.path("id").asText()).orElseThrow();
        assertThat(job.source()).isEqualTo(source());
        assertThat(job.status()).isEqualTo(io.geminidigest.job.JobStatus.DONE);
        assertThat(generateCalls).filteredOn(marker::equals).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> store().replies(job.id()).stream()
                .allMatch(r -> r.status() == JobReply.Status.SENT));
        assertThat(receive(replyTo, Duration.ofSeconds(2))).as("a second reply").isNull();
    }

    @Test
    void duplicatesMakeOneJobAndOneSummaryAndEveryRequestGetsItsReply() throws Exception {
        String marker = marker();
        byte[] content = document(marker);
        String replyTo = replyDestination("dup");
        listen(replyTo);
        CountDownLatch gate = new CountDownLatch(1);
        gates.put(marker, gate);
        Request first = new Request("dup.txt", content, source() + "-dup-" + run, replyTo, "corr-dup-1-" + run);
        // the same message again (a redelivery), then the same content as another request
        Request other = new Request("dup-again.txt", content, source() + "-dup-other-" + run, replyTo,
                "corr-dup-2-" + run);
        send(first);
        send(first);
        send(other);
        try {
            // all three are taken before the job may finish (a copy taken after the reply was sent would rightly be
            // answered again): both copies of the first through the store, and the other request's reply owed
            await().atMost(Duration.ofSeconds(60)).until(() -> storeAccepted.getOrDefault(first.name(),
                    new java.util.concurrent.atomic.AtomicInteger()).get() >= 2
                    && jobsWith(content).stream().anyMatch(j -> store().replies(j.id()).size() == 2));
        } finally {
            gate.countDown();
        }
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Reply r = receive(replyTo, Duration.ofSeconds(60));
            assertThat(r).as("reply " + (i + 1)).isNotNull();
            replies.add(r);
        }
        assertThat(receive(replyTo, Duration.ofSeconds(3))).as("a third reply").isNull();
        assertThat(replies).extracting(Reply::correlationId).containsExactlyInAnyOrder(first.correlationId(),
                other.correlationId());
        assertThat(replies).allSatisfy(r -> {
            assertThat(r.body().path("status").asText()).isEqualTo("done");
            assertThat(r.body().path("correlationId").asText()).isEqualTo(r.correlationId());
            assertThat(r.body().path("summary").asText()).contains("Summary of " + marker);
        });
        assertThat(replies).extracting(r -> r.body().path("id").asText()).containsOnly(
                replies.get(0).body().path("id").asText());
        assertThat(jobsWith(content)).hasSize(1);
        assertThat(generateCalls).filteredOn(marker::equals).hasSize(1);

        // the first request once more, after its reply was sent: answered again from the finished job
        send(first);
        Reply again = receive(replyTo, Duration.ofSeconds(60));
        assertThat(again).isNotNull();
        assertThat(again.correlationId()).isEqualTo(first.correlationId());
        assertThat(again.body().path("id").asText()).isEqualTo(replies.get(0).body().path("id").asText());
        assertThat(again.body().path("summary").asText()).contains("Summary of " + marker);
        assertThat(jobsWith(content)).hasSize(1);
        assertThat(generateCalls).filteredOn(marker::equals).hasSize(1);
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterQueueWithItsReasonOnce() throws Exception {
        String tag = "broken-" + run;
        sendBody(("{\"name\": \"" + tag + "\", ").getBytes(StandardCharsets.UTF_8));
        try (Connection c = embeddedBroker().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer dlq = s.createConsumer(s.createQueue("digest.dlq"));
            Message letter = deadLetter(dlq, tag);
            assertThat(letter).as("the poison message in digest.dlq").isNotNull();
            assertThat(letter.getStringProperty("DigestDlqReason")).isEqualTo("malformed-json");
            JsonNode wrapped = JSON.readTree(((TextMessage) letter).getText());
            assertThat(wrapped.path("reason").asText()).isEqualTo("malformed-json");
            assertThat(wrapped.path("detail").asText()).isNotBlank();
            assertThat(wrapped.path("body").asText()).contains(tag);
            // no redelivery loop
            Message more = dlq.receive(1500);
            assertThat(more == null || !((TextMessage) more).getText().contains(tag)).isTrue();
        }
        assertThat(store().list(null, source(), 0, 1000).jobs()).noneMatch(j -> j.name().contains(tag));
    }

    @Test
    void aRequestTheStoreKeepsRefusingIsDeadLetteredAfterTheAttemptsAndTheNextOneIsServed() throws Exception {
        String refusedMarker = marker();
        String flakyMarker = marker();
        String replyTo = replyDestination("refused");
        listen(replyTo);
        Request refused = new Request("refused-" + run + ".txt", document(refusedMarker), source() + "-refused-" + run,
                replyTo, "corr-refused-" + run);
        Request flaky = new Request("flaky-" + run + ".txt", document(flakyMarker), source() + "-flaky-" + run,
                replyTo, "corr-flaky-" + run);
        storeFailures.put(refused.name(), Integer.MAX_VALUE);
        storeFailures.put(flaky.name(), 2);
        send(refused);
        send(flaky);

        // the one behind (on Kafka and MQTT, in the same order) is served: taken at its third attempt, one job
        Reply reply = receive(replyTo, Duration.ofSeconds(60));
        assertThat(reply).as("the reply to the flaky request").isNotNull();
        assertThat(reply.correlationId()).isEqualTo(flaky.correlationId());
        assertThat(reply.body().path("status").asText()).isEqualTo("done");
        assertThat(reply.body().path("summary").asText()).contains("Summary of " + flakyMarker);
        assertThat(storeCalls.get(flaky.name()).get()).isEqualTo(3);
        assertThat(jobsWith(flaky.content())).hasSize(1);
        assertThat(generateCalls).filteredOn(flakyMarker::equals).hasSize(1);

        try (Connection c = embeddedBroker().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer dlq = s.createConsumer(s.createQueue("digest.dlq"));
            // (a bare copy moved by the broker itself would be a bytes message with the document only)
            Message letter = deadLetter(dlq, refusedMarker);
            assertThat(letter).as("the refused request in digest.dlq").isNotNull();
            assertThat(letter.getStringProperty("DigestDlqReason")).isEqualTo("attempts-exhausted");
            JsonNode wrapped = JSON.readTree(text(letter));
            assertThat(wrapped.path("attempts").asInt()).isEqualTo(3);
            assertThat(wrapped.path("detail").asText()).contains("job store unavailable (test)");
            assertThat(wrapped.path("body").asText()).contains(refusedMarker);
            Message more = dlq.receive(1500);
            assertThat(more == null || !text(more).contains(refusedMarker)).isTrue();
        }
        assertThat(storeCalls.get(refused.name()).get()).isEqualTo(3);
        assertThat(jobsWith(refused.content())).isEmpty();
        assertThat(receive(replyTo, Duration.ofSeconds(2))).as("a reply to the refused request").isNull();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** The first dead letter whose text contains {@code tag} (others are skipped), or null after 30 s without one. */
    private static Message deadLetter(MessageConsumer dlq, String tag) throws jakarta.jms.JMSException {
        for (Message m; (m = dlq.receive(30_000)) != null;) {
            if (text(m).contains(tag)) {
                return m;
            }
        }
        return null;
    }

    private static String text(Message m) throws jakarta.jms.JMSException {
        if (m instanceof TextMessage t) {
            return t.getText();
        }
        if (m instanceof jakarta.jms.BytesMessage b) {
            byte[] bytes = new byte[(int) b.getBodyLength()];
            b.readBytes(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return String.valueOf(m.getBody(Object.class));
    }

    /** A JMS client of the application's embedded broker (where the dead letters go). */
    jakarta.jms.ConnectionFactory embeddedBroker() {
        return new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory("tcp://127.0.0.1:"
                + app.properties.get("broker.port"));
    }

    JobStore store() {
        return app.camel().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
    }

    private List<JobRecord> jobsWith(byte[] content) {
        String sha = sha256(content);
        return store().list(null, null, 0, 1000).jobs().stream().filter(j -> j.sha256().equals(sha)).toList();
    }

    private static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String marker() {
        return "MARK-" + UUID.randomUUID();
    }

    static byte[] document(String marker) {
        return ("Minutes of the messaging meeting, reference " + marker + ".\n\nEvery request that comes by message "
                + "is answered on its reply destination, with its correlation id.\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String marker(String text) {
        int i = text == null ? -1 : text.indexOf("MARK-");
        return i < 0 ? "" : text.substring(i, Math.min(text.length(), i + 5 + 36));
    }
}

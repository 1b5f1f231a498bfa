package io.geminidigest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.limits.Parking;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Jobs by message on the embedded Artemis, with real client connections: JMS (Core protocol) and AMQP 1.0 (Qpid JMS)
 * requests reach the store, replies carry the correlation id to the reply destination, duplicates make one job,
 * poison messages go to the DLQ with their reason at once, and the consumers pause while parked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedBrokerIngestTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    MessagingHarness app;
    Path allowed;
    ConnectionFactory jms;
    ConnectionFactory amqp;

    @BeforeAll
    void start() throws Exception {
        allowed = Files.createDirectories(dir.resolve("allowed"));
        app = new MessagingHarness(dir.resolve("state"))
                .set("messaging.inbound", "jms:queue:digest.requests,amqp:queue:digest.requests.amqp")
                .set("messaging.max-bytes", "1000")
                .set("messaging.allowed-paths", allowed.toString())
                .set("messaging.allowed-url-hosts", "127.0.0.1,localhost")
                .start();
        jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + app.brokerPort());
        amqp = new org.apache.qpid.jms.JmsConnectionFactory("amqp://127.0.0.1:" + app.brokerPort());
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
    }

    @Test
    void requestsWithLongNamesOrNoNameAreTakenByTheRealJobStore() throws Exception {
        // the spool file's name is the job id, and the store keeps ids in 64 characters: a 30-character name (or an
        // unnamed message, named message-<uuid>.bin) once made an id the store refused, and the message was
        // delivered again and again
        String run = UUID.randomUUID().toString().substring(0, 8);
        String longName = "minutes-of-the-board-meeting-" + run + "-" + "x".repeat(150) + ".docx";
        byte[] named = ("Board minutes " + run).getBytes(StandardCharsets.UTF_8);
        byte[] unnamed = ("No name at all " + run).getBytes(StandardCharsets.UTF_8);
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(named);
            m.setStringProperty("DigestName", longName);
            s.createProducer(s.createQueue("digest.requests")).send(m);
            BytesMessage n = s.createBytesMessage();
            n.writeBytes(unnamed);
            s.createProducer(s.createQueue("digest.requests")).send(n);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(longName).size() == 1
                && app.received.stream().anyMatch(r -> java.util.Arrays.equals(r.bytes(), unnamed)));
        MessagingHarness.Received first = app.named(longName).get(0);
        MessagingHarness.Received second = app.received.stream()
                .filter(r -> java.util.Arrays.equals(r.bytes(), unnamed)).findFirst().orElseThrow();
        io.geminidigest.job.JdbcJobStore store = new io.geminidigest.job.JdbcJobStore("jdbc:h2:file:"
                + dir.resolve("store-" + run) + ";DB_CLOSE_ON_EXIT=FALSE", "", "");
        try {
            for (MessagingHarness.Received r : List.of(first, second)) {
                io.geminidigest.job.JobRecord job = store.accept(r.request()).job();
                assertThat(job.name()).isEqualTo(r.request().name());
                assertThat(job.id()).isEqualTo(r.request().spooled().getFileName().toString()).hasSizeLessThan(65);
            }
            assertThat(first.request().name()).isEqualTo(longName);
            assertThat(first.request().spooled().getFileName().toString()).endsWith("xxx.docx");
        } finally {
            store.close();
        }
    }

    @Test
    void jmsRawDocumentWithHeadersBecomesAJobAndTheReplyCarriesTheCorrelationId() throws Exception {
        String name = "report-" + UUID.randomUUID() + ".txt";
        byte[] content = ("Quarterly report " + name).getBytes(StandardCharsets.UTF_8);
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(content);
            m.setStringProperty("DigestName", name);
            m.setStringProperty("DigestLanguage", "German");
            m.setStringProperty("DigestTask", "summarize");
            m.setStringProperty("DigestModel", "gemini-2.5-flash");
            m.setJMSCorrelationID("corr-jms-1");
            m.setJMSReplyTo(s.createQueue("digest.replies.jms"));
            s.createProducer(s.createQueue("digest.requests")).send(m);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 1);
        MessagingHarness.Received r = app.named(name).get(0);
        assertThat(r.bytes()).isEqualTo(content);
        assertThat(r.duplicate()).isFalse();
        assertThat(r.request().source()).isEqualTo("jms");
        assertThat(r.request().options()).containsEntry("language", "German").containsEntry("task", "summarize")
                .containsEntry("model", "gemini-2.5-flash");
        assertThat(r.request().replyTo()).isEqualTo("jms:queue:digest.replies.jms");
        assertThat(r.request().correlationId()).isEqualTo("corr-jms-1");
        assertThat(r.request().messageId()).startsWith("jms:ID:");
        assertThat(r.request().spooled()).startsWith(app.stateDir.resolve("spool"));

        app.sendReply(r.request().replyTo(), r.request().correlationId(),
                "{\"status\":\"done\",\"summary\":\"short\"}");
        try (Connection c = jms.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message reply = s.createConsumer(s.createQueue("digest.replies.jms")).receive(10_000);
            assertThat(reply).isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo("corr-jms-1");
            assertThat(body(reply)).contains("\"summary\":\"short\"");
        }
    }

    @Test
    void amqpEnvelopeBecomesAJobAndTheReplyGoesToItsReplyTo() throws Exception {
        String id = "req-" + UUID.randomUUID();
        String text = "A short story told over AMQP " + id;
        String envelope = JSON.writeValueAsString(java.util.Map.of("id", id, "name", "story.txt",
                "dataBase64", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)),
                "task", "summarize", "options", java.util.Map.of("language", "French"),
                "replyTo", "digest.replies.amqp"));
        sendText(amqp, "digest.requests.amqp", envelope, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> byMessageId(id).size() == 1);
        MessagingHarness.Received r = byMessageId(id).get(0);
        assertThat(r.text()).isEqualTo(text);
        assertThat(r.request().source()).isEqualTo("amqp");
        assertThat(r.request().name()).isEqualTo("story.txt");
        assertThat(r.request().options()).containsEntry("language", "French");
        assertThat(r.request().replyTo()).isEqualTo("amqp:queue:digest.replies.amqp");
        // no correlation id on the message: the envelope's id
        assertThat(r.request().correlationId()).isEqualTo(id);

        app.sendReply(r.request().replyTo(), r.request().correlationId(), "{\"status\":\"done\"}");
        try (Connection c = amqp.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message reply = s.createConsumer(s.createQueue("digest.replies.amqp")).receive(10_000);
            assertThat(reply).isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo(id);
            assertThat(body(reply)).contains("done");
        }
    }

    @Test
    void withoutAReplyDestinationResultsGoToTheResultsQueue() throws Exception {
        String name = "plain-" + UUID.randomUUID() + ".txt";
        sendText(jms, "digest.requests", "text " + name, name);
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 1);
        assertThat(app.named(name).get(0).request().replyTo()).isEqualTo("jms:queue:digest.results");
    }

    @Test
    void aDuplicateAndARedeliveredMessageMakeOneJob() throws Exception {
        String id = "dup-" + UUID.randomUUID();
        String envelope = "{\"id\":\"" + id + "\",\"name\":\"dup.txt\",\"dataBase64\":\""
                + Base64.getEncoder().encodeToString(("same " + id).getBytes(StandardCharsets.UTF_8)) + "\"}";
        sendText(jms, "digest.requests", envelope, null);
        sendText(jms, "digest.requests", envelope, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> byMessageId(id).size() == 2);
        assertThat(byMessageId(id)).extracting(MessagingHarness.Received::duplicate).containsExactlyInAnyOrder(false,
                true);
        assertThat(byMessageId(id)).extracting(MessagingHarness.Received::jobId).containsOnly(
                byMessageId(id).get(0).jobId());
        // the duplicate's spooled copy is removed, the job's own stays for the store
        await().atMost(Duration.ofSeconds(5)).until(() -> byMessageId(id).stream()
                .filter(MessagingHarness.Received::duplicate).noneMatch(r -> Files.exists(r.request().spooled())));

        // the store fails once: the transaction rolls back, the broker delivers again, one job results
        String name = "retry-" + UUID.randomUUID() + ".txt";
        app.failures.set(1);
        sendText(jms, "digest.requests", "retried " + name, name);
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 1);
        Thread.sleep(500);
        assertThat(app.named(name)).hasSize(1);
        assertThat(app.named(name).get(0).duplicate()).isFalse();
    }

    @Test
    void aMessageTheStoreKeepsRefusingIsDeadLetteredWithTheLastErrorAfterTheAttempts() throws Exception {
        // without the limit of the routes, the broker's own (broker.max-delivery-attempts) would move the bare
        // message to digest.dlq: no reason, no attempts
        String tag = UUID.randomUUID().toString();
        String failing = "jms-always-failing-" + tag + ".txt";
        String next = "jms-behind-it-" + tag + ".txt";
        app.failuresByName.put(failing, Integer.MAX_VALUE);
        sendText(jms, "digest.requests", "never taken " + tag, failing);
        sendText(jms, "digest.requests", "taken " + tag, next);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(next).size() == 1);
        try (Connection c = jms.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer dlq = s.createConsumer(s.createQueue("digest.dlq"));
            Message letter = null;
            for (Message m; letter == null && (m = dlq.receive(15_000)) != null;) {
                // (the bare message, had the broker moved it, has only the text)
                if (body(m).contains("never taken " + tag)) {
                    letter = m;
                }
            }
            assertThat(letter).as("the message in digest.dlq").isNotNull();
            assertThat(letter.getStringProperty("DigestDlqReason")).isEqualTo("attempts-exhausted");
            assertThat(letter.getStringProperty("DigestDlqAttempts")).isEqualTo("3");
            JsonNode wrapped = JSON.readTree(body(letter));
            assertThat(wrapped.path("attempts").asInt()).isEqualTo(3);
            assertThat(wrapped.path("detail").asText()).contains("store unavailable (test)")
                    .doesNotContain("hunter2secret");
            assertThat(wrapped.path("body").asText()).isEqualTo("never taken " + tag);
            Message more = dlq.receive(1500);
            assertThat(more == null || !body(more).contains("never taken " + tag)).as("one letter only").isTrue();
        }
        assertThat(app.callsByName.get(failing).get()).isEqualTo(3);
        assertThat(app.named(failing)).isEmpty();
    }

    @Test
    void anEnvelopePathInsideAnAllowedRootIsTaken() throws Exception {
        Path file = Files.writeString(allowed.resolve("inside-" + UUID.randomUUID() + ".txt"), "inside the root");
        String id = "path-" + UUID.randomUUID();
        sendText(jms, "digest.requests", "{\"id\":\"" + id + "\",\"name\":\"inside.txt\",\"path\":\""
                + file + "\"}", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> byMessageId(id).size() == 1);
        assertThat(byMessageId(id).get(0).text()).isEqualTo("inside the root");
        assertThat(file).exists();
    }

    @Test
    void poisonMessagesGoToTheDeadLetterQueueAtOnceWithTheirReason() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "outside");
        String tag = UUID.randomUUID().toString();
        sendText(jms, "digest.requests", "{\"name\": \"broken-" + tag + "\", ", null);
        sendText(jms, "digest.requests", "{\"name\":\"two-" + tag + ".txt\",\"dataBase64\":\"aGk=\",\"path\":\"/x\"}",
                null);
        sendText(jms, "digest.requests", "x".repeat(2000) + tag, "big-" + tag + ".txt");
        sendText(jms, "digest.requests", "{\"name\":\"p-" + tag + ".txt\",\"path\":\"" + outside + "\"}", null);
        sendText(amqp, "digest.requests.amqp", "{\"name\":\"u-" + tag + ".txt\",\"url\":\"http://127.0.0.1:9/x\"}",
                null);
        sendText(jms, "digest.requests", "{\"name\":\"s-" + tag + ".txt\",\"url\":\"file:///etc/passwd\"}", null);
        // a raw document whose reply destination is no destination name: refused, and its bytes not spooled
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage m = s.createTextMessage("a document " + tag);
            m.setStringProperty("DigestName", "r-" + tag + ".txt");
            m.setStringProperty("DigestReplyTo", "no such/queue?x=1");
            s.createProducer(s.createQueue("digest.requests")).send(m);
        }

        List<String> reasons = new ArrayList<>();
        try (Connection c = jms.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer dlq = s.createConsumer(s.createQueue("digest.dlq"));
            for (Message m; reasons.size() < 7 && (m = dlq.receive(15_000)) != null;) {
                JsonNode letter = JSON.readTree(body(m));
                if (!letter.toString().contains(tag)) {
                    continue;
                }
                assertThat(m.getStringProperty("DigestDlqReason")).isEqualTo(letter.path("reason").asText());
                assertThat(letter.path("detail").asText()).isNotBlank();
                reasons.add(letter.path("reason").asText());
            }
            // no redelivery loop: nothing more arrives for these messages
            Message more = dlq.receive(1500);
            assertThat(more == null || !body(more).contains(tag)).isTrue();
        }
        Collections.sort(reasons);
        assertThat(reasons).containsExactly("invalid-reply-to", "malformed-json", "path-not-allowed",
                "schema-violation", "schema-violation", "too-large", "url-not-allowed");
        assertThat(app.received).noneMatch(r -> r.request().name().contains(tag));
        // nothing of theirs in the spool folder (which nothing may have created yet)
        Path spoolDir = app.stateDir.resolve("spool");
        if (Files.exists(spoolDir)) {
            try (var spool = Files.list(spoolDir)) {
                assertThat(spool).noneMatch(p -> p.getFileName().toString().contains(tag));
            }
        }
    }

    @Test
    void theConsumersPauseWhileParkedAndResumeByThemselves() throws Exception {
        app.ingest.accept(Optional.of(new Parking(Instant.now().plusSeconds(3600), "per-day quota (test)")));
        await().atMost(Duration.ofSeconds(10)).until(() -> app.ingest.routeIds().stream()
                .allMatch(id -> !app.context.getRouteController().getRouteStatus(id).isStarted()));
        String name = "parked-" + UUID.randomUUID() + ".txt";
        sendText(jms, "digest.requests", "waits on the broker " + name, name);
        Thread.sleep(1500);
        assertThat(app.named(name)).isEmpty();
        app.ingest.accept(Optional.empty());
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 1);
        assertThat(app.ingest.routeIds()).allMatch(id -> app.context.getRouteController().getRouteStatus(id)
                .isStarted());
    }

    @Test
    void theConsumersPauseWhileTheLocalBacklogIsFull() throws Exception {
        app.ingest.backlog(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.ingest.routeIds().stream()
                .allMatch(id -> !app.context.getRouteController().getRouteStatus(id).isStarted()));
        String name = "backlog-" + UUID.randomUUID() + ".txt";
        sendText(amqp, "digest.requests.amqp", "waits " + name, name);
        Thread.sleep(1000);
        assertThat(app.named(name)).isEmpty();
        app.ingest.backlog(10);
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 1);
    }

    @Test
    void theOneAcceptorAlsoSpeaksStompAndMqtt() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.brokerPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[9];
            int n = socket.getInputStream().readNBytes(answer, 0, 9);
            assertThat(new String(answer, 0, n, StandardCharsets.US_ASCII)).isEqualTo("CONNECTED");
        }
        var mqtt = new org.eclipse.paho.mqttv5.client.MqttClient("tcp://127.0.0.1:" + app.brokerPort(),
                "gd-embedded-" + UUID.randomUUID(), new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        mqtt.connect();
        assertThat(mqtt.isConnected()).isTrue();
        mqtt.disconnect();
        mqtt.close();
    }

    private List<MessagingHarness.Received> byMessageId(String id) {
        return app.received.stream().filter(r -> id.equals(r.request().messageId())).toList();
    }

    private static void sendText(ConnectionFactory factory, String queue, String text, String name) throws Exception {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage m = s.createTextMessage(text);
            if (name != null) {
                m.setStringProperty("DigestName", name);
            }
            Queue q = s.createQueue(queue);
            s.createProducer(q).send(m);
        }
    }

    private static String body(Message m) throws Exception {
        if (m instanceof TextMessage t) {
            return t.getText();
        }
        if (m instanceof BytesMessage b) {
            byte[] bytes = new byte[(int) b.getBodyLength()];
            b.readBytes(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return m.getBody(String.class);
    }
}

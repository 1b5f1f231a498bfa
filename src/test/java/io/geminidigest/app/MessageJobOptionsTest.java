package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.RecordedRequest;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Options sent by message (headers of the raw form, the envelope's {@code options}) change what is sent to Gemini,
 * as HTTP parameters do; options that cannot be applied end the job as failed, and the reply says why. The real
 * application in long-running mode with its embedded broker, against the fake Gemini server.
 */
class MessageJobOptionsTest {

    @TempDir
    Path root;
    FakeGemini fake;
    DigestRun run;
    ActiveMQConnectionFactory jms;
    final int brokerPort = DigestRun.freePort();

    @BeforeEach
    void start() {
        fake = FakeGemini.start().model("gemini-2.5-flash", 1_048_576, 65_536);
        run = new DigestRun(root).against(fake).set("broker.port", Integer.toString(brokerPort)).startWatching();
        jms = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=0&callTimeout=10000"
                + "&initialConnectAttempts=60&retryInterval=500");
    }

    @AfterEach
    void stop() throws Exception {
        jms.close();
        run.stop();
        fake.close();
    }

    @Test
    void headerAndEnvelopeOptionsReachGeminiAndTheReplies() throws Exception {
        String replies = "digest.replies.opts-" + UUID.randomUUID();
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // the raw form: options as headers
            BytesMessage raw = s.createBytesMessage();
            raw.writeBytes("Lighthouses guided the ships home through the fog.\n".getBytes(StandardCharsets.UTF_8));
            raw.setStringProperty("DigestName", "lighthouse.txt");
            raw.setStringProperty("DigestModel", "gemini-2.5-flash");
            raw.setStringProperty("DigestLanguage", "Italiano");
            raw.setJMSCorrelationID("corr-raw");
            raw.setJMSReplyTo(s.createQueue(replies));
            s.createProducer(s.createQueue("digest.requests")).send(raw);
            // the envelope: options in its "options"
            TextMessage envelope = s.createTextMessage(DigestRun.JSON.writeValueAsString(Map.of("id", "env-1",
                    "name", "harbour.txt", "dataBase64", Base64.getEncoder().encodeToString(
                            "The harbour froze in January; the boats waited.\n".getBytes(StandardCharsets.UTF_8)),
                    "options", Map.of("prompt", "brief", "language", "English"), "replyTo", replies)));
            envelope.setJMSCorrelationID("corr-env");
            s.createProducer(s.createQueue("digest.requests")).send(envelope);
        }
        Map<String, JsonNode> byCorrelation = receive(replies, 2);
        assertThat(byCorrelation.get("corr-raw").path("status").asText()).as(byCorrelation.toString())
                .isEqualTo("done");
        assertThat(byCorrelation.get("corr-env").path("status").asText()).isEqualTo("done");

        RecordedRequest lighthouse = generate("Lighthouses guided");
        assertThat(lighthouse.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(HttpJobsApiTest.systemText(lighthouse)).contains("You write in Italian."); // its own name, written in English
        RecordedRequest harbour = generate("The harbour froze");
        assertThat(harbour.model()).isEqualTo(FakeGemini.DEFAULT_MODEL);
        assertThat(HttpJobsApiTest.systemText(harbour)).contains("You write in English.");
        assertThat(harbour.userText()).contains("a reader with two minutes");
    }

    @Test
    void theSameContentInAnotherLanguageIsAnotherJobAndTheSameOptionsTheSameJob() throws Exception {
        fake.respondWith(HttpJobsApiTest::answerInItsLanguage);
        String replies = "digest.replies.identity-" + UUID.randomUUID();
        byte[] doc = "The mill by the river ground wheat until the flood of 1910.\n".getBytes(StandardCharsets.UTF_8);
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String[] m : new String[][] {{"corr-it", "Italiano"}, {"corr-plain", null},
                    {"corr-it-again", "it"}}) {
                BytesMessage raw = s.createBytesMessage();
                raw.writeBytes(doc);
                raw.setStringProperty("DigestName", "mill.txt");
                if (m[1] != null) {
                    raw.setStringProperty("DigestLanguage", m[1]);
                }
                raw.setJMSCorrelationID(m[0]);
                raw.setJMSReplyTo(s.createQueue(replies));
                s.createProducer(s.createQueue("digest.requests")).send(raw);
            }
        }
        Map<String, JsonNode> byCorrelation = receive(replies, 3);
        JsonNode italian = byCorrelation.get("corr-it");
        JsonNode plain = byCorrelation.get("corr-plain");
        JsonNode italianAgain = byCorrelation.get("corr-it-again");
        assertThat(List.of(italian, plain, italianAgain)).as(byCorrelation.toString())
                .allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("done"));
        // the same content with the same options (the language by its code) is one job, answered twice
        assertThat(italianAgain.path("id").asText()).isEqualTo(italian.path("id").asText());
        // without the language it is a job of its own, with its own run and its own result
        assertThat(plain.path("id").asText()).isNotEqualTo(italian.path("id").asText());
        assertThat(italian.path("summary").asText()).contains("Summary in Italian:");
        assertThat(plain.path("summary").asText()).contains("Summary in").doesNotContain("Italian");
        assertThat(plain.path("sidecar").path("status").asText()).isEqualTo("ok");
        assertThat(italian.path("sidecar").path("status").asText()).isEqualTo("ok");
        List<RecordedRequest> runs = fake.requests().stream().filter(r -> r.isGenerate() && r.userText() != null
                && r.userText().contains("The mill by the river")).toList();
        assertThat(runs).hasSize(2);
        assertThat(runs.stream().filter(r -> HttpJobsApiTest.systemText(r).contains("You write in Italian."))
                .count()).isEqualTo(1);
    }

    @Test
    void optionsThatCannotBeAppliedFailTheJobAndTheReplySaysWhy() throws Exception {
        String replies = "digest.replies.bad-" + UUID.randomUUID();
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage unknownTemplate = s.createTextMessage(DigestRun.JSON.writeValueAsString(Map.of("id", "bad-1",
                    "name", "a.txt", "dataBase64", Base64.getEncoder().encodeToString(
                            "A note for a template that does not exist.\n".getBytes(StandardCharsets.UTF_8)),
                    "options", Map.of("prompt", "sonnet"), "replyTo", replies)));
            unknownTemplate.setJMSCorrelationID("corr-template");
            s.createProducer(s.createQueue("digest.requests")).send(unknownTemplate);
            BytesMessage unknownModel = s.createBytesMessage();
            unknownModel.writeBytes("A note for a model that does not exist.\n".getBytes(StandardCharsets.UTF_8));
            unknownModel.setStringProperty("DigestName", "b.txt");
            unknownModel.setStringProperty("DigestModel", "gemini-0-nope");
            unknownModel.setJMSCorrelationID("corr-model");
            unknownModel.setJMSReplyTo(s.createQueue(replies));
            s.createProducer(s.createQueue("digest.requests")).send(unknownModel);
        }
        Map<String, JsonNode> byCorrelation = receive(replies, 2);
        JsonNode template = byCorrelation.get("corr-template");
        assertThat(template.path("status").asText()).as(byCorrelation.toString()).isEqualTo("failed");
        assertThat(template.toString()).contains("invalid-options").contains("unknown prompt template 'sonnet'");
        JsonNode model = byCorrelation.get("corr-model");
        assertThat(model.path("status").asText()).isEqualTo("failed");
        assertThat(model.toString()).contains("model-not-found").contains("gemini-0-nope");
        // the application keeps working: neither failure was taken for a configuration error
        assertThat(run.running()).isNotDone();
        // the unknown model was found out by asking for it, before anything was sent to be generated
        assertThat(fake.count("/v1beta/models/gemini-0-nope")).isEqualTo(1);
        assertThat(fake.count(":generateContent")).isZero();
    }

    @Test
    void aModelTheKeyMayNotUseFailsThatJobOnlyAndTheApplicationKeepsRunning() throws Exception {
        fake.model("gemini-3-ultra-preview", 1_048_576, 65_536).refuseModel("gemini-3-ultra-preview");
        String replies = "digest.replies.refused-" + UUID.randomUUID();
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage refused = s.createBytesMessage();
            refused.writeBytes("A note for a model this key may not use.\n".getBytes(StandardCharsets.UTF_8));
            refused.setStringProperty("DigestName", "refused.txt");
            refused.setStringProperty("DigestModel", "gemini-3-ultra-preview");
            refused.setJMSCorrelationID("corr-refused");
            refused.setJMSReplyTo(s.createQueue(replies));
            s.createProducer(s.createQueue("digest.requests")).send(refused);
        }
        // the refused job is answered first: the application did not stop on it
        JsonNode model = receive(replies, 1).get("corr-refused");
        assertThat(model.path("status").asText()).as(model.toString()).isEqualTo("failed");
        JsonNode error = model.path("error");
        assertThat(error.path("outcome").asText()).as(model.toString()).isEqualTo("permission-denied");
        assertThat(error.path("message").asText()).contains("'gemini-3-ultra-preview'")
                .contains("The caller does not have permission");
        assertThat(error.path("advice").asText()).contains("gemini-3-ultra-preview")
                .contains(FakeGemini.DEFAULT_MODEL);
        assertThat(run.running()).isNotDone();
        assertThat(run.tracker.isFatal()).isFalse();

        // a job on the configured model is still taken and done
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage plain = s.createBytesMessage();
            plain.writeBytes("The ferry crossed the strait twice a day.\n".getBytes(StandardCharsets.UTF_8));
            plain.setStringProperty("DigestName", "ferry.txt");
            plain.setJMSCorrelationID("corr-plain");
            plain.setJMSReplyTo(s.createQueue(replies));
            s.createProducer(s.createQueue("digest.requests")).send(plain);
        }
        JsonNode plain = receive(replies, 1).get("corr-plain");
        assertThat(plain.path("status").asText()).as(plain.toString()).isEqualTo("done");
        assertThat(run.running()).isNotDone();
        assertThat(fake.countStatus(403)).isEqualTo(1);
        assertThat(generate("The ferry crossed").model()).isEqualTo(FakeGemini.DEFAULT_MODEL);
    }

    RecordedRequest generate(String textPart) {
        List<RecordedRequest> found = fake.requests().stream().filter(r -> r.isGenerate() && r.userText() != null
                && r.userText().contains(textPart)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** {@code n} replies from {@code queue}, by correlation id (generous time: jobs run in the background). */
    Map<String, JsonNode> receive(String queue, int n) throws Exception {
        Map<String, JsonNode> replies = new java.util.HashMap<>();
        try (Connection c = jms.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
                for (int i = 0; i < n; i++) {
                    Message m = consumer.receive(120_000);
                    assertThat(m).as("reply " + (i + 1) + " of " + n + " on " + queue).isNotNull();
                    String body = m instanceof TextMessage t ? t.getText() : new String(m.getBody(byte[].class),
                            StandardCharsets.UTF_8);
                    replies.put(m.getJMSCorrelationID(), DigestRun.JSON.readTree(body));
                }
            }
        }
        return replies;
    }
}

package io.geminidigest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import kafka.testkit.KafkaClusterTestKit;

/**
 * Jobs by message on a real single-node Kafka (KRaft, combined broker and controller) started in the test from the
 * broker's own jars: a request reaches the store, its offset is committed only after it was accepted, a poison
 * record is dead-lettered and committed (no loop: the next record is taken), the reply carries the correlation id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaIngestTest {

    @TempDir
    static Path dir;
    KafkaClusterTestKit kafka;
    MessagingHarness app;

    @BeforeAll
    void start() throws Exception {
        kafka = io.geminidigest.testing.KafkaTestBroker.start("digest-requests", "digest-replies");
        app = new MessagingHarness(dir.resolve("state"))
                .set("messaging.inbound", "kafka:digest-requests?brokers=" + kafka.bootstrapServers()
                        + "&groupId=gemini-digest&autoOffsetReset=earliest&pollTimeoutMs=200")
                .set("messaging.max-bytes", "1000")
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aDocumentThatIsNotUtf8ArrivesByteForByte() throws Exception {
        // Latin-1 text (a PDF, a DOCX alike) is not UTF-8: read as a string, as Camel's Kafka consumer does by
        // default (StringDeserializer), every byte over 0x7f would become U+FFFD and the document would be changed
        String name = "kafka-" + UUID.randomUUID().toString().substring(0, 8) + ".txt";
        byte[] latin1 = ("R\u00e9sum\u00e9 de la r\u00e9union : caf\u00e9, cr\u00e8me br\u00fbl\u00e9e.\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] document = new byte[latin1.length + 4];
        System.arraycopy(latin1, 0, document, 0, latin1.length);
        System.arraycopy(new byte[] { (byte) 0xff, (byte) 0xfe, 0, (byte) 0x80 }, 0, document, latin1.length, 4);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>("digest-requests", name, document);
            record.headers().add("DigestName", name.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> app.named(name).size() == 1);
        assertThat(app.named(name).get(0).bytes()).isEqualTo(document);
    }

    @Test
    void kafkaRequestBecomesAJobPoisonIsDeadLetteredAndTheReplyCarriesTheCorrelationId() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String name = "kafka-" + run + ".txt";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            // a poison record first: if it were not committed, the consumer would stop on it for ever
            producer.send(new ProducerRecord<>("digest-requests", ("{\"name\": \"poison-" + run
                    + "\", \"dataBase64\": 1}").getBytes(StandardCharsets.UTF_8))).get();
            ProducerRecord<String, byte[]> record = new ProducerRecord<>("digest-requests", "key-" + run,
                    ("Hello over Kafka " + run).getBytes(StandardCharsets.UTF_8));
            record.headers().add("DigestName", name.getBytes(StandardCharsets.UTF_8));
            record.headers().add("DigestLanguage", "Spanish".getBytes(StandardCharsets.UTF_8));
            record.headers().add("replyTo", "digest-replies".getBytes(StandardCharsets.UTF_8));
            record.headers().add("correlationId", ("corr-kafka-" + run).getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> app.named(name).size() == 1);
        MessagingHarness.Received r = app.named(name).get(0);
        assertThat(r.text()).isEqualTo("Hello over Kafka " + run);
        assertThat(r.request().source()).isEqualTo("kafka");
        assertThat(r.request().messageId()).startsWith("kafka:digest-requests-0-");
        assertThat(r.request().options()).containsEntry("language", "Spanish");
        assertThat(r.request().correlationId()).isEqualTo("corr-kafka-" + run);
        assertThat(r.request().replyTo()).startsWith("kafka:digest-replies?brokers=");
        assertThat(app.received).noneMatch(x -> x.request().name().contains("poison-" + run));

        // both offsets are committed: the group has nothing left to read
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                var offsets = admin.listConsumerGroupOffsets("gemini-digest").partitionsToOffsetAndMetadata().get();
                var committed = offsets.get(new org.apache.kafka.common.TopicPartition("digest-requests", 0));
                return committed != null && committed.offset() >= 2;
            });
        }
        // the poison record is in the DLQ with its reason
        try (var jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + app.brokerPort()).createConnection()) {
            jms.start();
            var s = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Message letter = s.createConsumer(s.createQueue("digest.dlq")).receive(10_000);
            assertThat(letter).isNotNull();
            assertThat(letter.getStringProperty("DigestDlqReason")).isEqualTo("schema-violation");
        }

        app.sendReply(r.request().replyTo(), r.request().correlationId(), "{\"status\":\"done\",\"run\":\"" + run
                + "\"}");
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-replies-" + run);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("digest-replies"));
            ConsumerRecord<String, String> reply = null;
            long until = System.currentTimeMillis() + 20_000;
            while (reply == null && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> c : consumer.poll(Duration.ofMillis(500))) {
                    if (c.value().contains(run)) {
                        reply = c;
                    }
                }
            }
            assertThat(reply).isNotNull();
            assertThat(reply.key()).isEqualTo("corr-kafka-" + run);
            assertThat(new String(reply.headers().lastHeader("correlationId").value(), StandardCharsets.UTF_8))
                    .isEqualTo("corr-kafka-" + run);
        }
    }
}

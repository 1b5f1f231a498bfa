package io.geminidigest.broker;

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

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import kafka.testkit.KafkaClusterTestKit;

/**
 * A Kafka record whose intake fails for a reason that is not its content (the job store throws): it is tried
 * {@code messaging.max-delivery-attempts} times (3 here), then it goes to the dead-letter topic with the last error
 * (masked of secrets) and the number of attempts, its offset is committed and the partition moves on to the next
 * record. A failure that clears within the attempts makes one job. Before the limit, such a record was polled again
 * and again for ever and everything behind it on its partition waited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaIntakeFailuresTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String REQUESTS = "digest-requests";
    static final String DLQ = "digest-dlq";

    @TempDir
    static Path dir;
    KafkaClusterTestKit kafka;
    MessagingHarness app;
    KafkaProducer<String, byte[]> producer;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        kafka = io.geminidigest.testing.KafkaTestBroker.start(REQUESTS, DLQ);
        app = new MessagingHarness(dir.resolve("state"))
                .set("messaging.inbound", "kafka:" + REQUESTS + "?brokers=" + kafka.bootstrapServers()
                        + "&groupId=gemini-digest&autoOffsetReset=earliest&pollTimeoutMs=200")
                .set("messaging.dlq", "kafka:" + DLQ + "?brokers=" + kafka.bootstrapServers())
                .start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRecordTheStoreKeepsRefusingIsDeadLetteredAfterTheAttemptsAndThePartitionMovesOn() throws Exception {
        String failing = "always-failing-" + run + ".txt";
        String next = "behind-it-" + run + ".txt";
        app.failuresByName.put(failing, Integer.MAX_VALUE);
        send(failing, "The store never takes this one " + run);
        send(next, "The record behind it " + run);

        // the record behind the failing one is processed: the partition is not blocked
        await().atMost(Duration.ofSeconds(30)).until(() -> app.named(next).size() == 1);
        assertThat(app.named(next).get(0).duplicate()).isFalse();

        ConsumerRecord<String, String> letter = deadLetter(failing);
        assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("attempts-exhausted");
        assertThat(header(letter, DeadLetters.ATTEMPTS_HEADER)).isEqualTo("3");
        JsonNode wrapped = JSON.readTree(letter.value());
        assertThat(wrapped.path("reason").asText()).isEqualTo("attempts-exhausted");
        assertThat(wrapped.path("attempts").asInt()).isEqualTo(3);
        assertThat(wrapped.path("detail").asText()).contains("IllegalStateException", "store unavailable (test)");
        // the error quoted a password: the letter does not
        assertThat(letter.value()).doesNotContain("hunter2secret");
        // the message as it arrived, with its headers
        assertThat(wrapped.path("body").asText()).isEqualTo("The store never takes this one " + run);
        assertThat(wrapped.path("headers").path("DigestName").asText()).isEqualTo(failing);

        // exactly the configured attempts, no job, no spooled leftover
        assertThat(app.callsByName.get(failing).get()).isEqualTo(3);
        assertThat(app.named(failing)).isEmpty();
        try (var spool = Files.list(app.stateDir.resolve("spool"))) {
            assertThat(spool).noneMatch(p -> p.getFileName().toString().contains("always-failing-" + run));
        }
        // both offsets are committed: nothing is left for the group to read
        awaitAllCommitted();
        assertThat(app.callsByName.get(failing).get()).isEqualTo(3);
    }

    @Test
    void aFailureThatClearsWithinTheAttemptsMakesOneJob() throws Exception {
        String name = "clears-" + run + ".txt";
        app.failuresByName.put(name, 2);
        send(name, "The store takes this one on the third attempt " + run);

        await().atMost(Duration.ofSeconds(30)).until(() -> app.named(name).size() == 1);
        awaitAllCommitted();
        assertThat(app.callsByName.get(name).get()).isEqualTo(3);
        assertThat(app.named(name)).hasSize(1);
        assertThat(app.named(name).get(0).duplicate()).isFalse();
        assertThat(app.named(name).get(0).text()).isEqualTo("The store takes this one on the third attempt " + run);
        assertThat(lettersMentioning(name)).isEmpty();
    }

    private void send(String name, String text) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(REQUESTS, text.getBytes(StandardCharsets.UTF_8));
        record.headers().add("DigestName", name.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    /** The group's committed offset reaches the end of the request topic. */
    private void awaitAllCommitted() throws Exception {
        TopicPartition partition = new TopicPartition(REQUESTS, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get()
                    .offset();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var committed = admin.listConsumerGroupOffsets("gemini-digest").partitionsToOffsetAndMetadata().get()
                        .get(partition);
                return committed != null && committed.offset() >= end;
            });
        }
    }

    private ConsumerRecord<String, String> deadLetter(String name) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found.clear();
            found.addAll(lettersMentioning(name));
            return !found.isEmpty();
        });
        assertThat(found).as("one letter for " + name).hasSize(1);
        return found.get(0);
    }

    /** Every record of the dead-letter topic so far whose value mentions {@code text}. */
    private List<ConsumerRecord<String, String>> lettersMentioning(String text) {
        TopicPartition partition = new TopicPartition(DLQ, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && r.value().contains(text)) {
                        out.add(r);
                    }
                }
            }
            return out;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}

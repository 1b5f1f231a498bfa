package io.geminidigest.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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

import kafka.testkit.KafkaClusterTestKit;

/**
 * Round trips by Kafka: a real single-node KRaft broker (combined broker and controller) started for the class from
 * the broker's own jars. The message id is the {@code DigestMessageId} record header (a record's own id is its
 * offset), the reply topic the {@code replyTo} header; the reply's key and {@code correlationId} header carry the
 * correlation id.
 */
class KafkaRoundTripTest extends MessageRoundTrips {

    KafkaClusterTestKit kafka;
    KafkaProducer<String, byte[]> producer;
    final Map<String, KafkaConsumer<String, String>> consumers = new ConcurrentHashMap<>();
    final Map<String, Deque<ConsumerRecord<String, String>>> received = new ConcurrentHashMap<>();

    String requests() {
        return "digest-requests-" + run;
    }

    @Override
    String source() {
        return "kafka";
    }

    @Override
    void startServers() throws Exception {
        kafka = io.geminidigest.testing.KafkaTestBroker.start(requests());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    void stopServers() throws Exception {
        consumers.values().forEach(KafkaConsumer::close);
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    String inboundUri() {
        return "kafka:" + requests() + "?brokers=" + kafka.bootstrapServers()
                + "&groupId=gemini-digest-" + run + "&autoOffsetReset=earliest&pollTimeoutMs=200";
    }

    @Override
    String replyDestination(String what) {
        return "digest-replies-" + what + "-" + run;
    }

    /** The reply topic exists and is read from its start by a consumer of its own (assigned, no group). */
    @Override
    void listen(String replyTo) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(replyTo, 1, (short) 1))).all().get();
        }
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(),
                new StringDeserializer());
        TopicPartition partition = new TopicPartition(replyTo, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        consumers.put(replyTo, consumer);
        received.put(replyTo, new ArrayDeque<>());
    }

    @Override
    void send(Request request) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(requests(), request.content());
        record.headers().add("DigestName", request.name().getBytes(StandardCharsets.UTF_8));
        record.headers().add("DigestMessageId", request.messageId().getBytes(StandardCharsets.UTF_8));
        record.headers().add("replyTo", request.replyTo().getBytes(StandardCharsets.UTF_8));
        record.headers().add("correlationId", request.correlationId().getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    @Override
    void sendBody(byte[] body) throws Exception {
        producer.send(new ProducerRecord<>(requests(), body)).get();
    }

    @Override
    Reply receive(String replyTo, Duration timeout) throws Exception {
        KafkaConsumer<String, String> consumer = consumers.get(replyTo);
        Deque<ConsumerRecord<String, String>> queue = received.get(replyTo);
        long until = System.nanoTime() + timeout.toNanos();
        while (queue.isEmpty() && System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(200)).forEach(queue::add);
        }
        ConsumerRecord<String, String> r = queue.poll();
        if (r == null) {
            return null;
        }
        var header = r.headers().lastHeader("correlationId");
        String correlationId = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        if (correlationId != null && !correlationId.equals(r.key())) {
            throw new AssertionError("the reply's key " + r.key() + " is not its correlation id " + correlationId);
        }
        return new Reply(correlationId, JSON.readTree(r.value()));
    }
}

package io.geminidigest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

/**
 * Jobs by message through the servers CI starts on this machine: RabbitMQ on 127.0.0.1:5672 (guest/guest) and
 * Mosquitto on 127.0.0.1:1883. A server that is down fails these tests (it is never a reason to skip).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalServersIngestTest {

    @TempDir
    static Path dir;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String rabbitQueue = "digest.requests.test-" + run;
    final String rabbitReplies = "digest.replies.test-" + run;
    final String mqttTopic = "digest/requests/test-" + run;
    final String mqttReplies = "digest/replies/test-" + run;
    MessagingHarness app;
    Connection rabbit;
    Channel channel;

    @BeforeAll
    void start() throws Exception {
        requireServer("RabbitMQ", 5672);
        requireServer("Mosquitto", 1883);
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(5672);
        f.setUsername("guest");
        f.setPassword("guest");
        rabbit = f.newConnection();
        channel = rabbit.createChannel();
        // test queues go away when the test's connections close
        channel.queueDeclare(rabbitQueue, false, false, true, null);
        channel.queueDeclare(rabbitReplies, false, false, true, null);
        app = new MessagingHarness(dir.resolve("state"))
                .set("messaging.inbound", "spring-rabbitmq:default?queues=" + rabbitQueue + "&autoDeclare=false,"
                        + "paho-mqtt5:" + mqttTopic + "?brokerUrl=tcp://127.0.0.1:1883&clientId=gd-test-" + run)
                .set("messaging.max-bytes", "1000")
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (rabbit != null) {
            rabbit.close();
        }
    }

    @Test
    void rabbitMqRequestBecomesAJobAndTheReplyCarriesTheCorrelationId() throws Exception {
        String name = "rabbit-" + run + ".txt";
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("rmq-" + run)
                .correlationId("corr-rmq-" + run).replyTo(rabbitReplies).contentType("text/plain")
                .headers(Map.of("DigestName", name, "DigestLanguage", "Italian")).build();
        byte[] content = ("Hello over RabbitMQ " + run).getBytes(StandardCharsets.UTF_8);
        channel.basicPublish("", rabbitQueue, props, content);
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 1);
        MessagingHarness.Received r = app.named(name).get(0);
        assertThat(r.bytes()).isEqualTo(content);
        assertThat(r.request().source()).isEqualTo("rabbitmq");
        assertThat(r.request().messageId()).isEqualTo("rabbitmq:rmq-" + run);
        assertThat(r.request().options()).containsEntry("language", "Italian");
        assertThat(r.request().correlationId()).isEqualTo("corr-rmq-" + run);
        assertThat(r.request().replyTo()).isEqualTo("spring-rabbitmq:default?routingKey=" + rabbitReplies);

        // the same message again (same message id): the store answers duplicate, nothing new
        channel.basicPublish("", rabbitQueue, props, content);
        await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 2);
        assertThat(app.named(name).get(1).duplicate()).isTrue();

        app.sendReply(r.request().replyTo(), r.request().correlationId(), "{\"status\":\"done\",\"run\":\"" + run
                + "\"}");
        GetResponse reply = null;
        for (int i = 0; i < 100 && reply == null; i++) {
            reply = channel.basicGet(rabbitReplies, true);
            if (reply == null) {
                Thread.sleep(100);
            }
        }
        assertThat(reply).as("reply on " + rabbitReplies).isNotNull();
        assertThat(reply.getProps().getCorrelationId()).isEqualTo("corr-rmq-" + run);
        assertThat(new String(reply.getBody(), StandardCharsets.UTF_8)).contains(run);
        // nothing is left unacknowledged on the request queue
        assertThat(channel.queueDeclarePassive(rabbitQueue).getMessageCount()).isZero();
    }

    @Test
    void rabbitMqPoisonMessageGoesToTheDeadLetterQueueAndIsAcknowledged() throws Exception {
        channel.basicPublish("", rabbitQueue, new AMQP.BasicProperties.Builder().contentType("application/json")
                .build(), ("{\"name\": \"broken-" + run).getBytes(StandardCharsets.UTF_8));
        try (var jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + app.brokerPort()).createConnection()) {
            jms.start();
            var s = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            var dlq = s.createConsumer(s.createQueue("digest.dlq"));
            jakarta.jms.Message letter = dlq.receive(15_000);
            assertThat(letter).isNotNull();
            assertThat(letter.getStringProperty("DigestDlqReason")).isEqualTo("malformed-json");
            assertThat(dlq.receive(1000)).as("no redelivery loop").isNull();
        }
        assertThat(channel.queueDeclarePassive(rabbitQueue).getMessageCount()).isZero();
    }

    @Test
    void mqttRequestBecomesAJobAndTheReplyCarriesTheCorrelationData() throws Exception {
        String name = "mqtt-" + run + ".txt";
        MqttClient client = new MqttClient("tcp://127.0.0.1:1883", "gd-test-client-" + run, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        try {
            LinkedBlockingQueue<MqttMessage> replies = new LinkedBlockingQueue<>();
            // (paho 1.2.5's subscribe(String, int, listener) calls itself forever: the array form works)
            client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(mqttReplies, 1) },
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] { (topic, message) -> replies.add(message) });
            MqttMessage request = new MqttMessage(("Hello over MQTT " + run).getBytes(StandardCharsets.UTF_8));
            request.setQos(1);
            MqttProperties props = new MqttProperties();
            props.setResponseTopic(mqttReplies);
            props.setCorrelationData(("corr-mqtt-" + run).getBytes(StandardCharsets.UTF_8));
            props.setUserProperties(List.of(new UserProperty("DigestName", name),
                    new UserProperty("DigestTask", "summarize")));
            request.setProperties(props);
            client.publish(mqttTopic, request);

            await().atMost(Duration.ofSeconds(20)).until(() -> app.named(name).size() == 1);
            MessagingHarness.Received r = app.named(name).get(0);
            assertThat(r.text()).isEqualTo("Hello over MQTT " + run);
            assertThat(r.request().source()).isEqualTo("mqtt");
            assertThat(r.request().options()).containsEntry("task", "summarize");
            assertThat(r.request().correlationId()).isEqualTo("corr-mqtt-" + run);
            assertThat(r.request().replyTo()).startsWith("paho-mqtt5:" + mqttReplies + "?");

            app.sendReply(r.request().replyTo(), r.request().correlationId(), "{\"status\":\"done\"}");
            MqttMessage reply = replies.poll(15, TimeUnit.SECONDS);
            assertThat(reply).isNotNull();
            assertThat(new String(reply.getProperties().getCorrelationData(), StandardCharsets.UTF_8))
                    .isEqualTo("corr-mqtt-" + run);
            assertThat(reply.getProperties().getUserProperties()).extracting(UserProperty::getValue)
                    .contains("corr-mqtt-" + run);
            assertThat(new String(reply.getPayload(), StandardCharsets.UTF_8)).contains("done");
        } finally {
            client.disconnect();
            client.close();
        }
    }

    private static void requireServer(String what, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        } catch (IOException e) {
            fail(what + " is not answering on 127.0.0.1:" + port + " (.ci/run starts it): " + e.getMessage());
        }
    }
}

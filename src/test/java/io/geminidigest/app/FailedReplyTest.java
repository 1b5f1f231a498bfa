package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.job.JobRecord;
import io.geminidigest.job.JobReply;
import io.geminidigest.job.JobStore;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.Answer;

/**
 * A reply whose destination refuses it, then takes it (the whole application, long-running, against
 * {@link FakeGemini}; requests and results by MQTT 5 on the local Mosquitto, topics unique to the run). The results
 * endpoint's broker address is a local port where nothing listens at first (connection refused), later a relay to
 * Mosquitto: the failed send is kept in the outbox with its reason, sent again after
 * {@code messaging.reply-retry-seconds}, and the reply arrives exactly once.
 */
class FailedReplyTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void aReplyTheDestinationRefusedIsKeptWithItsReasonAndArrivesOnceWhenItTakesIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String requests = "digest/requests/fr-" + run;
        String results = "digest/results/fr-" + run;
        int relayPort = freePort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 1883), 2000);
        } catch (IOException e) {
            fail("Mosquitto is not answering on 127.0.0.1:1883 (.ci/run starts it): " + e.getMessage());
        }
        MqttClient client = new MqttClient("tcp://127.0.0.1:1883", "gd-fr-client-" + run, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        LinkedBlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        client.subscribe(new MqttSubscription[] { new MqttSubscription(results, 1) },
                new IMqttMessageListener[] { (topic, message) -> received.add(message) });

        FakeGemini fake = FakeGemini.start().validKey(FakeGemini.KEY);
        fake.respondWith(call -> Answer.text("Summary of the refused reply."));
        DigestRun app = new DigestRun(root).against(fake)
                .set("messaging.inbound", "paho-mqtt5:" + requests + "?brokerUrl=tcp://127.0.0.1:1883&clientId=gd-fr-app-"
                        + run)
                .set("messaging.results", "paho-mqtt5:" + results + "?brokerUrl=tcp://127.0.0.1:" + relayPort
                        + "&clientId=gd-fr-reply-" + run)
                .set("messaging.reply-retry-seconds", "1")
                .set("messaging.reply-resend-ms", "500")
                .startWatching();
        Relay relay = null;
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (app.running().isDone()) {
                    app.running().join(); // start-up failed: its exception
                }
                var camel = app.camel();
                var status = camel == null ? null : camel.getRouteController().getRouteStatus("ingest-broker-1");
                return status != null && status.isStarted();
            });
            MqttMessage request = new MqttMessage("A document whose reply is refused first.\n"
                    .getBytes(StandardCharsets.UTF_8));
            request.setQos(1);
            MqttProperties props = new MqttProperties();
            props.setUserProperties(List.of(new UserProperty("DigestName", "refused.txt"),
                    new UserProperty("DigestMessageId", "fr-" + run)));
            request.setProperties(props);
            client.publish(requests, request);

            // the job is done; its reply could not be sent: kept due, with the reason
            JobStore store = app.camel().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
            JobRecord job = await().atMost(Duration.ofSeconds(60)).until(() -> store.list(null, "mqtt", 0, 10).jobs()
                    .stream().filter(j -> j.name().endsWith("/refused.txt")).findFirst().orElse(null),
                    j -> j != null && !store.replies(j.id()).isEmpty()
                            && store.replies(j.id()).get(0).lastError() != null);
            JobReply failed = store.replies(job.id()).get(0);
            assertThat(failed.status()).isEqualTo(JobReply.Status.PENDING);
            assertThat(failed.lastError()).as("the reason").isNotBlank();
            assertThat(received).as("nothing arrived while refused").isEmpty();

            // the destination takes replies now: the outbox sends it again, once
            relay = new Relay(relayPort, 1883);
            MqttMessage reply = received.poll(60, TimeUnit.SECONDS);
            assertThat(reply).as("the reply after the destination came up").isNotNull();
            JsonNode body = JSON.readTree(reply.getPayload());
            assertThat(body.path("id").asText()).isEqualTo(job.id());
            assertThat(body.path("status").asText()).as(body.toString()).isEqualTo("done");
            assertThat(body.path("summary").asText()).contains("Summary of the refused reply.");
            await().atMost(Duration.ofSeconds(10)).until(() -> store.replies(job.id()).get(0).status()
                    == JobReply.Status.SENT);
            JobReply sent = store.replies(job.id()).get(0);
            assertThat(sent.attempts()).as("refused, then sent").isGreaterThanOrEqualTo(2);
            assertThat(store.replies(job.id())).hasSize(1);
            // exactly once: no second reply comes (a window has to be waited here)
            assertThat(received.poll(3, TimeUnit.SECONDS)).as("a second reply").isNull();
        } finally {
            app.stop();
            fake.close();
            if (relay != null) {
                relay.close();
            }
            client.disconnect();
            client.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A TCP relay from a local port to another (the results broker "coming up"). */
    static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Relay(int port, int target) throws IOException {
            server = new ServerSocket(port, 10, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket("127.0.0.1", target);
                        sockets.add(in);
                        sockets.add(out);
                        pump(in, out);
                        pump(out, in);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "relay-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // a side closed
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}

package io.geminidigest.app;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * Round trips by MQTT 5 (the local Mosquitto on 127.0.0.1:1883; topics unique to the run): name and message id are
 * user properties, the reply goes to the response topic with the request's correlation data. A server that is down
 * fails the test.
 */
class MqttRoundTripTest extends MessageRoundTrips {

    MqttClient client;
    final Map<String, LinkedBlockingQueue<MqttMessage>> replies = new ConcurrentHashMap<>();

    String requests() {
        return "digest/requests/rt-" + run;
    }

    @Override
    String source() {
        return "mqtt";
    }

    @Override
    void startServers() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 1883), 2000);
        } catch (IOException e) {
            fail("Mosquitto is not answering on 127.0.0.1:1883 (.ci/run starts it): " + e.getMessage());
        }
        client = new MqttClient("tcp://127.0.0.1:1883", "gd-rt-client-" + run, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
    }

    @Override
    void stopServers() throws Exception {
        if (client != null && client.isConnected()) {
            client.disconnect();
            client.close();
        }
    }

    @Override
    String inboundUri() {
        return "paho-mqtt5:" + requests() + "?brokerUrl=tcp://127.0.0.1:1883&clientId=gd-rt-app-" + run;
    }

    @Override
    String replyDestination(String what) {
        return "digest/replies/rt-" + what + "-" + run;
    }

    @Override
    void listen(String replyTo) throws Exception {
        LinkedBlockingQueue<MqttMessage> queue = new LinkedBlockingQueue<>();
        replies.put(replyTo, queue);
        // (paho 1.2.5's subscribe(String, int, listener) calls itself forever: the array form works)
        client.subscribe(new MqttSubscription[] { new MqttSubscription(replyTo, 1) },
                new IMqttMessageListener[] { (topic, message) -> queue.add(message) });
    }

    @Override
    void send(Request request) throws Exception {
        MqttMessage m = new MqttMessage(request.content());
        m.setQos(1);
        MqttProperties props = new MqttProperties();
        props.setResponseTopic(request.replyTo());
        props.setCorrelationData(request.correlationId().getBytes(StandardCharsets.UTF_8));
        props.setUserProperties(List.of(new UserProperty("DigestName", request.name()),
                new UserProperty("DigestMessageId", request.messageId())));
        m.setProperties(props);
        client.publish(requests(), m);
    }

    @Override
    void sendBody(byte[] body) throws Exception {
        MqttMessage m = new MqttMessage(body);
        m.setQos(1);
        client.publish(requests(), m);
    }

    @Override
    Reply receive(String replyTo, Duration timeout) throws Exception {
        MqttMessage m = replies.get(replyTo).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            return null;
        }
        byte[] correlation = m.getProperties().getCorrelationData();
        return new Reply(correlation == null ? null : new String(correlation, StandardCharsets.UTF_8),
                JSON.readTree(m.getPayload()));
    }
}

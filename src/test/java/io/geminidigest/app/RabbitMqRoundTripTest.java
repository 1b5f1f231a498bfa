package io.geminidigest.app;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

/**
 * Round trips by RabbitMQ (the local server on 127.0.0.1:5672, guest/guest; queues unique to the run, gone when the
 * test's connection closes): the message id and reply-to are the AMQP 0-9-1 properties, the reply carries the
 * request's correlation_id. A server that is down fails the test.
 */
class RabbitMqRoundTripTest extends MessageRoundTrips {

    com.rabbitmq.client.Connection rabbit;
    Channel channel;

    String requests() {
        return "digest.requests.rt-" + run;
    }

    @Override
    String source() {
        return "rabbitmq";
    }

    @Override
    void startServers() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5672), 2000);
        } catch (IOException e) {
            fail("RabbitMQ is not answering on 127.0.0.1:5672 (.ci/run starts it): " + e.getMessage());
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(5672);
        f.setUsername("guest");
        f.setPassword("guest");
        rabbit = f.newConnection();
        channel = rabbit.createChannel();
        channel.queueDeclare(requests(), false, false, true, null);
    }

    @Override
    void stopServers() throws Exception {
        if (rabbit != null) {
            rabbit.close();
        }
    }

    @Override
    String inboundUri() {
        return "spring-rabbitmq:default?queues=" + requests() + "&autoDeclare=false";
    }

    @Override
    String replyDestination(String what) {
        return "digest.replies.rt-" + what + "-" + run;
    }

    @Override
    void listen(String replyTo) throws Exception {
        channel.queueDeclare(replyTo, false, false, true, null);
    }

    @Override
    void send(Request request) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(request.messageId())
                .correlationId(request.correlationId()).replyTo(request.replyTo()).contentType("text/plain")
                .headers(Map.of("DigestName", request.name())).build();
        channel.basicPublish("", requests(), props, request.content());
    }

    @Override
    void sendBody(byte[] body) throws Exception {
        channel.basicPublish("", requests(), new AMQP.BasicProperties.Builder().build(), body);
    }

    @Override
    Reply receive(String replyTo, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        do {
            GetResponse r = channel.basicGet(replyTo, true);
            if (r != null) {
                return new Reply(r.getProps().getCorrelationId(), JSON.readTree(r.getBody()));
            }
            Thread.sleep(100);
        } while (System.nanoTime() < until);
        return null;
    }
}

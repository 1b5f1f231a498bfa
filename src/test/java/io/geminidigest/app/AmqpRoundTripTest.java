package io.geminidigest.app;

import java.time.Duration;

import org.apache.qpid.jms.JmsConnectionFactory;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

/**
 * Round trips by AMQP 1.0 (camel-amqp consuming from the embedded Artemis; the test's client is Qpid JMS): the
 * reply goes to the request's JMSReplyTo with its JMSCorrelationID.
 */
class AmqpRoundTripTest extends MessageRoundTrips {

    @Override
    String source() {
        return "amqp";
    }

    @Override
    String inboundUri() {
        return "amqp:queue:digest.requests.amqp-" + run;
    }

    @Override
    String replyDestination(String what) {
        return "digest.replies.amqp-" + what + "-" + run;
    }

    private JmsConnectionFactory client() {
        return new JmsConnectionFactory("amqp://127.0.0.1:" + app.properties.get("broker.port"));
    }

    @Override
    void send(Request request) throws Exception {
        try (Connection c = client().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(request.content());
            m.setStringProperty("DigestName", request.name());
            m.setStringProperty("DigestMessageId", request.messageId());
            m.setJMSCorrelationID(request.correlationId());
            m.setJMSReplyTo(s.createQueue(request.replyTo()));
            s.createProducer(s.createQueue("digest.requests.amqp-" + run)).send(m);
        }
    }

    @Override
    void sendBody(byte[] body) throws Exception {
        try (Connection c = client().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            s.createProducer(s.createQueue("digest.requests.amqp-" + run)).send(m);
        }
    }

    @Override
    Reply receive(String replyTo, Duration timeout) throws Exception {
        try (Connection c = client().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue(replyTo))) {
                Message m = consumer.receive(timeout.toMillis());
                return m == null ? null : new Reply(m.getJMSCorrelationID(), JSON.readTree(m.getBody(String.class)));
            }
        }
    }
}

package io.geminidigest.broker;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Prepares the reply of a finished job ({@code direct:send-reply}): where it goes and how it carries the request's
 * correlation id on each kind of broker (JMSCorrelationID for JMS and AMQP, the {@code correlation_id} property for
 * RabbitMQ, a {@code correlationId} record header and key for Kafka, MQTT 5 correlation data and a user property).
 *
 * <p>Input: header or exchange property {@code replyTo} (an endpoint URI of a shipped kind, or a destination name
 * resolved against {@code source}, also a header or property, defaulting to the kind of {@code messaging.results}),
 * {@code correlationId}, and the result JSON as the body (a String, bytes, or a Map that is written as JSON).
 */
public final class Replies {

    /** The property holding the endpoint URI the reply is sent to. */
    public static final String REPLY_URI = "replyUri";

    private final String resultsUri;
    private final ObjectMapper json = new ObjectMapper();

    public Replies(String resultsUri) {
        this.resultsUri = resultsUri;
    }

    public void prepare(Exchange exchange) throws JsonProcessingException {
        String replyTo = lookup(exchange, "replyTo");
        String correlationId = lookup(exchange, "correlationId");
        String source = lookup(exchange, "source");
        String uri = resolve(replyTo, source);
        SourceKind kind = SourceKind.ofUri(uri).orElseThrow();

        Message m = exchange.getMessage();
        Object body = m.getBody();
        String text = body instanceof String s ? s
                : body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                : json.writeValueAsString(body);
        // nothing of the job's own exchange leaks into the reply
        m.getHeaders().clear();
        m.setBody(text);
        exchange.setProperty(REPLY_URI, uri);
        m.setHeader("Content-Type", "application/json");
        if (correlationId == null) {
            return;
        }
        switch (kind) {
            case JMS, AMQP -> m.setHeader("JMSCorrelationID", correlationId);
            case RABBITMQ -> {
                m.setHeader("CamelSpringRabbitmqCorrelationId", correlationId);
                m.setHeader("CamelSpringRabbitmqContentType", "application/json");
                m.removeHeader("Content-Type");
            }
            case KAFKA -> {
                m.setHeader("correlationId", correlationId);
                m.setHeader("kafka.KEY", correlationId);
            }
            case MQTT -> {
                MqttProperties p = new MqttProperties();
                p.setCorrelationData(correlationId.getBytes(StandardCharsets.UTF_8));
                p.setContentType("application/json");
                p.setUserProperties(List.of(new UserProperty("correlationId", correlationId)));
                m.setHeader("CamelPahoMqtt5MsgProperties", p);
                m.removeHeader("Content-Type");
            }
        }
    }

    /** The endpoint URI for {@code replyTo}: a URI of a shipped kind as it is, a name on the source's broker. */
    String resolve(String replyTo, String source) {
        if (replyTo == null || replyTo.isBlank()) {
            return resultsUri;
        }
        if (SourceKind.ofUri(replyTo).isPresent()) {
            return replyTo;
        }
        SourceKind kind = SourceKind.ofSource(source).or(() -> SourceKind.ofUri(resultsUri))
                .orElseThrow(() -> new IllegalArgumentException("cannot tell where to send the reply to " + replyTo));
        return kind.destinationUri(replyTo, null);
    }

    private static String lookup(Exchange exchange, String name) {
        Object v = exchange.getMessage().getHeader(name);
        if (v == null) {
            v = exchange.getProperty(name);
        }
        if (v instanceof Map<?, ?> map) {
            v = map.get(name);
        }
        return v == null ? null : v.toString();
    }
}

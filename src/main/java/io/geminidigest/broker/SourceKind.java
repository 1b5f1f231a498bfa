package io.geminidigest.broker;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The message ways in that are shipped and tested, by the Camel component that speaks them, and how a bare
 * destination name (a reply queue, topic or routing key named by a message) becomes an endpoint URI on the same
 * broker.
 */
public enum SourceKind {
    JMS("jms", "jms"),
    AMQP("amqp", "amqp"),
    RABBITMQ("rabbitmq", "spring-rabbitmq"),
    KAFKA("kafka", "kafka"),
    MQTT("mqtt", "paho-mqtt5");

    /** What a message may name as its reply destination: never a URI, never options, never wildcards. */
    private static final Pattern DESTINATION_NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,200}");

    private final String source;
    private final String scheme;

    SourceKind(String source, String scheme) {
        this.source = source;
        this.scheme = scheme;
    }

    /** The {@code source} of a {@link io.geminidigest.job.JobRequest}. */
    public String source() {
        return source;
    }

    /** The Camel component scheme. */
    public String scheme() {
        return scheme;
    }

    /** The kind of a Camel endpoint URI ({@code jms:queue:x}, {@code kafka:topic?...}). */
    public static Optional<SourceKind> ofUri(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? "" : uri.substring(0, colon).strip();
        return Arrays.stream(values()).filter(k -> k.scheme.equals(scheme)).findFirst();
    }

    /** The kind named by a request's {@code source}. */
    public static Optional<SourceKind> ofSource(String source) {
        return Arrays.stream(values()).filter(k -> k.source.equals(source)).findFirst();
    }

    public static boolean isDestinationName(String name) {
        return name != null && DESTINATION_NAME.matcher(name).matches() && !name.contains("..");
    }

    /**
     * The endpoint URI of destination {@code name} on the same broker as {@code connection}: for Kafka its
     * {@code brokers}, for MQTT its {@code brokerUrl} (null: the component's configuration).
     */
    public String destinationUri(String name, String connection) {
        if (!isDestinationName(name)) {
            throw new PoisonMessageException("invalid-reply-to", "not a destination name: " + name);
        }
        return switch (this) {
            case JMS, AMQP -> name.startsWith("topic:") || name.startsWith("queue:") ? scheme + ":" + name
                    : scheme + ":queue:" + name;
            // the default exchange routes by queue name
            case RABBITMQ -> "spring-rabbitmq:default?routingKey=" + encode(name);
            case KAFKA -> "kafka:" + name + (connection == null ? "" : "?brokers=" + encode(connection));
            case MQTT -> "paho-mqtt5:" + name + "?qos=1" + (connection == null ? "" : "&brokerUrl=" + encode(connection));
        };
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

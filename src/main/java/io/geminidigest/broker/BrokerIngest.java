package io.geminidigest.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geminidigest.limits.Parking;

/**
 * The broker consumers: one route per URI of {@code messaging.inbound}, made from the YAML route template
 * {@code broker-ingest} (routes/brokers.camel.yaml) with ids {@code ingest-broker-1}, {@code ingest-broker-2}, ...
 * Each URI gets the delivery options its kind needs unless it sets them itself (a transacted session for JMS and
 * AMQP, manual offset commits for Kafka, manual acknowledgements and QoS 1 for MQTT, no automatic replies).
 *
 * <p>Flow control: the consumers are suspended while the gateway is parked (per-day quota, spend cap; this is a
 * parking listener of the limiter) or while the local backlog is over {@code messaging.max-backlog}, so work waits
 * on the broker; they resume by themselves when both are over.
 */
public final class BrokerIngest implements Consumer<Optional<Parking>> {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest");

    /** The template in routes/brokers.camel.yaml. */
    public static final String TEMPLATE = "broker-ingest";
    public static final String ROUTE_PREFIX = "ingest-broker-";

    /** Delivery options per kind, added to an inbound URI that does not set them. */
    private static final Map<SourceKind, Map<String, String>> DELIVERY = Map.of(
            SourceKind.JMS, Map.of("transacted", "true", "disableReplyTo", "true"),
            SourceKind.AMQP, Map.of("transacted", "true", "disableReplyTo", "true"),
            // the attempts are Camel's (routes/brokers.camel.yaml); the listener's own retry would multiply them, and
            // its default recoverer rejects without requeue, which drops the message unless the queue has a
            // dead-letter exchange: what still fails (the dead-letter endpoint is down) is requeued instead
            SourceKind.RABBITMQ, Map.of("disableReplyTo", "true", "acknowledgeMode", "AUTO",
                    "maximumRetryAttempts", "1", "rejectAndDontRequeue", "false"),
            // the document arrives as bytes: Camel's default value deserializer (a string) would replace every byte
            // sequence that is not UTF-8 (a PDF, a DOCX, Latin-1 text) with U+FFFD
            SourceKind.KAFKA, Map.of("allowManualCommit", "true", "autoCommitEnable", "false",
                    "breakOnFirstError", "true",
                    "valueDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer"),
            SourceKind.MQTT, Map.of("manualAcksEnabled", "true", "qos", "1"));

    private final CamelContext context;
    private final List<String> uris;
    private final long maxBacklog;
    private final Set<String> pausedFor = ConcurrentHashMap.newKeySet();
    private final List<String> routeIds = new ArrayList<>();
    private final ExecutorService executor;
    private volatile boolean started;

    public BrokerIngest(CamelContext context, String inbound, long maxBacklog) {
        this.context = context;
        this.uris = Arrays.stream(inbound == null ? new String[0] : inbound.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        this.maxBacklog = maxBacklog;
        this.executor = context.getExecutorServiceManager().newSingleThreadExecutor(this, "broker-flow");
    }

    /** Adds one route per inbound URI (not started yet); returns their ids. */
    public synchronized List<String> install() throws Exception {
        if (!routeIds.isEmpty()) {
            return List.copyOf(routeIds);
        }
        int n = 0;
        for (String uri : uris) {
            String id = ROUTE_PREFIX + (++n);
            String full = withDeliveryOptions(uri);
            context.addRouteFromTemplate(id, TEMPLATE, Map.of("uri", full));
            routeIds.add(id);
            LOG.info("broker ingest {}: {}", id, org.apache.camel.util.URISupport.sanitizeUri(full));
        }
        return List.copyOf(routeIds);
    }

    /** The route that sends the replies still due (routes/jobs.camel.yaml); it is not paused with the consumers. */
    public static final String OUTBOX_ROUTE = "replies-outbox";

    /**
     * Starts the consumers (after the preflight passed), unless paused, and the reply outbox (replies left due by an
     * earlier run go at once).
     */
    public synchronized void start() throws Exception {
        started = true;
        if (context.getRoute(OUTBOX_ROUTE) != null) {
            context.getRouteController().startRoute(OUTBOX_ROUTE);
        }
        if (pausedFor.isEmpty()) {
            for (String id : routeIds) {
                context.getRouteController().startRoute(id);
            }
        }
    }

    public List<String> routeIds() {
        return List.copyOf(routeIds);
    }

    /** The parking listener: parked pauses the consumers, the end of parking resumes them. */
    @Override
    public void accept(Optional<Parking> parking) {
        if (parking.isPresent()) {
            pause("parked");
        } else {
            resume("parked");
        }
    }

    /** Tells how many accepted jobs wait locally; over {@code messaging.max-backlog} the consumers pause. */
    public void backlog(long waiting) {
        if (maxBacklog > 0 && waiting >= maxBacklog) {
            pause("backlog");
        } else if (waiting < Math.max(1, maxBacklog * 8 / 10)) {
            resume("backlog");
        }
    }

    public void pause(String reason) {
        if (pausedFor.add(reason)) {
            executor.submit(this::apply);
        }
    }

    public void resume(String reason) {
        if (pausedFor.remove(reason)) {
            executor.submit(this::apply);
        }
    }

    public boolean isPaused() {
        return !pausedFor.isEmpty();
    }

    private synchronized void apply() {
        boolean pause = !pausedFor.isEmpty();
        for (String id : routeIds) {
            try {
                var status = context.getRouteController().getRouteStatus(id);
                if (pause && status != null && status.isStarted()) {
                    context.getRouteController().suspendRoute(id);
                } else if (!pause && started && status != null && (status.isSuspended() || status.isStopped())) {
                    context.getRouteController().resumeRoute(id);
                    if (context.getRouteController().getRouteStatus(id).isStopped()) {
                        context.getRouteController().startRoute(id);
                    }
                }
            } catch (Exception e) {
                LOG.error("could not {} {}: {}", pause ? "pause" : "resume", id, e.getMessage());
            }
        }
        if (!routeIds.isEmpty()) {
            LOG.info(pause ? "broker consumers paused ({}): messages wait on the broker" : "broker consumers resumed{}",
                    pause ? String.join(", ", pausedFor) : "");
        }
    }

    /** The URI with the kind's delivery options added where the URI does not set them. */
    static String withDeliveryOptions(String uri) {
        SourceKind kind = SourceKind.ofUri(uri).orElseThrow(() -> new IllegalArgumentException(
                "messaging.inbound: not a shipped message endpoint (jms, amqp, spring-rabbitmq, kafka, paho-mqtt5): "
                        + uri));
        StringBuilder out = new StringBuilder(uri);
        String query = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
        Set<String> present = ConcurrentHashMap.newKeySet();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                present.add(pair.split("=", 2)[0]);
            }
        }
        char sep = uri.contains("?") ? '&' : '?';
        for (var e : new java.util.TreeMap<>(DELIVERY.get(kind)).entrySet()) {
            if (!present.contains(e.getKey())) {
                out.append(sep).append(e.getKey()).append('=').append(e.getValue());
                sep = '&';
            }
        }
        return out.toString();
    }
}

package io.geminidigest.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;

import io.geminidigest.job.JobRequest;

/**
 * The messaging part of the application on its own: the shipped configuration with test overrides, the real
 * routes/brokers.camel.yaml, the real wiring ({@link Messaging}), the consumers made from the template, and a stub
 * job store on {@code direct:accept-job} that records requests and is idempotent by message id and by content.
 */
final class MessagingHarness implements AutoCloseable {

    /** What the stub store received. */
    record Received(JobRequest request, byte[] bytes, boolean duplicate, String jobId) {
        String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    final Path stateDir;
    final Properties properties = new Properties();
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** The store fails this many more calls (a transient failure: the message must be delivered again). */
    final AtomicInteger failures = new AtomicInteger();
    /** The store fails this many more calls for the request of this name (Integer.MAX_VALUE: every call). */
    final Map<String, Integer> failuresByName = new ConcurrentHashMap<>();
    /** Calls the store received, by request name (failed ones included). */
    final Map<String, AtomicInteger> callsByName = new ConcurrentHashMap<>();
    private final Map<String, String> jobsByKey = new ConcurrentHashMap<>();
    private final AtomicInteger jobIds = new AtomicInteger();
    CamelContext context;
    BrokerIngest ingest;
    ProducerTemplate template;

    MessagingHarness(Path stateDir) {
        this.stateDir = stateDir;
        properties.put("broker.port", Integer.toString(freePort()));
        properties.put("broker.max-disk-usage", "-1");
        properties.put("broker.redelivery-delay-ms", "100");
        properties.put("broker.max-delivery-attempts", "3");
        properties.put("messaging.max-delivery-attempts", "3");
        properties.put("messaging.redelivery-delay-ms", "100");
        properties.put("messaging.max-redelivery-delay-ms", "200");
    }

    MessagingHarness set(String key, String value) {
        properties.put(key, value);
        return this;
    }

    int brokerPort() {
        return Integer.parseInt(properties.getProperty("broker.port"));
    }

    MessagingHarness start() throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext();
        context = ctx;
        ctx.getPropertiesComponent().setLocation("classpath:application.properties");
        ctx.getPropertiesComponent().setOverrideProperties(properties);
        ingest = Messaging.configure(ctx, key -> ctx.getPropertiesComponent().resolveProperty(key).orElse("").strip(),
                stateDir);
        PluginHelper.getRoutesLoader(ctx).loadRoutes(
                PluginHelper.getResourceLoader(ctx).resolveResource("classpath:routes/brokers.camel.yaml"));
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // as the real accept-job route (routes/jobs.camel.yaml): no error handler of its own, a failure
                // goes back to the broker route's
                from("direct:accept-job").routeId("stub-accept-job").errorHandler(noErrorHandler())
                        .process(MessagingHarness.this::accept);
            }
        });
        ctx.start();
        template = ctx.createProducerTemplate();
        ingest.install();
        ingest.start();
        return this;
    }

    /** The stub store: idempotent by message id and by SHA-256 of the content. */
    private synchronized void accept(Exchange exchange) throws Exception {
        JobRequest request = exchange.getMessage().getMandatoryBody(JobRequest.class);
        callsByName.computeIfAbsent(request.name(), n -> new AtomicInteger()).incrementAndGet();
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("store unavailable (test)");
        }
        Integer left = failuresByName.computeIfPresent(request.name(),
                (n, count) -> count == Integer.MAX_VALUE ? count : count - 1);
        if (left != null && (left == Integer.MAX_VALUE || left >= 0)) {
            // an error that quotes a secret, as a driver's message may: the dead letter must not
            throw new IllegalStateException("store unavailable (test): cannot reach jdbc:postgresql://digest:"
                    + "hunter2secret@db.example:5432/jobs?password=hunter2secret");
        }
        byte[] bytes = Files.readAllBytes(request.spooled());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String existing = request.messageId() == null ? null : jobsByKey.get("id:" + request.messageId());
        if (existing == null) {
            existing = jobsByKey.get("sha:" + sha);
        }
        boolean duplicate = existing != null;
        String id = duplicate ? existing : "job-" + jobIds.incrementAndGet();
        if (!duplicate) {
            if (request.messageId() != null) {
                jobsByKey.put("id:" + request.messageId(), id);
            }
            jobsByKey.put("sha:" + sha, id);
        }
        received.add(new Received(request, bytes, duplicate, id));
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", id);
        job.put("status", "queued");
        job.put("duplicate", duplicate);
        exchange.getMessage().setBody(job);
    }

    List<Received> named(String name) {
        return received.stream().filter(r -> r.request().name().equals(name)).toList();
    }

    /** Sends a finished job's result through the real direct:send-reply. */
    void sendReply(String replyTo, String correlationId, String resultJson) {
        Exchange done = template.send("direct:send-reply", e -> {
            e.setProperty("replyTo", replyTo);
            e.setProperty("correlationId", correlationId);
            e.getMessage().setBody(resultJson);
        });
        if (done.getException() != null) {
            throw new IllegalStateException("send-reply failed", done.getException());
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (template != null) {
            template.close();
        }
        if (context != null) {
            context.close();
        }
    }
}

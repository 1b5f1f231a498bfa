package io.geminidigest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.app.JobDispatcher;
import io.geminidigest.job.JobStatus;
import io.geminidigest.job.JobStore;
import io.geminidigest.testing.FakeGemini;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import kafka.testkit.KafkaClusterTestKit;

/**
 * The messaging layer against a zero-latency fake: jobs/s accepted and completed through JMS (the embedded Artemis),
 * Kafka (a single-node KRaft broker in this JVM, as in {@code KafkaIngestTest}) and the HTTP jobs API, beside the
 * folder path on the same documents; the latency the messaging layer adds per job at low load; the memory and disk
 * that 10,000 queued jobs take.
 *
 * <ol>
 *   <li><b>Throughput</b>: one application in long-running mode (folder watcher, HTTP server, embedded broker, a JMS
 *       and a Kafka consumer), warmed up first. Per way in, {@code documents} distinct copies of the 13 samples
 *       ({@link BenchDocuments}) are sent at once; <i>accepted</i> is from the first send until the store holds them
 *       all (HTTP: the last 202), <i>completed</i> until the last reply was received (JMS, Kafka), the store's
 *       listing says all are final (HTTP, polled every 100 ms) or all sidecars are written (folder, polled every
 *       100 ms).</li>
 *   <li><b>Added latency</b>: {@code latencyJobs} jobs per way in, one at a time (the next is sent when the previous
 *       reply arrived). Per job, in this JVM's clock: end-to-end = reply received - send; pipeline =
 *       {@code timings.totalMillis} of the sidecar in the reply (from the start of {@code direct:process-job} to the
 *       sidecar); added = end-to-end - pipeline, split into before (send to {@code timings.startedAt}: intake,
 *       store, dispatcher, queue) and after ({@code timings.finishedAt} to the reply received).</li>
 *   <li><b>10,000 queued jobs</b>: a fresh application JVM ({@code -Xmx512m}) with the dispatcher stopped takes
 *       {@code queued} small text jobs by HTTP; heap used after a full GC before and after, the store file, the
 *       spool; then (unless {@code drainSeconds} is 0) the dispatcher is started and the queue drained.</li>
 * </ol>
 * Usage: {@code MessagingBench [documents=200] [latencyJobs=20] [queued=10000] [drainSeconds=900] [key=value ...]}
 * ({@code key=value}: application settings for both parts, e.g. {@code jobs.poll-ms=50}).
 * {@code MessagingBench --queued-child <baseUrl> <dir> <queued> <drainSeconds> [key=value ...]} is the child.
 */
public final class MessagingBench {

    static final double MB = 1_000_000.0;
    static final String CHILD_LINE = "BENCH-QUEUED ";
    static final String CHILD_HEAP = "512m";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final Duration LONG = Duration.ofMinutes(30);

    private MessagingBench() {
    }

    /** One document to send: a unique name and its bytes. */
    record Doc(String name, byte[] bytes) {
    }

    /** One job of the low-load run: when it was sent and received, and the sidecar's timings. */
    record Timed(Instant sent, Instant received, JsonNode timings) {
        long endToEnd() {
            return Duration.between(sent, received).toMillis();
        }

        long pipeline() {
            return timings.path("totalMillis").asLong();
        }

        long before() {
            return Duration.between(sent, Instant.parse(timings.path("startedAt").asText())).toMillis();
        }

        long after() {
            return Duration.between(Instant.parse(timings.path("finishedAt").asText()), received).toMillis();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--queued-child")) {
            try {
                queuedChild(args);
            } catch (Throwable t) {
                t.printStackTrace();
                System.out.flush();
                Runtime.getRuntime().halt(1); // the application's threads would keep the JVM (and the parent) waiting
            }
            return;
        }
        List<Integer> numbers = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String a : args) {
            if (a.contains("=")) {
                settings.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                numbers.add(Integer.parseInt(a));
            }
        }
        int documents = numbers.size() > 0 ? numbers.get(0) : 200;
        int latencyJobs = numbers.size() > 1 ? numbers.get(1) : 20;
        int queued = numbers.size() > 2 ? numbers.get(2) : 10_000;
        int drainSeconds = numbers.size() > 3 ? numbers.get(3) : 900;
        BenchReport report = new BenchReport(args.length == 0 ? "messaging"
                : "messaging-" + String.join("_", args).replaceAll("[^A-Za-z0-9._-]", "-"));
        report.detail(null, "overrides", settings);
        Path root = Files.createTempDirectory("bench-messaging");
        try (FakeGemini fake = FakeGemini.start()) {
            if (documents > 0 || latencyJobs > 0) {
                throughputAndLatency(report, fake, root.resolve("app"), documents, latencyJobs, settings);
            }
            if (queued > 0) {
                try {
                    queuedJobs(report, fake, root.resolve("queued"), queued, drainSeconds, settings);
                } catch (Exception e) {
                    e.printStackTrace();
                    report.figure("queued jobs", "failed", e.getMessage(), null);
                }
            }
        }
        report.write();
        System.exit(0); // Camel, Kafka and the fake leave non-daemon threads behind
    }

    // ------------------------------------------------------------------------------------ throughput and latency

    private static void throughputAndLatency(BenchReport report, FakeGemini fake, Path root, int documents,
            int latencyJobs, Map<String, String> overrides) throws Exception {
        KafkaClusterTestKit kafka = io.geminidigest.testing.KafkaTestBroker.start("bench-requests", "bench-replies");
        String bootstrap = kafka.bootstrapServers();
        int httpPort = freePort();
        int brokerPort = freePort();
        BenchApp app = new BenchApp(root).against(fake.baseUrl(), FakeGemini.KEY)
                .set("ratelimit.preset", "tier3")
                .set("http.enabled", "true").set("http.port", Integer.toString(httpPort))
                .set("broker.port", Integer.toString(brokerPort))
                .set("messaging.inbound", "jms:queue:digest.requests,kafka:bench-requests?brokers=" + bootstrap
                        + "&groupId=gemini-digest-bench&autoOffsetReset=earliest&pollTimeoutMs=200")
                // the whole batch is taken in at once: no local bound on the backlog (see bench/README.md)
                .set("jobs.max-queued", "100000")
                .set("messaging.max-backlog", "0");
        overrides.forEach(app::set);
        String s0 = "settings";
        report.detail(s0, "application", "long-running mode, shipped settings (ingest.concurrency=2, "
                + "extract.workers=2, summarize.concurrency=4, jobs.poll-ms=500) except: preset tier3, folder polling "
                + "100 ms, jobs.max-queued=100000, messaging.max-backlog=0; overrides " + overrides);
        app.watch();
        String base = "http://127.0.0.1:" + httpPort;
        await(Duration.ofMinutes(5), () -> {
            try {
                return send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET().build()).statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            }
        });
        JobStore store = app.camel().getRegistry().lookupByNameAndType("jobs", JobDispatcher.class).store();
        ActiveMQConnectionFactory jms = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
        Ways ways = new Ways(app, store, jms, bootstrap, base);
        try {
            // warm-up: the worker JVMs, the parsers, every route and client once
            long t0 = System.nanoTime();
            ways.folder(docs("warm", 0, BenchDocuments.SAMPLES.size()));
            // every copy has its own content (the store takes the same content twice as one job): rounds 1, 2, 3 here,
            // then a block of rounds per way in
            ways.jms(docs("warm-jms", 1, 1));
            ways.kafka(docs("warm-kafka", 2, 1));
            ways.http(docs("warm-http", 3, 1), 1);
            int stride = Math.max(documents, latencyJobs) / BenchDocuments.SAMPLES.size() + 1;
            report.figure("warm-up", "13 folder documents, 1 job per way in", BenchReport.round(
                    (System.nanoTime() - t0) / 1e9), "s");

            if (documents > 0) {
                List<Doc> sample = docs("x", 10, documents);
                report.detail(s0, "documents", documents + " per way in: distinct copies of the 13 samples, "
                        + BenchReport.round(totalBytes(sample) / MB) + " MB");
                String[] kinds = { "folder", "jms", "kafka", "http" };
                for (int k = 0; k < kinds.length; k++) {
                    List<Doc> batch = docs(kinds[k], 10 + k * stride, documents);
                    Batch b = switch (kinds[k]) {
                        case "folder" -> ways.folder(batch);
                        case "jms" -> ways.jms(batch);
                        case "kafka" -> ways.kafka(batch);
                        default -> ways.http(batch, 4);
                    };
                    String s = "throughput: " + kinds[k];
                    report.figure(s, "jobs", documents, b.ok + " done, " + b.failed + " failed");
                    if (b.sentSeconds > 0) {
                        report.figure(s, "sent in", BenchReport.round(b.sentSeconds), "s (client side)");
                    }
                    if (b.acceptedSeconds > 0) {
                        report.figure(s, "accepted jobs/s", BenchReport.round(documents / b.acceptedSeconds),
                                BenchReport.round(b.acceptedSeconds) + " s to all recorded");
                    }
                    report.figure(s, "completed jobs/s", BenchReport.round(documents / b.completedSeconds),
                            BenchReport.round(b.completedSeconds) + " s to all results")
                            .figure(s, "load average", BenchReport.round(load()), "after this way in");
                }
            }
            if (latencyJobs > 0) {
                String[] kinds = { "folder", "jms", "kafka", "http" };
                for (int k = 0; k < kinds.length; k++) {
                    List<Timed> timed = new ArrayList<>();
                    for (Doc d : docs("lat-" + kinds[k], 10 + (4 + k) * stride,
                            latencyJobs)) {
                        timed.add(switch (kinds[k]) {
                            case "folder" -> ways.folderOne(d);
                            case "jms" -> ways.jmsOne(d);
                            case "kafka" -> ways.kafkaOne(d);
                            default -> ways.httpOne(d);
                        });
                    }
                    String s = "latency, one at a time: " + kinds[k];
                    quantiles(report, s, "end-to-end", timed.stream().mapToLong(Timed::endToEnd).toArray());
                    quantiles(report, s, "pipeline (totalMillis)", timed.stream().mapToLong(Timed::pipeline)
                            .toArray());
                    quantiles(report, s, "added", timed.stream().mapToLong(t -> t.endToEnd() - t.pipeline())
                            .toArray());
                    quantiles(report, s, "  before: send to pipeline start", timed.stream()
                            .mapToLong(Timed::before).toArray());
                    quantiles(report, s, "  after: sidecar to reply received", timed.stream()
                            .mapToLong(Timed::after).toArray());
                    report.figure(s, "load average", BenchReport.round(load()), null);
                }
            }
            report.figure("generate calls", "fake", fake.count("generateContent"), null);
        } finally {
            ways.close();
            app.stop(60);
            kafka.close();
        }
    }

    /** A batch's figures (seconds from the first send; 0 when not measured). */
    record Batch(double sentSeconds, double acceptedSeconds, double completedSeconds, long ok, long failed) {
    }

    /** The four ways in, for a batch at once or for one job at a time. */
    static final class Ways implements AutoCloseable {
        private final BenchApp app;
        private final JobStore store;
        private final Connection jms;
        private final Session session;
        private final String bootstrap;
        private final String base;
        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, String> replies;
        private final String run = UUID.randomUUID().toString().substring(0, 8);

        Ways(BenchApp app, JobStore store, ActiveMQConnectionFactory factory, String bootstrap, String base)
                throws Exception {
            this.app = app;
            this.store = store;
            this.jms = factory.createConnection();
            this.jms.start();
            this.session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            this.bootstrap = bootstrap;
            this.base = base;
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new ByteArraySerializer());
            this.replies = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-replies-" + run,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(),
                    new StringDeserializer());
            replies.subscribe(List.of("bench-replies"));
            // join the group and take the partition before anything is sent (offset reset "latest")
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (replies.assignment().isEmpty() && System.nanoTime() < until) {
                replies.poll(Duration.ofMillis(100));
            }
        }

        /** Jobs of {@code source} in the store, by status. */
        Map<JobStatus, Long> counts(String source) {
            Map<JobStatus, Long> c = new LinkedHashMap<>();
            store.counts().stream().filter(x -> x.source().equals(source))
                    .forEach(x -> c.merge(x.status(), x.count(), Long::sum));
            return c;
        }

        long total(String source) {
            return counts(source).values().stream().mapToLong(Long::longValue).sum();
        }

        long finals(String source) {
            Map<JobStatus, Long> c = counts(source);
            return c.getOrDefault(JobStatus.DONE, 0L) + c.getOrDefault(JobStatus.FAILED, 0L);
        }

        // ---- folder: files moved into the input folder; done when its sidecar (or error.json) is written

        Batch folder(List<Doc> docs) throws Exception {
            long t0 = System.nanoTime();
            for (Doc d : docs) {
                BenchDocuments.write(app.in(), d.name(), d.bytes());
            }
            double sent = (System.nanoTime() - t0) / 1e9;
            await(LONG, () -> docs.stream().allMatch(this::folderFinished));
            double completed = (System.nanoTime() - t0) / 1e9;
            long ok = docs.stream().filter(d -> Files.exists(app.out().resolve(d.name() + ".summary.json"))).count();
            return new Batch(sent, 0, completed, ok, docs.size() - ok);
        }

        private boolean folderFinished(Doc d) {
            return Files.exists(app.out().resolve(d.name() + ".summary.json"))
                    || Files.exists(app.out().resolve(d.name() + ".error.json"));
        }

        Timed folderOne(Doc d) throws Exception {
            Instant sent = Instant.now();
            BenchDocuments.write(app.in(), d.name(), d.bytes());
            Path sidecar = app.out().resolve(d.name() + ".summary.json");
            awaitFast(() -> Files.exists(sidecar) || Files.exists(app.out().resolve(d.name() + ".error.json")));
            Instant received = Instant.now();
            JsonNode json = readWhenComplete(sidecar);
            return new Timed(sent, received, json.path("timings"));
        }

        // ---- JMS: bytes messages with DigestName, JMSReplyTo and a correlation id; done when the reply is in

        Batch jms(List<Doc> docs) throws Exception {
            Queue replyQueue = session.createQueue("bench.replies." + run + "." + UUID.randomUUID());
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            AtomicLong last = new AtomicLong();
            Session listening = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = listening.createConsumer(replyQueue);
            consumer.setMessageListener(m -> {
                if ("done".equals(json(body(m)).path("status").asText())) {
                    ok.incrementAndGet();
                }
                received.incrementAndGet();
                last.set(System.nanoTime());
            });
            long before = total("jms");
            long t0 = System.nanoTime();
            MessageProducer p = session.createProducer(session.createQueue("digest.requests"));
            for (Doc d : docs) {
                p.send(jmsMessage(d, replyQueue));
            }
            double sent = (System.nanoTime() - t0) / 1e9;
            await(LONG, () -> total("jms") - before >= docs.size());
            double accepted = (System.nanoTime() - t0) / 1e9;
            await(LONG, () -> received.get() >= docs.size());
            double completed = (last.get() - t0) / 1e9;
            consumer.close();
            listening.close();
            p.close();
            return new Batch(sent, accepted, completed, ok.get(), received.get() - ok.get());
        }

        private BytesMessage jmsMessage(Doc d, Queue replyQueue) throws Exception {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(d.bytes());
            m.setStringProperty("DigestName", d.name());
            m.setJMSCorrelationID("corr-" + d.name());
            m.setJMSReplyTo(replyQueue);
            return m;
        }

        Timed jmsOne(Doc d) throws Exception {
            Queue replyQueue = session.createQueue("bench.replies." + run + "." + UUID.randomUUID());
            try (MessageConsumer consumer = session.createConsumer(replyQueue);
                    MessageProducer p = session.createProducer(session.createQueue("digest.requests"))) {
                BytesMessage m = jmsMessage(d, replyQueue);
                Instant sent = Instant.now();
                p.send(m);
                Message reply = consumer.receive(LONG.toMillis());
                Instant received = Instant.now();
                if (reply == null) {
                    throw new IllegalStateException("no JMS reply for " + d.name());
                }
                return new Timed(sent, received, timings(json(body(reply))));
            }
        }

        // ---- Kafka: records with DigestName, replyTo and correlationId headers; replies keyed by correlation id

        private ProducerRecord<String, byte[]> kafkaRecord(Doc d) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>("bench-requests", d.name(), d.bytes());
            r.headers().add("DigestName", d.name().getBytes(StandardCharsets.UTF_8));
            r.headers().add("replyTo", "bench-replies".getBytes(StandardCharsets.UTF_8));
            r.headers().add("correlationId", ("corr-" + d.name()).getBytes(StandardCharsets.UTF_8));
            return r;
        }

        Batch kafka(List<Doc> docs) throws Exception {
            Map<String, Boolean> waiting = new ConcurrentHashMap<>();
            docs.forEach(d -> waiting.put("corr-" + d.name(), true));
            long before = total("kafka");
            long t0 = System.nanoTime();
            List<Future<?>> sends = new ArrayList<>();
            for (Doc d : docs) {
                sends.add(producer.send(kafkaRecord(d)));
            }
            for (Future<?> f : sends) {
                f.get();
            }
            double sent = (System.nanoTime() - t0) / 1e9;
            double accepted = 0;
            int ok = 0;
            int received = 0;
            long last = 0;
            long deadline = System.nanoTime() + LONG.toNanos();
            while (received < docs.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> c : replies.poll(Duration.ofMillis(50))) {
                    if (waiting.remove(c.key()) != null) {
                        received++;
                        last = System.nanoTime();
                        if ("done".equals(json(c.value()).path("status").asText())) {
                            ok++;
                        }
                    }
                }
                if (accepted == 0 && total("kafka") - before >= docs.size()) {
                    accepted = (System.nanoTime() - t0) / 1e9;
                }
            }
            if (received < docs.size()) {
                throw new IllegalStateException("Kafka: " + received + " replies of " + docs.size());
            }
            if (accepted == 0) {
                accepted = (System.nanoTime() - t0) / 1e9; // recorded in the store at the latest now
            }
            return new Batch(sent, accepted, (last - t0) / 1e9, ok, received - ok);
        }

        Timed kafkaOne(Doc d) throws Exception {
            String corr = "corr-" + d.name();
            Instant sent = Instant.now();
            producer.send(kafkaRecord(d)).get();
            long deadline = System.nanoTime() + LONG.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> c : replies.poll(Duration.ofMillis(50))) {
                    if (corr.equals(c.key())) {
                        Instant received = Instant.now();
                        return new Timed(sent, received, timings(json(c.value())));
                    }
                }
            }
            throw new IllegalStateException("no Kafka reply for " + d.name());
        }

        // ---- HTTP: POST /api/v1/jobs (raw body); done when the listing says so, or with ?wait= one at a time

        Batch http(List<Doc> docs, int clients) throws Exception {
            long before = finals("http");
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long t0 = System.nanoTime();
            AtomicInteger accepted = new AtomicInteger();
            try {
                List<Future<?>> posts = new ArrayList<>();
                for (Doc d : docs) {
                    posts.add(pool.submit(() -> {
                        HttpResponse<String> r = send(post(d, ""));
                        if (r.statusCode() != 202) {
                            throw new IllegalStateException("POST " + d.name() + ": " + r.statusCode() + " "
                                    + r.body());
                        }
                        return accepted.incrementAndGet();
                    }));
                }
                for (Future<?> f : posts) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            double acceptedSeconds = (System.nanoTime() - t0) / 1e9;
            await(LONG, () -> listed("done") + listed("failed") - before >= docs.size());
            double completed = (System.nanoTime() - t0) / 1e9;
            long failed = counts("http").getOrDefault(JobStatus.FAILED, 0L);
            return new Batch(0, acceptedSeconds, completed, docs.size() - failed, failed);
        }

        private HttpRequest post(Doc d, String query) {
            return HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs?name=" + d.name() + query))
                    .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/octet-stream")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.bytes())).build();
        }

        private long listed(String status) {
            try {
                return json(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs?source=http&size=1&status="
                        + status)).GET().build()).body()).path("total").asLong();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Timed httpOne(Doc d) throws Exception {
            Instant sent = Instant.now();
            HttpResponse<String> r = send(post(d, "&wait=120"));
            Instant received = Instant.now();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST ?wait: " + r.statusCode() + " " + r.body());
            }
            return new Timed(sent, received, timings(json(r.body())));
        }

        /** The timings of a reply (the sidecar inside a message reply, or the sidecar itself). */
        private static JsonNode timings(JsonNode reply) {
            JsonNode t = reply.has("sidecar") ? reply.path("sidecar").path("timings") : reply.path("timings");
            if (t.isMissingNode() || !t.has("totalMillis")) {
                throw new IllegalStateException("no timings in the reply: " + reply);
            }
            return t;
        }

        @Override
        public void close() throws Exception {
            replies.close();
            producer.close();
            jms.close();
        }
    }

    // ------------------------------------------------------------------------------------ 10,000 queued jobs

    private static void queuedJobs(BenchReport report, FakeGemini fake, Path dir, int queued, int drainSeconds,
            Map<String, String> overrides) throws Exception {
        Files.createDirectories(dir);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + CHILD_HEAP, "-cp",
                System.getProperty("java.class.path"), MessagingBench.class.getName(), "--queued-child",
                fake.baseUrl(), dir.toString(), Integer.toString(queued), Integer.toString(drainSeconds)));
        overrides.forEach((k, v) -> command.add(k + "=" + v));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        List<String> lines = Files.readAllLines(log);
        String line = lines.stream().filter(l -> l.startsWith(CHILD_LINE)).findFirst().orElseThrow(
                () -> new IllegalStateException("queued child exited with " + exit + " without figures:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()))));
        JsonNode c = BenchApp.JSON.readTree(line.substring(CHILD_LINE.length()));
        String s = queued + " queued jobs (HTTP, dispatcher stopped)";
        report.figure(s, "accepted (202)", c.path("accepted").asInt(), "of " + queued)
                .figure(s, "accepted jobs/s", BenchReport.round(c.path("acceptedPerSecond").asDouble()),
                        BenchReport.round(c.path("acceptSeconds").asDouble()) + " s, 4 clients")
                .figure(s, "recorded as QUEUED", c.path("queuedInStore").asLong(), "listing total")
                .figure(s, "heap used after full GC, before", BenchReport.round(c.path("heapBefore").asLong() / MB),
                        "MB, -Xmx" + CHILD_HEAP)
                .figure(s, "heap used after full GC, queued", BenchReport.round(c.path("heapQueued").asLong() / MB),
                        "MB")
                .figure(s, "store file", BenchReport.round(c.path("storeBytes").asLong() / MB), "MB (H2 "
                        + c.path("storeFile").asText() + ")")
                .figure(s, "spool", BenchReport.round(c.path("spoolBytes").asLong() / MB),
                        "MB in " + c.path("spoolFiles").asLong() + " files")
                .figure(s, "load average", BenchReport.round(c.path("loadQueued").asDouble()), "after accepting");
        if (c.has("drained")) {
            report.figure(s, "drained (DONE)", c.path("drained").asLong(), "of " + queued + " in "
                    + BenchReport.round(c.path("drainSeconds").asDouble()) + " s")
                    .figure(s, "drained jobs/s", BenchReport.round(c.path("drainedPerSecond").asDouble()), null)
                    .figure(s, "failed", c.path("failed").asLong(), null)
                    .figure(s, "heap used after full GC, drained",
                            BenchReport.round(c.path("heapDrained").asLong() / MB), "MB")
                    .figure(s, "store file, drained", BenchReport.round(c.path("storeBytesDrained").asLong() / MB),
                            "MB")
                    .figure(s, "spool, drained", BenchReport.round(c.path("spoolBytesDrained").asLong() / MB),
                            "MB in " + c.path("spoolFilesDrained").asLong() + " files")
                    .figure(s, "load average, drained", BenchReport.round(c.path("loadDrained").asDouble()), null);
        }
        report.detail(s, "child", c);
    }

    /** In the child JVM: the application with its dispatcher stopped takes the jobs, then drains them. */
    private static void queuedChild(String[] args) throws Exception {
        String baseUrl = args[1];
        Path dir = Path.of(args[2]);
        int queued = Integer.parseInt(args[3]);
        int drainSeconds = Integer.parseInt(args[4]);
        int httpPort = freePort();
        BenchApp app = new BenchApp(dir).against(baseUrl, FakeGemini.KEY).set("ratelimit.preset", "tier3")
                .set("http.enabled", "true").set("http.port", Integer.toString(httpPort))
                .set("broker.port", Integer.toString(freePort()))
                .set("jobs.max-queued", Integer.toString(queued * 2));
        for (int i = 5; i < args.length; i++) {
            app.set(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        app.watch();
        String base = "http://127.0.0.1:" + httpPort;
        await(Duration.ofMinutes(5), () -> {
            try {
                return send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET().build()).statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            }
        });
        // held: nothing is handed to the pipeline (nothing was posted yet, so nothing was dispatched)
        app.camel().getRouteController().stopRoute("jobs-dispatcher");
        JobStore store = app.camel().getRegistry().lookupByNameAndType("jobs", JobDispatcher.class).store();
        Path state = app.out().resolve(".gemini-digest");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("heapBefore", heapAfterGc());

        AtomicInteger accepted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long t0 = System.nanoTime();
        List<Future<?>> posts = new ArrayList<>();
        for (int i = 0; i < queued; i++) {
            int n = i;
            posts.add(pool.submit(() -> {
                byte[] body = note(n);
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs?name=note-" + n
                        + ".txt")).timeout(Duration.ofMinutes(2)).header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
                if (r.statusCode() == 202) {
                    accepted.incrementAndGet();
                } else {
                    System.err.println("POST note-" + n + ": " + r.statusCode() + " " + r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : posts) {
            f.get();
        }
        pool.shutdown();
        double acceptSeconds = (System.nanoTime() - t0) / 1e9;
        figures.put("accepted", accepted.get());
        figures.put("acceptSeconds", acceptSeconds);
        figures.put("acceptedPerSecond", accepted.get() / acceptSeconds);
        figures.put("queuedInStore", json(send(HttpRequest.newBuilder(URI.create(base
                + "/api/v1/jobs?status=queued&size=1")).GET().build()).body()).path("total").asLong());
        figures.put("heapQueued", heapAfterGc());
        Path storeFile = state.resolve("store.mv.db");
        figures.put("storeFile", storeFile.getFileName().toString());
        figures.put("storeBytes", Files.exists(storeFile) ? Files.size(storeFile) : -1);
        long[] spool = sizeOf(state.resolve("spool"));
        figures.put("spoolFiles", spool[0]);
        figures.put("spoolBytes", spool[1]);
        figures.put("loadQueued", load());

        if (drainSeconds > 0) {
            long d0 = System.nanoTime();
            app.camel().getRouteController().startRoute("jobs-dispatcher");
            long deadline = d0 + Duration.ofSeconds(drainSeconds).toNanos();
            long done = 0;
            long failed = 0;
            while (System.nanoTime() < deadline) {
                done = store.count(JobStatus.DONE, "http");
                failed = store.count(JobStatus.FAILED, "http");
                if (done + failed >= accepted.get()) {
                    break;
                }
                Thread.sleep(500);
            }
            double seconds = (System.nanoTime() - d0) / 1e9;
            figures.put("drained", done);
            figures.put("failed", failed);
            figures.put("drainSeconds", seconds);
            figures.put("drainedPerSecond", (done + failed) / seconds);
            figures.put("loadDrained", load());
            app.camel().getRouteController().stopRoute("jobs-dispatcher");
            figures.put("heapDrained", heapAfterGc());
            figures.put("storeBytesDrained", Files.exists(storeFile) ? Files.size(storeFile) : -1);
            long[] spoolAfter = sizeOf(state.resolve("spool"));
            figures.put("spoolFilesDrained", spoolAfter[0]);
            figures.put("spoolBytesDrained", spoolAfter[1]);
        }
        System.out.println(CHILD_LINE + BenchApp.JSON.writeValueAsString(figures));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** A small distinct text document (about 250 bytes). */
    static byte[] note(int n) {
        return ("Note " + n + " of the queue benchmark.\n\nThe delivery team met on day " + (n % 365)
                + " and agreed that every request is answered exactly once. The minutes list the open points: "
                + "the reply format, the dead-letter queue and the retention of results. Reference " + n + ".\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------ helpers

    /** {@code count} distinct documents named {@code <prefix>-r<round>-<sample>}, rounds from {@code firstRound}. */
    static List<Doc> docs(String prefix, int firstRound, int count) {
        List<Doc> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String sample = BenchDocuments.SAMPLES.get(i % BenchDocuments.SAMPLES.size());
            int round = firstRound + i / BenchDocuments.SAMPLES.size();
            docs.add(new Doc(prefix + "-r" + round + "-" + sample,
                    BenchDocuments.distinctCopy(sample, BenchDocuments.sample(sample), round)));
        }
        return docs;
    }

    static long totalBytes(List<Doc> docs) {
        return docs.stream().mapToLong(d -> d.bytes().length).sum();
    }

    private static void quantiles(BenchReport report, String section, String name, long[] values) {
        report.figure(section, name, BenchReport.quantile(values, 0.5) + " / " + BenchReport.quantile(values, 0.95),
                "ms, median / p95 of " + values.length);
    }

    static HttpResponse<String> send(HttpRequest r) throws IOException {
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return BenchApp.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String body(Message m) {
        try {
            if (m instanceof TextMessage t) {
                return t.getText();
            }
            BytesMessage b = (BytesMessage) m;
            byte[] bytes = new byte[(int) b.getBodyLength()];
            b.readBytes(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sidecar may be seen before its writer finished: read again until it parses. */
    static JsonNode readWhenComplete(Path file) throws Exception {
        for (int i = 0;; i++) {
            try {
                return BenchApp.JSON.readTree(file.toFile());
            } catch (IOException e) {
                if (i > 100) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /** Polls every 100 ms (batches: 100 ms is small beside their seconds). */
    static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /** Polls every 2 ms (one job at a time: the poll must not add to the latency measured). */
    static void awaitFast(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + LONG);
            }
            Thread.sleep(2);
        }
    }

    static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Files and bytes under a folder (0, 0 when it does not exist). */
    static long[] sizeOf(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new long[] { 0, 0 };
        }
        long files = 0;
        long bytes = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                try {
                    bytes += Files.size(p);
                    files++;
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a job finished meanwhile and its spool file went
                }
            }
        }
        return new long[] { files, bytes };
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

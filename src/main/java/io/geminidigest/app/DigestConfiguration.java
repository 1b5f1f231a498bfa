package io.geminidigest.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.ResourceHelper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.geminidigest.chunk.ChunkBudget;
import io.geminidigest.chunk.TokenEstimator;
import io.geminidigest.extract.ExtractionLimits;
import io.geminidigest.extract.IsolatedExtractor;
import io.geminidigest.gemini.GeminiResponses;
import io.geminidigest.gemini.PriceTable;
import io.geminidigest.gemini.Secrets;
import io.geminidigest.job.ContentHasher;
import io.geminidigest.job.InstanceId;
import io.geminidigest.job.InstanceLease;
import io.geminidigest.http.HttpJobsApi;
import io.geminidigest.job.JdbcContentIndex;
import io.geminidigest.job.JdbcJobStore;
import io.geminidigest.job.Spool;
import io.geminidigest.limits.RateLimits;
import io.geminidigest.limits.RetryPolicy;
import io.geminidigest.summarize.ChunkPlanner;
import io.geminidigest.summarize.MapReduceSummarizer;
import io.geminidigest.summarize.PromptTemplates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Wires the beans the route files use, from the configuration. Every setting is read here once, at start-up; the
 * beans themselves hold values, not configuration lookups.
 */
public final class DigestConfiguration implements CamelConfiguration {

    private final RunTracker tracker;
    private final MeterRegistry meters;

    public DigestConfiguration(RunTracker tracker) {
        this(tracker, new SimpleMeterRegistry());
    }

    public DigestConfiguration(RunTracker tracker, MeterRegistry meters) {
        this.tracker = tracker;
        this.meters = meters;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings s = new Settings(context.getPropertiesComponent());
        var registry = context.getRegistry();

        String apiKey = s.get("gemini.api-key", "").strip();
        boolean keyConfigured = !apiKey.isEmpty();
        Secrets.register(apiKey);
        String model = s.get("gemini.model", "gemini-3-pro-preview");
        String baseUrl = s.get("gemini.base-url", "https://generativelanguage.googleapis.com");
        Path outputDir = Path.of(s.get("output.dir", "data-out")).toAbsolutePath().normalize();
        Path inputDir = Path.of(s.get("ingest.dir", "data-in")).toAbsolutePath().normalize();
        // the routes see absolute folders, and whether this run may call Gemini at all
        context.getPropertiesComponent().addOverrideProperty("ingest.dir", inputDir.toString());
        context.getPropertiesComponent().addOverrideProperty("output.dir", outputDir.toString());
        context.getPropertiesComponent().addOverrideProperty("gemini.estimate-only", Boolean.toString(!keyConfigured));
        Path stateDir = Path.of(s.get("state.dir", outputDir.resolve(".gemini-digest").toString()))
                .toAbsolutePath().normalize();

        ObjectMapper json = new ObjectMapper();
        ObjectMapper prettyJson = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        registry.bind("prettyJson", prettyJson);

        // store
        int maintenanceSeconds = s.getInt("store.maintenance-seconds", DEFAULT_MAINTENANCE_SECONDS);
        if (maintenanceSeconds <= 0) {
            throw new IllegalArgumentException("store.maintenance-seconds must be above 0: " + maintenanceSeconds);
        }
        String storeUrl = s.get("store.url", "");
        if (storeUrl.isBlank()) {
            storeUrl = defaultStoreUrl(stateDir, maintenanceSeconds);
        }
        // the instance's leases on what it claims in the store (several instances may share a PostgreSQL store)
        int leaseSeconds = s.getInt("store.lease-seconds", 90);
        int heartbeatSeconds = s.getInt("store.heartbeat-seconds", 30);
        if (heartbeatSeconds <= 0 || heartbeatSeconds >= leaseSeconds) {
            throw new IllegalArgumentException("store.heartbeat-seconds (" + heartbeatSeconds + ") must be above 0 "
                    + "and below store.lease-seconds (" + leaseSeconds + "): leases are renewed before they end");
        }
        InstanceId instanceId = InstanceId.of(stateDir);
        String configuredId = s.get("store.instance-id", "").strip();
        InstanceLease lease = new InstanceLease(configuredId.isEmpty() ? instanceId.id() : configuredId,
                Duration.ofSeconds(leaseSeconds), java.time.Clock.systemUTC());
        org.slf4j.LoggerFactory.getLogger(DigestConfiguration.class).info("store instance id {}{}",
                lease.instanceId(), !configuredId.isEmpty() ? " (store.instance-id)" : instanceId.persistent()
                        ? " (kept in " + stateDir + ")" : " (random: another process holds " + stateDir + ")");
        JdbcContentIndex index = new JdbcContentIndex(storeUrl, s.get("store.user", ""), s.get("store.password", ""),
                lease);
        int released = index.releaseUnfinished();
        if (released > 0) {
            org.slf4j.LoggerFactory.getLogger(DigestConfiguration.class).info(
                    "released {} document(s) left unfinished by an earlier run (this instance's, or with an expired "
                    + "lease): they will be processed again", released);
        }
        registry.bind("contentIndex", index);
        registry.bind("folderJobs", new FolderJobs(new ContentHasher()));

        // extraction
        ExtractionLimits limits = ExtractionLimits.defaults()
                .withMaxChars(s.getInt("extract.max-chars", 5_000_000))
                .withMaxBytes(s.getLong("extract.max-bytes", 200L * 1024 * 1024))
                .withTimeout(Duration.ofSeconds(s.getInt("extract.timeout-seconds", 120)))
                .withMaxEmbeddedDepth(s.getInt("extract.max-embedded-depth", 3))
                .withMaxEmbeddedCount(s.getInt("extract.max-embedded-count", 1000))
                .withWorkerHeap(s.get("extract.worker-heap", "768m"))
                .withWorkers(s.getInt("extract.workers", 2))
                .withPdfPassword(blankToNull(s.get("extract.pdf-password", "")));
        IsolatedExtractor extractor = new IsolatedExtractor(limits);
        registry.bind("documentExtractor", extractor);

        // chunking and summaries
        TokenEstimator estimator = new TokenEstimator(s.getDouble("chunk.estimate-safety-factor", 1.1));
        PromptTemplates templates = new PromptTemplates(
                load(context, s.get("summarize.prompt.system", "classpath:prompts/system.txt")),
                load(context, s.get("summarize.prompt.single", "classpath:prompts/summarize-single.txt")),
                load(context, s.get("summarize.prompt.map", "classpath:prompts/summarize-map.txt")),
                load(context, s.get("summarize.prompt.reduce", "classpath:prompts/summarize-reduce.txt")),
                namedTemplates(context, s.get("summarize.prompt.templates", "")));
        Integer thinkingBudget = s.get("gemini.thinking-budget", "").isBlank() ? null
                : s.getInt("gemini.thinking-budget", -1);
        MapReduceSummarizer summarizer = new MapReduceSummarizer(templates, estimator,
                new MapReduceSummarizer.Settings(model, s.getInt("summarize.max-output-tokens", 8192),
                        s.getDouble("gemini.temperature", 1.0),
                        thinkingBudget == null ? blankToNull(s.get("gemini.thinking-level", "")) : null,
                        thinkingBudget, blankToNull(s.get("summarize.language", "")),
                        s.getInt("gemini.long-context-tokens", 100_000)));
        registry.bind("mapReduce", summarizer);
        registry.bind("pipeline", new PipelineSupport(index, outputDir, json, templates.named().keySet()));
        RateLimits rateLimits = rateLimits(s);
        // requests of a fraction of the minute pack the rolling window with little waste (see application.properties)
        ModelBudget modelBudget = new ModelBudget(s.getInt("chunk.pricing-cliff-tokens", 200_000),
                s.getDouble("chunk.cliff-margin", 0.05), ModelBudget.tokensPerMinuteShare(rateLimits,
                        s.getInt("chunk.tokens-per-minute-parts", 12)),
                summarizer.templateTokens(), s.getInt("chunk.reserved-output-tokens", 8192));
        ChunkBudget initial = modelBudget.forModel(s.getInt("gemini.default-input-token-limit", 1_048_576));
        ChunkPlanner planner = new ChunkPlanner(estimator, initial, s.getInt("chunk.overlap-tokens", 0),
                s.getDouble("chunk.confirm-near-fraction", 0.9)); // also the band of media segments (below)
        registry.bind("chunkPlanner", planner);
        registry.bind("modelBudget", modelBudget);
        registry.bind("orderedResults", new GroupedBodyAggregationStrategy());
        ExecutorService summarizePool = context.getExecutorServiceManager().newFixedThreadPool(this,
                "summarize", s.getInt("summarize.concurrency", 8));
        registry.bind("summarizeExecutor", summarizePool);

        PriceTable prices = new PriceTable(s.getDouble("price.input-per-million", 2.0),
                s.getDouble("price.output-per-million", 12.0),
                s.getDouble("price.input-per-million-over-cliff", 4.0),
                s.getDouble("price.output-per-million-over-cliff", 18.0),
                s.getInt("price.cliff-tokens", 200_000));
        registry.bind("reports", new Reports(prices, model, 600, 2000));

        // the gateway
        registry.bind("meterRegistry", meters);
        GatewayMetrics metrics = new GatewayMetrics(meters);
        RetryPolicy retry = new RetryPolicy(s.getInt("gemini.retry.max-attempts", 6),
                Duration.ofMillis(s.getLong("gemini.retry.initial-delay-ms", 1000)),
                s.getDouble("gemini.retry.multiplier", 2.0),
                Duration.ofMillis(s.getLong("gemini.retry.max-delay-ms", 32_000)));
        java.util.List<String> fallbacks = java.util.Arrays.stream(s.get("gemini.fallback-models", "").split(","))
                .map(String::strip).filter(m -> !m.isEmpty() && !m.equals(model)).toList();
        java.util.List<String> models = new java.util.ArrayList<>(java.util.List.of(model));
        models.addAll(fallbacks);
        LimiterGate limiter = new LimiterGate(rateLimits, models, s.getBoolean("ratelimit.packing", true),
                s.getBoolean("ratelimit.margin-on-unsettled-only", true),
                s.getLong("ratelimit.send-bytes-per-second", 1_048_576));
        registry.bind("limiter", limiter);
        ParkingControl parking = new ParkingControl(context, stateDir);
        limiter.addParkingListener(parking);
        registry.bind("parkingControl", parking);

        // messaging: the embedded broker (started here, before any route), the components, the consumers that pause
        // while the gateway is parked
        // (a --once run takes what is in the folder and nothing else: no broker, no consumers)
        boolean onceRun = s.getBoolean("run.once", false);
        io.geminidigest.broker.BrokerIngest brokerIngest = io.geminidigest.broker.Messaging.configure(context,
                key -> onceRun && key.equals("messaging.enabled") ? "false" : s.get(key, ""), stateDir);
        if (brokerIngest != null) {
            limiter.addParkingListener(brokerIngest);
        }
        GatewaySupport gateway = new GatewaySupport(json, new GeminiResponses(json), retry, keyConfigured,
                Duration.ofSeconds(s.getInt("gemini.circuit.wait-seconds", 30)), metrics, limiter, fallbacks);
        registry.bind("gateway", gateway);
        registry.bind("geminiBeforeRetry", (org.apache.camel.Processor) gateway::beforeRetry);
        Duration connect = Duration.ofSeconds(s.getInt("gemini.timeout.connect-seconds", 10));
        registry.bind("geminiTextClient", new GeminiHttpClients(apiKey, baseUrl, connect,
                Duration.ofSeconds(s.getInt("gemini.timeout.text-seconds", 120))));
        registry.bind("geminiLongContextClient", new GeminiHttpClients(apiKey, baseUrl, connect,
                Duration.ofSeconds(s.getInt("gemini.timeout.long-context-seconds", 600))));
        registry.bind("geminiMediaClient", new GeminiHttpClients(apiKey, baseUrl, connect,
                Duration.ofSeconds(s.getInt("gemini.timeout.media-seconds", 900))));
        GeminiAccess access = new GeminiAccess(keyConfigured, model);
        registry.bind("geminiAccess", access);
        registry.bind("jobModels", new JobModels(context.createProducerTemplate(), modelBudget, access));

        // media: the Files API client and the visual path (pictures, scanned PDFs)
        registry.bind("typeDetector", new io.geminidigest.extract.TypeDetector());
        io.geminidigest.job.UploadRegistry uploads = new io.geminidigest.job.UploadRegistry(storeUrl,
                s.get("store.user", ""), s.get("store.password", ""));
        GeminiFiles files = new GeminiFiles(context.createProducerTemplate(), uploads, new GeminiFiles.Settings(
                s.getInt("media.upload-chunk-bytes", 8 * 1024 * 1024),
                Duration.ofMillis(s.getLong("media.poll-initial-millis", 1000)),
                Duration.ofMillis(s.getLong("media.poll-max-millis", 10_000)),
                Duration.ofSeconds(s.getInt("media.processing-deadline-seconds", 600)), 20, Duration.ofHours(1)));
        registry.bind("geminiFiles", files);
        io.geminidigest.media.Ffmpeg ffmpeg = new io.geminidigest.media.Ffmpeg();
        io.geminidigest.media.MediaProbe probe = new io.geminidigest.media.MediaProbe();
        int transcribeMaxOutput = s.getInt("transcribe.max-output-tokens", 32_768);
        var plannerDefaults = io.geminidigest.media.SegmentPlanner.Settings.defaults(initial.tokens(), transcribeMaxOutput);
        plannerDefaults = new io.geminidigest.media.SegmentPlanner.Settings(plannerDefaults.tokensPerSecond(),
                plannerDefaults.budgetTokens(), transcribeMaxOutput,
                s.getDouble("transcribe.output-tokens-per-second", 8),
                s.getLong("transcribe.segment-max-minutes", 10) * 60_000L, s.getLong("transcribe.overlap-millis", 1000),
                s.getLong("transcribe.long-silence-millis", 5000), plannerDefaults.paddingMillis());
        var alignment = io.geminidigest.transcript.AlignmentSettings.defaults()
                .withToleranceMs(s.getLong("transcribe.alignment-tolerance-millis", 500));
        // exact counts near the budget (text chunks and media segments alike): only when Gemini can be asked
        GatewayTokenCounter counter = new GatewayTokenCounter(context.createProducerTemplate(), model);
        double confirmNear = s.getDouble("chunk.confirm-near-fraction", 0.9);
        registry.bind("mediaTranscriber", new MediaTranscriber(context.createProducerTemplate(), counter, files, probe,
                new io.geminidigest.media.SpeechDetector(ffmpeg, probe, s.getDouble("transcribe.silence-noise-db", -35),
                        s.getDouble("transcribe.min-silence-seconds", 0.5), 100),
                new io.geminidigest.media.MediaConverter(ffmpeg), plannerDefaults,
                new MediaTranscriber.Settings(model, s.getLong("media.inline-max-bytes", 4L * 1024 * 1024),
                        transcribeMaxOutput,
                        thinkingBudget == null ? blankToNull(s.get("gemini.thinking-level", "")) : null,
                        blankToNull(s.get("transcribe.language", "")), s.getBoolean("media.delete-remote-files", true),
                        stateDir.resolve("work"), 4, alignment, confirmNear)));
        registry.bind("transcriptOutputs", new TranscriptOutputs(new io.geminidigest.transcript.SubtitleWriter(
                new io.geminidigest.transcript.SubtitleWriter.Options(s.getLong("subtitles.max-cue-seconds", 7) * 1000,
                        s.getInt("subtitles.max-line-length", 42), 2, true))));
        // sent with every picture, scanned PDF and silent video request and counted by the estimates; empty (the
        // default): nothing is sent, Gemini applies its own per-type defaults and the estimates count those
        String resolutionSetting = s.get("media.resolution", "");
        var resolution = resolutionSetting.isBlank() ? null
                : io.geminidigest.media.MediaTokens.MediaResolution.of(resolutionSetting);
        registry.bind("visualReader", new VisualReader(context.createProducerTemplate(), files,
                new VisualReader.Settings(model, s.getLong("media.inline-max-bytes", 4L * 1024 * 1024),
                        s.getInt("summarize.max-output-tokens", 8192),
                        thinkingBudget == null ? blankToNull(s.get("gemini.thinking-level", "")) : null,
                        load(context, "classpath:prompts/describe-image.txt"),
                        load(context, "classpath:prompts/read-scanned.txt"),
                        load(context, "classpath:prompts/describe-video.txt"), resolution,
                        s.getBoolean("media.delete-remote-files", true)),
                new io.geminidigest.media.MediaConverter(new io.geminidigest.media.Ffmpeg()), stateDir.resolve("work")));
        registry.bind("tokenCounter", keyConfigured ? counter : (java.util.function.ToIntFunction<String>) t -> 0);

        // jobs from every way in: the durable store (same database as the content index), the spool, the dispatcher
        JdbcJobStore jobStore = new JdbcJobStore(storeUrl, s.get("store.user", ""), s.get("store.password", ""),
                lease);
        int requeued = jobStore.requeueUnfinished();
        if (requeued > 0) {
            org.slf4j.LoggerFactory.getLogger(DigestConfiguration.class).info(
                    "{} job(s) left unfinished by an earlier run (this instance's, or with an expired lease) are "
                    + "queued again", requeued);
        }
        int replyClaims = jobStore.releaseReplyClaims();
        if (replyClaims > 0) {
            org.slf4j.LoggerFactory.getLogger(DigestConfiguration.class).info(
                    "{} reply(ies) this instance was sending when it stopped are due again", replyClaims);
        }
        registry.bind("jobStore", jobStore);
        registry.bind("storeLeases", new StoreLeases(index, jobStore));
        // the store's upkeep: finished jobs past their retention removed, the embedded H2 file compacted
        io.geminidigest.job.StoreCompaction compaction = new io.geminidigest.job.StoreCompaction(storeUrl,
                s.get("store.user", ""), s.get("store.password", ""), s.getInt("store.compact-max-mb", 4) * 1024 * 1024);
        registry.bind("storeMaintenance", new StoreMaintenance(jobStore, compaction,
                Duration.ofDays(s.getInt("store.finished-retention-days", 0)), java.time.Clock.systemUTC()));
        JobMetrics jobMetrics = new JobMetrics(meters);
        jobMetrics.setStore(jobStore);
        JobDispatcher dispatcher = new JobDispatcher(jobStore, new Spool(stateDir.resolve("spool")), jobMetrics, json,
                s.getInt("ingest.concurrency", 2), s.getInt("jobs.max-queued", 1000),
                new JobOptions.Defaults(model, blankToNull(s.get("summarize.language", "")),
                        templates.named().keySet()));
        limiter.addParkingListener(dispatcher::onParking);
        registry.bind("jobs", dispatcher);
        // a job accepted or finished wakes the dispatcher at once; its timer (jobs.poll-ms) only catches the rest
        org.apache.camel.ProducerTemplate wakeUps = context.createProducerTemplate();
        dispatcher.onWake(() -> {
            try {
                wakeUps.sendBody("seda:jobs-dispatch?size=1&discardWhenFull=true&purgeWhenStopping=true"
                        + "&waitForTaskToComplete=Never", null);
            } catch (RuntimeException e) {
                // a stopping context refuses it; nothing is lost, the queued jobs stay in the store
                org.slf4j.LoggerFactory.getLogger(DigestConfiguration.class).debug("dispatcher not woken: {}",
                        e.getMessage());
            }
        });
        registry.bind("messageJobs", new MessageJobs(dispatcher, jobStore, outputDir, json,
                Duration.ofSeconds(s.getInt("messaging.reply-retry-seconds", 10))));
        if (brokerIngest != null) {
            // the message consumers pause while the local backlog is over messaging.max-backlog
            dispatcher.onBacklog(brokerIngest::backlog);
        }
        Readiness readiness = new Readiness();
        registry.bind("readiness", readiness);
        if (s.getBoolean("camel.server.enabled", false)) {
            registry.bind("httpApi", httpApi(s, dispatcher, parking, readiness, jobMetrics, json, outputDir,
                    templates.named().keySet()));
            registry.bind("serverProblems", new io.geminidigest.http.ServerProblems(
                    s.getLong("http.max-body-bytes", 200L * 1024 * 1024),
                    s.getLong("camel.server.max-body-size", 210_763_776L), json));
        }

        tracker.setOnce(s.getBoolean("run.once", false));
        registry.bind("runTracker", tracker);

        // what holds processes, threads or connections is closed when the context stops, after its routes: an
        // application embedded in a longer-lived JVM (tests, a host application) leaves no extraction worker behind
        closeOnStop(context, extractor, limiter, uploads, compaction, jobStore, index, instanceId);
    }

    private static void closeOnStop(CamelContext context, AutoCloseable... resources) throws Exception {
        for (AutoCloseable resource : resources) {
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() throws Exception {
                    resource.close();
                }
            }, true, true);
        }
    }

    /**
     * The HTTP API's steps. Bound to anything but the loopback interface, the server requires bearer tokens
     * ({@code HTTP_TOKENS}): without them it refuses to start, rather than take work from the whole network.
     */
    private HttpJobsApi httpApi(Settings s, JobDispatcher dispatcher, ParkingControl parking, Readiness readiness,
            JobMetrics jobMetrics, ObjectMapper json, Path outputDir, java.util.Set<String> promptTemplates)
            throws java.net.UnknownHostException {
        String host = s.get("http.host", "127.0.0.1");
        java.util.List<String> tokens = java.util.Arrays.stream(s.get("http.tokens", "").split(","))
                .map(String::strip).filter(t -> !t.isEmpty()).toList();
        if (tokens.isEmpty() && !java.net.InetAddress.getByName(host).isLoopbackAddress()) {
            throw new IllegalStateException("refusing to start: the HTTP server would listen on " + host
                    + " (not loopback) without access control. Set HTTP_TOKENS (comma-separated bearer tokens), "
                    + "or bind to 127.0.0.1 (HTTP_HOST), or switch the server off (HTTP_ENABLED=false)");
        }
        tokens.forEach(Secrets::register);
        java.util.function.Supplier<String> scrape = meters instanceof PrometheusMeterRegistry p ? p::scrape
                : () -> "# the meter registry is not a Prometheus registry\n";
        return new HttpJobsApi(dispatcher, parking, readiness, scrape, jobMetrics, json,
                new HttpJobsApi.Settings(s.getLong("http.max-body-bytes", 200L * 1024 * 1024),
                        s.getInt("http.max-wait-seconds", 60), tokens, outputDir, promptTemplates));
    }

    /**
     * The embedded store: an H2 database file under the state folder. {@code WRITE_DELAY=0}: a commit is on disk when
     * it returns (by default H2 writes up to 500 ms later, and a job acknowledged to its broker in that window would
     * be lost in a crash). {@code RETENTION_TIME}: a chunk of the file that went out of use may be overwritten after
     * three runs of {@code store-maintenance} (each forces the file to the disk, see
     * {@link io.geminidigest.job.StoreCompaction}), instead of H2's 45 s: the file holds that many seconds of writes
     * on top of its live data.
     */
    public static String defaultStoreUrl(Path stateDir, int maintenanceSeconds) {
        return "jdbc:h2:file:" + stateDir.resolve("store") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;RETENTION_TIME="
                + io.geminidigest.job.StoreCompaction.retentionMillis(maintenanceSeconds);
    }

    /** {@link #defaultStoreUrl(Path, int)} with the shipped {@code store.maintenance-seconds}. */
    public static String defaultStoreUrl(Path stateDir) {
        return defaultStoreUrl(stateDir, DEFAULT_MAINTENANCE_SECONDS);
    }

    static final int DEFAULT_MAINTENANCE_SECONDS = 5;

    /** The preset, with every number set in the configuration overriding it. */
    static RateLimits rateLimits(Settings s) {
        String preset = s.get("ratelimit.preset", "");
        RateLimits r = preset.isEmpty() ? RateLimits.preset("free") : RateLimits.preset(preset);
        if (!s.get("ratelimit.requests-per-minute", "").isEmpty()) {
            r = r.withRequestsPerMinute(s.getInt("ratelimit.requests-per-minute", 0));
        }
        if (!s.get("ratelimit.tokens-per-minute", "").isEmpty()) {
            r = r.withTokensPerMinute(s.getLong("ratelimit.tokens-per-minute", 0));
        }
        if (!s.get("ratelimit.requests-per-day", "").isEmpty()) {
            r = r.withRequestsPerDay(s.getInt("ratelimit.requests-per-day", 0));
        }
        if (!s.get("ratelimit.max-in-flight", "").isEmpty()) {
            r = r.withMaxInFlight(s.getInt("ratelimit.max-in-flight", 0));
        }
        return r.withMargin(s.getDouble("ratelimit.margin", RateLimits.DEFAULT_MARGIN))
                .withSkew(java.time.Duration.ofMillis(s.getLong("ratelimit.skew-millis",
                        RateLimits.DEFAULT_SKEW.toMillis())))
                .withDayResetZone(java.time.ZoneId.of(s.get("ratelimit.day-reset-zone", "America/Los_Angeles")))
                .withTimeScale(s.getDouble("ratelimit.time-scale", 1.0));
    }

    /**
     * The prompt templates jobs may choose by name: {@code name=location} pairs, comma-separated
     * ({@code summarize.prompt.templates}); a template that cannot be loaded, or uses an unknown placeholder, stops the
     * start-up.
     */
    static java.util.Map<String, String> namedTemplates(CamelContext context, String list) throws IOException {
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        for (String entry : list.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("summarize.prompt.templates: '" + entry.strip()
                        + "' is not name=location");
            }
            named.put(entry.substring(0, eq).strip(), load(context, entry.substring(eq + 1).strip()));
        }
        return named;
    }

    private static String load(CamelContext context, String location) throws IOException {
        try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(context, location)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Typed reads of the configuration, with defaults for keys that are not set. */
    record Settings(PropertiesComponent properties) {
        String get(String key, String def) {
            return properties.resolveProperty(key).map(String::strip).orElse(def);
        }

        int getInt(String key, int def) {
            String v = get(key, "");
            return v.isEmpty() ? def : Integer.parseInt(v);
        }

        long getLong(String key, long def) {
            String v = get(key, "");
            return v.isEmpty() ? def : Long.parseLong(v);
        }

        double getDouble(String key, double def) {
            String v = get(key, "");
            return v.isEmpty() ? def : Double.parseDouble(v);
        }

        boolean getBoolean(String key, boolean def) {
            String v = get(key, "");
            return v.isEmpty() ? def : Boolean.parseBoolean(v);
        }
    }
}

package io.geminidigest.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An in-process, <b>strict</b> fake of Google's Gemini REST API (v1beta) for tests, on the JDK's
 * {@link HttpServer} bound to {@code 127.0.0.1} on a free port.
 *
 * <p>It answers like the real API as described in {@code gemini-rest-notes.md}: same URLs, same JSON shapes, same
 * error envelope and messages, same 429 bodies (QuotaFailure / Help / RetryInfo). It is strict on purpose: unknown
 * fields, malformed parts, missing or wrong API keys, leaked Camel headers, wrong paths and methods are rejected,
 * so a client that passes against the fake sends requests the real API accepts.
 *
 * <pre>{@code
 * try (FakeGemini gemini = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(0.01))) {
 *     gemini.limits(60, 32_000, 0).respondWith(call -> Answer.text("{\"ok\":true}"));
 *     // point the client at gemini.baseUrl() with key FakeGemini.KEY ...
 *     assertThat(gemini.count(":generateContent")).isEqualTo(1);
 * }
 * }</pre>
 *
 * <h2>Areas</h2>
 * Requests are dispatched to {@link ApiArea}s: {@link ModelsApi} ({@code GET /v1beta/models[/{id}]}) and
 * {@link GenerateApi} ({@code :generateContent}, {@code :streamGenerateContent}, {@code :countTokens}) and
 * {@link FilesApi} (resumable and multipart uploads under {@code /upload/v1beta/files}, {@code GET/DELETE
 * /v1beta/files[/{id}]}; generate calls resolve {@code fileData} parts against it). Rate limits live in
 * {@link QuotaLimiter}, scripted and random failures in the fault queues here.
 *
 * <h2>Files and media</h2>
 * <pre>{@code
 * gemini.processingPolls(2).mediaDuration("talk.mp3", Duration.ofSeconds(90)); // 2,880 audio tokens
 * gemini.failNextUpload(Fault.dropUploadAfter(262_144));                      // client must query and resume
 * gemini.respondWith(call -> Answer.text(transcriptFor(call.mediaParts().get(0))));
 * }</pre>
 *
 * <h2>Time</h2>
 * {@link Config#timeScale()} shrinks the rate-limit windows: with {@code 0.01} a "minute" lasts 0.6 s and a "day"
 * 864 s. Retry delays in 429 bodies are wall-clock, i.e. already scaled.
 *
 * <p>All methods are thread-safe; configuration methods return {@code this} for chaining and may be called while
 * requests are running.
 */
public final class FakeGemini implements AutoCloseable {

    /** The API key accepted by default. */
    public static final String KEY = "fake-gemini-key-for-tests";
    /** The model served by default (1,048,576 input / 65,536 output tokens). */
    public static final String DEFAULT_MODEL = "gemini-3-pro-preview";

    static final String MISSING_KEY_MESSAGE = "Method doesn't allow unregistered callers (callers without established "
            + "identity). Please use API Key or other form of API consumer identity to call this API.";
    static final String INVALID_KEY_MESSAGE = "API key not valid. Please pass a valid API key.";
    /** Request body limit of non-upload requests (100 MB, inline data included). */
    public static final long DEFAULT_REQUEST_SIZE_LIMIT = 100L * 1024 * 1024;

    /**
     * Start-up settings.
     *
     * @param timeScale wall-clock seconds per fake second for rate-limit windows (1.0 = real time)
     * @param threads   size of the server's thread pool (concurrent requests being answered)
     */
    public record Config(double timeScale, int threads) {

        public Config {
            if (!(timeScale > 0)) {
                throw new IllegalArgumentException("timeScale must be > 0");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
        }

        /** Real time, 16 threads. */
        public static Config defaults() {
            return new Config(1.0, 16);
        }

        public Config withTimeScale(double scale) {
            return new Config(scale, threads);
        }

        public Config withThreads(int n) {
            return new Config(timeScale, n);
        }
    }

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the body then waits for the
        // client's delayed ACK (~40 ms per request). Read once, when the first HttpServer is created in this JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Config config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ModelsApi models = new ModelsApi();
    private final FilesApi files;
    private final QuotaLimiter limiter;
    private final List<ApiArea> areas;

    private final Set<String> validKeys = ConcurrentHashMap.newKeySet();
    private volatile Function<GenerateCall, Answer> responder = FakeGemini::defaultAnswer;
    private final ArrayDeque<Fault> scriptedFaults = new ArrayDeque<>();
    private final ArrayDeque<Fault> uploadFaults = new ArrayDeque<>();
    private volatile long requestSizeLimit = DEFAULT_REQUEST_SIZE_LIMIT;
    private volatile boolean strictJsonAnswers;
    private Random randomFaults;
    private double p5xx;
    private double pDrop;

    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentSkipListMap<Long, RecordedRequest> recorded = new ConcurrentSkipListMap<>();
    private final Map<Integer, AtomicInteger> statusCounts = new ConcurrentHashMap<>();

    private FakeGemini(Config config) throws IOException {
        this.config = config;
        this.limiter = new QuotaLimiter(config.timeScale());
        this.files = new FilesApi(this);
        this.areas = List.of(models, new GenerateApi(this), files);
        validKeys.add(KEY);
        models.put(new FakeModel(DEFAULT_MODEL, 1_048_576, 65_536));

        AtomicInteger threadNo = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "fake-gemini-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a fake with {@link Config#defaults()}. */
    public static FakeGemini start() {
        return start(Config.defaults());
    }

    public static FakeGemini start(Config config) {
        try {
            return new FakeGemini(Objects.requireNonNull(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeGemini", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Config config() {
        return config;
    }

    /** Stops the server at once; requests in progress are cut. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ================================================================ configuration

    /** Accepts {@code key} in addition to the keys already valid ({@link #KEY} by default). */
    public FakeGemini validKey(String key) {
        validKeys.add(Objects.requireNonNull(key));
        return this;
    }

    /** Serves (or redefines) a model. */
    public FakeGemini model(String id, int inputTokenLimit, int outputTokenLimit) {
        models.put(new FakeModel(id, inputTokenLimit, outputTokenLimit));
        return this;
    }

    /**
     * Refuses a model to the key, as the real API does for a model the key's project may not use (a preview without
     * access): {@code GET /v1beta/models/{id}}, generate and countTokens on it answer 403 PERMISSION_DENIED "The
     * caller does not have permission" (before the request body is looked at), whether the model is served or not.
     * The model stays listed by {@code GET /v1beta/models}. Kept by {@link #reset()}.
     */
    public FakeGemini refuseModel(String id) {
        models.refuse(Objects.requireNonNull(id));
        return this;
    }

    /**
     * Rate limits per model over rolling (scaled) windows: requests per minute, input tokens per minute, requests
     * per day; {@code 0} = unlimited. A request is charged with its {@code promptTokenCount}; a request whose own
     * tokens exceed {@code tpm} always gets a 429.
     */
    public FakeGemini limits(int rpm, int tpm, int rpd) {
        limiter.limits(rpm, tpm, rpd);
        return this;
    }

    /**
     * Simulates an exhausted daily quota: every generate call answers a per-day 429
     * ({@code GenerateRequestsPerDayPerProjectPerModel}) until {@code fakeTime × timeScale} of wall clock has passed,
     * e.g. {@code dayQuotaExhaustedFor(Duration.ofHours(8))} with time scale 0.01 lasts 288 s. The RetryInfo carries
     * the remaining wall-clock time.
     */
    public FakeGemini dayQuotaExhaustedFor(Duration fakeTime) {
        limiter.dayQuotaExhaustedFor(Duration.ofNanos(Math.round(fakeTime.toNanos() * config.timeScale())));
        return this;
    }

    /** Wall-clock length of one fake minute ({@code 60 s × timeScale}). */
    public Duration minute() {
        return limiter.minute();
    }

    /** Replaces the responder deciding what the model answers (see {@link #defaultAnswer(GenerateCall)}). */
    public FakeGemini respondWith(Function<GenerateCall, Answer> responder) {
        this.responder = Objects.requireNonNull(responder);
        return this;
    }

    /**
     * Queues faults consumed one by one by the next generate calls (before random faults). A
     * {@link Fault#dropUploadAfter(long)} goes to the upload queue instead (see {@link #failNextUpload}).
     */
    public FakeGemini failNext(Fault... faults) {
        synchronized (scriptedFaults) {
            for (Fault f : faults) {
                (f.kind() == Fault.Kind.DROP_UPLOAD ? uploadFaults : scriptedFaults).addLast(Objects.requireNonNull(f));
            }
        }
        return this;
    }

    /**
     * Queues faults consumed one by one by the next upload requests: upload starts, multipart uploads and
     * {@code upload} / {@code finalize} / {@code cancel} commands on a session ({@code query} is never faulted, so
     * a client can always learn how much arrived). Allowed: {@link Fault#status(int)},
     * {@link Fault#dropConnection()}, {@link Fault#dropUploadAfter(long)}. Random faults do not apply to uploads.
     */
    public FakeGemini failNextUpload(Fault... faults) {
        synchronized (scriptedFaults) {
            for (Fault f : faults) {
                if (f.kind() != Fault.Kind.STATUS && f.kind() != Fault.Kind.DROP_CONNECTION
                        && f.kind() != Fault.Kind.DROP_UPLOAD) {
                    throw new IllegalArgumentException("not an upload fault: " + f);
                }
                uploadFaults.addLast(f);
            }
        }
        return this;
    }

    // ================================================================ files and media

    /**
     * Newly uploaded files stay {@code PROCESSING} for the first {@code polls} {@code GET /v1beta/files/{id}} of
     * each (they answer PROCESSING), then turn {@code ACTIVE} (or {@code FAILED}). Default 0.
     */
    public FakeGemini processingPolls(int polls) {
        files.processingPolls(polls);
        return this;
    }

    /**
     * Newly uploaded files stay {@code PROCESSING} for at least this wall-clock time (not scaled) after the upload
     * finished. Combined with {@link #processingPolls}: both must be over. Default zero.
     */
    public FakeGemini processingTime(Duration wallClock) {
        files.processingTime(Objects.requireNonNull(wallClock));
        return this;
    }

    /**
     * Files whose display name matches end processing in state {@code FAILED} (with an {@code error}) instead of
     * {@code ACTIVE}; files without a display name are tested with {@code ""}.
     */
    public FakeGemini failProcessing(Predicate<String> displayName) {
        files.failProcessing(Objects.requireNonNull(displayName));
        return this;
    }

    /**
     * Registers the duration of audio / video media, identified by a file's display name or by the base64
     * SHA-256 of the bytes (works for {@code inlineData} too). Such parts are charged 32 tokens/s (audio) or
     * 263 tokens/s (video), rounded up, and video files get {@code videoMetadata.videoDuration}; media without a
     * registered duration cost {@link #mediaPartTokens()}.
     */
    public FakeGemini mediaDuration(String displayNameOrSha256, Duration duration) {
        files.mediaDuration(Objects.requireNonNull(displayNameOrSha256), Objects.requireNonNull(duration));
        return this;
    }

    /**
     * Audio parts without a registered duration are charged the duration their own header states (FLAC
     * {@code STREAMINFO}, WAV), inline or uploaded, instead of {@link #mediaPartTokens()}; audio whose header states
     * none is refused with 400 (the fake does not guess). Off by default. For segments a client cuts itself, whose
     * bytes (and so SHA-256) a test cannot know in advance.
     */
    public FakeGemini mediaDurationsFromContent() {
        files.durationsFromContent(true);
        return this;
    }

    /**
     * A video (by display name or base64 SHA-256) without a sound track: charged its frames alone under a
     * {@code mediaResolution} (see {@link #imageTokens}).
     */
    public FakeGemini silentVideo(String displayNameOrSha256) {
        files.silentVideo(Objects.requireNonNull(displayNameOrSha256));
        return this;
    }

    /** Tokens per second of audio (default 32, as Gemini); e.g. more, to see a client's estimate fall short. */
    public FakeGemini audioTokensPerSecond(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens < 1");
        }
        files.audioTokensPerSecond(tokens);
        return this;
    }

    /**
     * Tokens per image part (default {@link #mediaPartTokens()}, Gemini 2.x; Gemini 3 high resolution: 1120) of a
     * request without {@code generationConfig.mediaResolution}. A request with one is charged Gemini 3's rates
     * instead: an image 280 / 560 / 1120 at LOW / MEDIUM / HIGH, a video with a registered duration 70 / 70 / 280
     * per second of frames plus its sound track at the audio rate (none for a {@link #silentVideo}).
     */
    public FakeGemini imageTokens(int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens < 0");
        }
        files.imageTokens(tokens);
        return this;
    }

    /**
     * Body size limit of non-upload requests (default {@link #DEFAULT_REQUEST_SIZE_LIMIT}); larger bodies answer
     * 400 "Request payload size exceeds the limit: N bytes.".
     */
    public FakeGemini requestSizeLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes < 1");
        }
        requestSizeLimit = bytes;
        return this;
    }

    /**
     * When on, a responder answer to a call with {@code responseMimeType: application/json} must be valid JSON;
     * otherwise the call fails with 500 "FakeGemini failure: ..." so the test notices. Default off.
     */
    public FakeGemini strictJsonAnswers(boolean on) {
        strictJsonAnswers = on;
        return this;
    }

    /** Current (not deleted, not expired) files, oldest first. */
    public List<FakeFile> files() {
        return files.files();
    }

    /** Files deleted with {@code DELETE /v1beta/files/{id}}, in order. */
    public List<FakeFile> deletedFiles() {
        return files.deletedFiles();
    }

    /** Upload sessions started (resumable starts and multipart uploads). */
    public int uploadsStarted() {
        return files.uploadsStarted.get();
    }

    /** Uploads finalized into a file. */
    public int uploadsFinalized() {
        return files.uploadsFinalized.get();
    }

    /** Sessions that received data again after a dropped upload request. */
    public int uploadsResumed() {
        return files.uploadsResumed.get();
    }

    /**
     * Random faults for generate calls without a scripted fault: with probability {@code pDrop} the connection is
     * dropped, with probability {@code p5xx} a 500, 503 or 504 (equally likely) is answered. Deterministic for a
     * given seed and call order. {@code randomFaults(0, 0, 0)} switches them off.
     */
    public FakeGemini randomFaults(long seed, double p5xx, double pDrop) {
        if (p5xx < 0 || pDrop < 0 || p5xx + pDrop > 1) {
            throw new IllegalArgumentException("probabilities must be >= 0 and sum to <= 1");
        }
        synchronized (scriptedFaults) {
            this.randomFaults = p5xx + pDrop > 0 ? new Random(seed) : null;
            this.p5xx = p5xx;
            this.pDrop = pDrop;
        }
        return this;
    }

    /**
     * Forgets recorded requests and counters, files, upload sessions, clears rate-limit windows, the day-quota
     * exhaustion and queued faults. Keys, media durations, processing settings, models (and refused models), limits, responder and random-fault settings stay.
     */
    public FakeGemini reset() {
        recorded.clear();
        statusCounts.clear();
        limiter.reset();
        files.reset();
        synchronized (scriptedFaults) {
            scriptedFaults.clear();
            uploadFaults.clear();
        }
        return this;
    }

    // ================================================================ tokens and answers

    /**
     * The fake tokenizer: per whitespace-separated word {@code ceil(chars / 4)} tokens (at least 1), plus one token
     * per CJK / Hiragana / Katakana / Hangul character. {@code promptTokenCount} is the sum over all text parts
     * including {@code systemInstruction}, plus the media parts: audio 32 and video 263 tokens per second when a
     * duration is registered ({@link #mediaDuration}), images {@link #imageTokens} (258 by default), anything else
     * 258 per {@code inlineData} / {@code fileData} part.
     */
    public static int countTokens(String text) {
        return Tokenizer.count(text);
    }

    /** Tokens charged per {@code inlineData} / {@code fileData} part without a registered duration (258). */
    public static int mediaPartTokens() {
        return RequestValidator.MEDIA_PART_TOKENS;
    }

    /**
     * The default responder: {@code "Summary: " + } the first 80 characters of the last user text part with
     * whitespace collapsed.
     */
    public static Answer defaultAnswer(GenerateCall call) {
        return Answer.text("Summary: " + first(call.lastUserText().trim().replaceAll("\\s+", " "), 80));
    }

    private static String first(String s, int codePoints) {
        return s.codePointCount(0, s.length()) <= codePoints ? s : s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    // ================================================================ recording

    /**
     * All requests answered so far (rejected ones too), in arrival order. A request is recorded just before its
     * answer is written, so once a client has a response, the request is in this list; requests still being
     * worked on (e.g. a delayed answer) are not.
     */
    public List<RecordedRequest> requests() {
        return new ArrayList<>(recorded.values());
    }

    /**
     * Number of recorded requests whose HTTP method equals the argument (when it is all upper case, e.g.
     * {@code "GET"}) or whose path ends with it (e.g. {@code ":generateContent"}, {@code "/models"}).
     */
    public int count(String pathSuffixOrMethod) {
        boolean method = pathSuffixOrMethod.matches("[A-Z]+");
        return (int) recorded.values().stream()
                .filter(r -> method ? r.method().equals(pathSuffixOrMethod) : r.path().endsWith(pathSuffixOrMethod))
                .count();
    }

    /** Number of requests answered with {@code httpStatus} ({@code 0} = dropped connection). */
    public int countStatus(int httpStatus) {
        AtomicInteger n = statusCounts.get(httpStatus);
        return n == null ? 0 : n.get();
    }

    /** Requests by answered status, sorted by status. */
    public Map<Integer, Integer> statusCounts() {
        Map<Integer, Integer> m = new TreeMap<>();
        statusCounts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Largest {@code promptTokenCount} of any generate call that passed validation (0 if none). */
    public int maxPromptTokensSeen() {
        return recorded.values().stream().filter(RecordedRequest::isGenerate)
                .mapToInt(RecordedRequest::promptTokens).max().orElse(0);
    }

    /** User texts of generate calls answered 200 (blocked prompts included), in arrival order. */
    public List<String> userTexts() {
        return recorded.values().stream().filter(r -> r.isGenerate() && r.status() == 200)
                .map(RecordedRequest::userText).toList();
    }

    // ================================================================ package-private plumbing

    ModelsApi models() {
        return models;
    }

    QuotaLimiter limiter() {
        return limiter;
    }

    FilesApi filesApi() {
        return files;
    }

    boolean strictJsonAnswers() {
        return strictJsonAnswers;
    }

    /** The next scripted upload fault or {@code null}. */
    Fault nextUploadFault() {
        synchronized (scriptedFaults) {
            return uploadFaults.pollFirst();
        }
    }

    /** The next upload fault for a request that carries no file bytes (a start): a byte-count drop waits for a chunk. */
    Fault nextUploadFaultForStart() {
        synchronized (scriptedFaults) {
            Fault f = uploadFaults.peekFirst();
            return f == null || f.kind() == Fault.Kind.DROP_UPLOAD ? null : uploadFaults.pollFirst();
        }
    }

    Function<GenerateCall, Answer> responder() {
        return responder;
    }

    /** The next scripted fault, else a random one, else {@code null}. */
    Fault nextFault() {
        synchronized (scriptedFaults) {
            Fault f = scriptedFaults.pollFirst();
            if (f != null || randomFaults == null) {
                return f;
            }
            double r = randomFaults.nextDouble();
            if (r < pDrop) {
                return Fault.dropConnection();
            }
            if (r < pDrop + p5xx) {
                return Fault.status(new int[] {500, 503, 504}[randomFaults.nextInt(3)]);
            }
            return null;
        }
    }

    private void handle(HttpExchange exchange) {
        Inbound req = null;
        try {
            long seq = sequence.incrementAndGet();
            req = new Inbound(exchange, seq, r -> record(seq, r), requestSizeLimit);
            try {
                dispatch(req);
            } catch (ApiError e) {
                req.sendError(e);
            } catch (RuntimeException e) {
                // a bug in the fake or in a test's responder: make it visible to the client
                if (!req.answered()) {
                    req.sendError(new ApiError(500, "INTERNAL", "FakeGemini failure: " + e));
                }
            }
        } catch (IOException e) {
            // client went away; nothing to answer
        } finally {
            if (req != null && !req.answered()) {
                req.commit(0);
            }
            exchange.close();
        }
    }

    private void record(long seq, RecordedRequest r) {
        recorded.put(seq, r);
        statusCounts.computeIfAbsent(r.status(), k -> new AtomicInteger()).incrementAndGet();
    }

    private void dispatch(Inbound req) throws ApiError, IOException {
        for (String name : req.exchange.getRequestHeaders().keySet()) {
            if (name.toLowerCase(Locale.ROOT).startsWith("camel")) {
                throw ApiError.invalidArgument("unexpected header " + name);
            }
        }
        ApiArea.Route route = null;
        for (ApiArea area : areas) {
            route = area.route(req);
            if (route != null) {
                break;
            }
        }
        if (route == null) {
            throw ApiError.notFound("The requested URL " + req.path + " was not found on this server.");
        }
        // a session URL carries its own credential (the upload id), like the real one
        if (!(req.path.equals(FilesApi.UPLOAD) && req.params.containsKey("upload_id"))) {
            checkKey(req);
        }
        if (req.tooLarge) {
            throw ApiError.invalidArgument("Request payload size exceeds the limit: " + requestSizeLimit + " bytes.");
        }
        route.handle(req);
    }

    private void checkKey(Inbound req) throws ApiError {
        String key = req.header("x-goog-api-key");
        if (key == null) {
            key = req.params.get("key");
        }
        if (key == null || key.isEmpty()) {
            throw ApiError.permissionDenied(MISSING_KEY_MESSAGE);
        }
        if (!validKeys.contains(key)) {
            ApiError e = ApiError.invalidArgument(INVALID_KEY_MESSAGE);
            var info = Json.object().put("@type", ApiError.ERROR_INFO).put("reason", "API_KEY_INVALID")
                    .put("domain", "googleapis.com");
            info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
            e.detail(info);
            throw e;
        }
    }
}

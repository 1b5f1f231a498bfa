package io.geminidigest.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GeminiResponses;
import io.geminidigest.gemini.GenerateResult;
import io.geminidigest.gemini.Secrets;
import io.geminidigest.gemini.Upload;
import io.geminidigest.limits.Permit;
import io.geminidigest.limits.RetryPolicy;

/**
 * The Java side of the gateway route ({@code routes/gemini-gateway.camel.yaml}): request body, answer mapping, and the
 * retry decisions of the route's error handler. Holds no connection: the route makes the HTTP call.
 */
public final class GatewaySupport {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest.gateway");

    public static final String CALL = "geminiCall";
    public static final String SENT_AT = "geminiSentAt";
    public static final String CLIENT = "geminiHttpClient";
    public static final String PERMIT = "geminiPermit";
    static final String RETRY_DECISION = "geminiRetryDecision";
    static final String MODELS_TRIED = "geminiModelsTried";
    static final String ATTEMPT_BASE = "geminiAttemptBase";
    /** Answers of earlier attempts of this call that were billed but not used (a list of GenerateResult). */
    static final String BILLED = "geminiBilled";

    private final ObjectMapper mapper;
    private final GeminiResponses responses;
    private final RetryPolicy retryPolicy;
    private final boolean keyConfigured;
    private final Duration circuitOpenWait;
    private final GatewayMetrics metrics;
    private final LimiterGate limiter;
    private final java.util.List<String> fallbackModels;

    public GatewaySupport(ObjectMapper mapper, GeminiResponses responses, RetryPolicy retryPolicy,
            boolean keyConfigured, Duration circuitOpenWait, GatewayMetrics metrics, LimiterGate limiter) {
        this(mapper, responses, retryPolicy, keyConfigured, circuitOpenWait, metrics, limiter, java.util.List.of());
    }

    /**
     * @param fallbackModels models to use, in order, when the call's model is parked for the day or still overloaded
     *                       after the retries (empty: no fallback)
     */
    public GatewaySupport(ObjectMapper mapper, GeminiResponses responses, RetryPolicy retryPolicy,
            boolean keyConfigured, Duration circuitOpenWait, GatewayMetrics metrics, LimiterGate limiter,
            java.util.List<String> fallbackModels) {
        this.fallbackModels = java.util.List.copyOf(fallbackModels);
        this.mapper = mapper;
        this.responses = responses;
        this.retryPolicy = retryPolicy;
        this.keyConfigured = keyConfigured;
        this.circuitOpenWait = circuitOpenWait;
        this.metrics = metrics;
        this.limiter = limiter;
    }

    /**
     * Before every try: waits for the rate limiter (requests and tokens per minute, requests per day, calls in
     * flight); a request alone over the tokens-per-minute limit is refused at once. Calls that are not generation
     * (models, countTokens) pass.
     */
    public void acquire(Exchange exchange) throws InterruptedException {
        GeminiCall call = exchange.getProperty(CALL, GeminiCall.class);
        if (!keyConfigured) {
            throw new GeminiException(GeminiErrorKind.NO_API_KEY, "GEMINI_API_KEY is not set");
        }
        if (call.isMetered() && limiter.isParked(call.model())) {
            // the model is parked for the day: go straight to a fallback model that is not
            for (String model : fallbackModels) {
                if (!model.equals(call.model()) && !limiter.isParked(model)) {
                    call = call.withModel(model);
                    exchange.setProperty(CALL, call);
                    break;
                }
            }
        }
        Permit permit = limiter.acquire(call);
        exchange.setProperty(PERMIT, permit);
        if (permit.metered()) {
            metrics.limiterWaited(permit.waitMillis());
            LOG.debug("admitted '{}': {} estimated tokens after {} ms", call.label(), permit.estimatedTokens(),
                    permit.waitMillis());
        }
    }

    /** First step of every attempt: checks the call and names the HTTP client (timeout class) to use. */
    public void prepare(Exchange exchange) throws JsonProcessingException {
        GeminiCall call = exchange.getProperty(CALL, GeminiCall.class);
        if (call == null) {
            throw new IllegalArgumentException("the gateway takes a GeminiCall in the exchange property " + CALL);
        }
        if (!keyConfigured) {
            throw new GeminiException(GeminiErrorKind.NO_API_KEY, "GEMINI_API_KEY is not set");
        }
        exchange.setProperty(CLIENT, switch (call.timeoutClass()) {
            case TEXT -> "geminiTextClient";
            case LONG_CONTEXT -> "geminiLongContextClient";
            case MEDIA -> "geminiMediaClient";
        });
        var message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, call.kind().httpMethod());
        switch (call.kind()) {
            case UPLOAD_START -> {
                Upload.Start start = (Upload.Start) call.payload();
                message.setHeader(Exchange.HTTP_PATH, call.path());
                message.setHeader("X-Goog-Upload-Protocol", "resumable");
                message.setHeader("X-Goog-Upload-Command", "start");
                message.setHeader("X-Goog-Upload-Header-Content-Length", Long.toString(start.totalBytes()));
                message.setHeader("X-Goog-Upload-Header-Content-Type", start.mimeType());
                message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
                message.setBody(mapper.writeValueAsBytes(
                        new Upload.StartBody(new Upload.DisplayName(start.displayName()))));
            }
            case UPLOAD_CHUNK -> {
                Upload.Chunk chunk = (Upload.Chunk) call.payload();
                message.setHeader(Exchange.HTTP_URI, chunk.sessionUrl());
                message.setHeader("X-Goog-Upload-Command", chunk.last() ? "upload, finalize" : "upload");
                message.setHeader("X-Goog-Upload-Offset", Long.toString(chunk.offset()));
                message.setHeader(Exchange.CONTENT_TYPE, "application/octet-stream");
                message.setBody(chunk.data());
            }
            case UPLOAD_QUERY -> {
                message.setHeader(Exchange.HTTP_URI, ((Upload.Query) call.payload()).sessionUrl());
                message.setHeader("X-Goog-Upload-Command", "query");
                message.setBody(new byte[0]);
            }
            default -> {
                message.setHeader(Exchange.HTTP_PATH, call.path());
                if (call.payload() != null) {
                    message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
                    message.setBody(mapper.writeValueAsBytes(call.payload()));
                } else {
                    message.setBody(null);
                }
            }
        }
        exchange.setProperty(SENT_AT, System.nanoTime());
    }

    /**
     * Inside the circuit breaker: a 5xx answer throws (so that it counts as the service failing); everything else,
     * success or client error, passes to {@link #readAnswer}.
     */
    public void failOnServerError(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status >= 500) {
            readAnswer(exchange);
        }
    }

    /** Maps the HTTP answer to a typed result, or throws the typed error. */
    public Object readAnswer(Exchange exchange) {
        GeminiCall call = exchange.getProperty(CALL, GeminiCall.class);
        long sentAt = exchange.getProperty(SENT_AT, Long.class);
        long latencyMillis = (System.nanoTime() - sentAt) / 1_000_000;
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        Permit permit = exchange.getProperty(PERMIT, Permit.class);
        try {
            var message = exchange.getMessage();
            Object result = responses.map(call, status == null ? 0 : status, body, latencyMillis,
                    name -> message.getHeader(name, String.class));
            metrics.answered(call, status == null ? 0 : status, result);
            if (permit != null) {
                if (result instanceof GenerateResult r) {
                    // the minute is charged with the server's count, not our estimate
                    limiter.settle(call, permit, r.usage().promptTokenCount());
                    LOG.debug("settled '{}': {} tokens counted (estimate {}), {} ms after sending", call.label(),
                            r.usage().promptTokenCount(), permit.estimatedTokens(), latencyMillis);
                } else {
                    limiter.release(call, permit);
                }
            }
            if (result instanceof GenerateResult r) {
                spend(exchange, List.of(r)); // the earlier attempts were recorded when they failed
            }
            List<GenerateResult> earlier = billedSoFar(exchange);
            if (result instanceof GenerateResult r && !earlier.isEmpty()) {
                // attempts before this one were answered and billed, though not used: they count in the sidecar
                return r.withDiscardedBefore(earlier);
            }
            return result;
        } catch (GeminiException e) {
            metrics.failed(call, e);
            if (e.httpStatus() == 429) {
                limiter.onRateLimited(call, e);
            }
            if (permit != null && e.httpStatus() == 200) {
                // answered (blocked, cut off): the server counted the prompt, with its own count when it sent one
                int counted = e.billed().isEmpty() ? 0
                        : e.billed().get(e.billed().size() - 1).usage().promptTokenCount();
                limiter.settle(call, permit, counted > 0 ? counted : Math.max(0, permit.estimatedTokens()));
            }
            spend(exchange, e.billed()); // this attempt's billed answers (answered, not used)
            if (!e.billed().isEmpty() || exchange.getProperty(BILLED) != null) {
                // every failure of this call carries all its billed answers so far (the last one is what the
                // caller sees when the retries end)
                List<GenerateResult> all = new ArrayList<>(billedSoFar(exchange));
                all.addAll(e.billed());
                exchange.setProperty(BILLED, List.copyOf(all));
                e.withBilled(all);
            }
            throw e;
        }
    }

    /** Records billed answers in the job's spend, when the call's exchange carries one. */
    private static void spend(Exchange exchange, List<GenerateResult> answers) {
        JobSpend spend = exchange.getProperty(JobSpend.PROPERTY, JobSpend.class);
        if (spend != null && !answers.isEmpty()) {
            spend.add(answers);
        }
    }

    /**
     * A call through the gateway from a bean ({@code requestBody}), its billed answers recorded in the job's spend
     * ({@code null}: none). Failures arrive as from {@code requestBody}: wrapped in a CamelExecutionException.
     */
    public static <T> T request(org.apache.camel.ProducerTemplate gateway, GeminiCall call, JobSpend spend,
            Class<T> type) {
        Exchange answer = gateway.request("direct:gemini-gateway", e -> {
            e.getMessage().setBody(call);
            if (spend != null) {
                e.setProperty(JobSpend.PROPERTY, spend);
            }
        });
        if (answer.getException() != null) {
            throw org.apache.camel.CamelExecutionException.wrapCamelExecutionException(answer,
                    answer.getException());
        }
        return answer.getMessage().getBody(type);
    }

    @SuppressWarnings("unchecked")
    private static List<GenerateResult> billedSoFar(Exchange exchange) {
        List<GenerateResult> list = exchange.getProperty(BILLED, List.class);
        return list == null ? List.of() : list;
    }

    /**
     * The error handler's {@code onExceptionOccurred}: decides the delay before the next attempt (Camel reads it
     * from the {@code CamelRedeliveryDelay} header) and logs one line per failed attempt.
     */
    public void beforeRetry(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        int attempts = attempts(exchange);
        GeminiCall call = exchange.getProperty(CALL, GeminiCall.class);
        String label = call == null ? "?" : call.label();
        Permit permit = exchange.getProperty(PERMIT, Permit.class);
        if (permit != null && call != null) {
            limiter.release(call, permit); // idempotent: a settled permit stays settled
            exchange.removeProperty(PERMIT);
        }
        Optional<GeminiCall> fallback = fallbackFor(exchange, call, failure, attempts);
        if (fallback.isPresent()) {
            exchange.setProperty(CALL, fallback.get());
            exchange.setProperty(ATTEMPT_BASE, attempts);
            exchange.setProperty(RETRY_DECISION, true);
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, 0L);
            LOG.warn("Gemini call '{}' on {} failed: {}; switching to the fallback model {}", label, call.model(),
                    describe(failure), fallback.get().model());
            return;
        }
        Optional<Duration> delay = delayFor(call, failure, attempts);
        exchange.setProperty(RETRY_DECISION, delay.isPresent());
        if (delay.isPresent()) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay.get().toMillis());
            LOG.warn("Gemini call '{}' failed (attempt {} of {}): {}; retrying in {} ms", label, attempts,
                    retryPolicy.maxAttempts(), describe(failure), delay.get().toMillis());
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    /**
     * The call on the next fallback model, when the call's model is parked (per-day quota, spend cap) or still
     * overloaded after its retries, and a fallback model is configured that this call has not tried yet.
     */
    Optional<GeminiCall> fallbackFor(Exchange exchange, GeminiCall call, Throwable failure, int attempts) {
        if (fallbackModels.isEmpty() || call == null || call.kind() != GeminiCall.Kind.GENERATE) {
            return Optional.empty();
        }
        GeminiErrorKind kind = RetryPolicy.kindOf(failure);
        boolean parked = kind != null && kind.handling() == GeminiErrorKind.Handling.PARK;
        boolean overloaded = (kind == GeminiErrorKind.UNAVAILABLE || kind == GeminiErrorKind.SERVER_ERROR
                || kind == GeminiErrorKind.DEADLINE_EXCEEDED) && retryPolicy.nextDelay(failure, attempts).isEmpty();
        if (!parked && !overloaded) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        java.util.Set<String> tried = exchange.getProperty(MODELS_TRIED, java.util.Set.class);
        if (tried == null) {
            tried = new java.util.HashSet<>();
            exchange.setProperty(MODELS_TRIED, tried);
        }
        tried.add(call.model());
        for (String model : fallbackModels) {
            if (!tried.contains(model)) {
                return Optional.of(call.withModel(model));
            }
        }
        return Optional.empty();
    }

    /** The error handler's {@code retryWhile}. */
    public boolean shouldRetry(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Boolean decided = exchange.getProperty(RETRY_DECISION, Boolean.class);
        if (decided != null) {
            exchange.removeProperty(RETRY_DECISION);
            return decided;
        }
        return delayFor(exchange.getProperty(CALL, GeminiCall.class), failure, attempts(exchange)).isPresent();
    }

    Optional<Duration> delayFor(GeminiCall call, Throwable failure, int attempts) {
        if (isCircuitOpen(failure)) {
            // the circuit breaker holds calls back: wait for it rather than failing the document
            return Optional.of(circuitOpenWait);
        }
        if (call != null && !call.isRetriedAsIs()) {
            return Optional.empty(); // an upload chunk resumes from what the server has (query), not blindly
        }
        GeminiErrorKind kind = RetryPolicy.kindOf(failure);
        if (kind != null && kind.handling() == GeminiErrorKind.Handling.PARK && call != null) {
            // per-day quota or spend cap: the limiter is parked; the next try waits in it until the reset, so the
            // document waits too (it is not failed)
            return Optional.of(limiter.parkedFor(call.model()).map(d -> d.plusMillis(50)).orElse(Duration.ofSeconds(1)));
        }
        return retryPolicy.nextDelay(failure, attempts);
    }

    static boolean isCircuitOpen(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Attempts made so far. Camel's error handler has already counted the failure that is being handled when it
     * asks (the redelivery counter is 1 after the first failed try).
     */
    private static int attempts(Exchange exchange) {
        Integer counter = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        int base = exchange.getProperty(ATTEMPT_BASE, 0, Integer.class); // attempts on earlier (fallback) models
        return Math.max(1, (counter == null ? 0 : counter) - base);
    }

    static String describe(Throwable failure) {
        Throwable t = RetryPolicy.unwrap(failure);
        if (t instanceof GeminiException g) {
            return g.summary();
        }
        return Secrets.mask(t.getClass().getSimpleName() + ": " + t.getMessage());
    }

    /** For the sidecar and logs: what answered. */
    public static String modelOf(GenerateResult r) {
        return r.modelVersion() != null ? r.modelVersion() : r.model();
    }
}

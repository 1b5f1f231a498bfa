package io.geminidigest.app;

import java.util.concurrent.TimeUnit;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GenerateResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of the gateway: calls by kind and status, 429s by quota kind, tokens in/out/thinking and the time
 * calls waited in the limiter. Registered in the registry the application binds (a Prometheus one serves them).
 */
public final class GatewayMetrics {

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    void answered(GeminiCall call, int status, Object result) {
        calls(call, Integer.toString(status), "ok").increment();
        if (result instanceof GenerateResult r && r.usage() != null) {
            tokens("in").increment(r.usage().promptTokenCount());
            tokens("out").increment(r.usage().candidatesTokenCount());
            tokens("thinking").increment(r.usage().thoughtsTokenCount());
        }
    }

    void failed(GeminiCall call, GeminiException e) {
        calls(call, e.httpStatus() == 0 ? "none" : Integer.toString(e.httpStatus()), e.kind().name()).increment();
        if (e.httpStatus() == 429) {
            String quota = e.kind() == GeminiErrorKind.RATE_LIMITED
                    ? e.quotaId().map(GatewayMetrics::quotaKind).orElse("unspecified") : e.kind().name();
            Counter.builder("gemini.rate_limited").description("429 answers by quota kind")
                    .tag("quota", quota).register(registry).increment();
        }
    }

    public void limiterWaited(long millis) {
        Timer.builder("gemini.limiter.wait").description("time calls waited for the rate limiter")
                .register(registry).record(millis, TimeUnit.MILLISECONDS);
    }

    private Counter calls(GeminiCall call, String status, String outcome) {
        return Counter.builder("gemini.calls").description("Gemini calls by kind, HTTP status and outcome")
                .tag("kind", call.kind().name()).tag("status", status).tag("outcome", outcome).register(registry);
    }

    private Counter tokens(String direction) {
        return Counter.builder("gemini.tokens").description("tokens reported by Gemini (usageMetadata)")
                .tag("direction", direction).register(registry);
    }

    static String quotaKind(String quotaId) {
        if (quotaId.contains("InputToken")) {
            return "tokens-per-minute";
        }
        if (quotaId.contains("PerDay")) {
            return "requests-per-day";
        }
        if (quotaId.contains("Requests")) {
            return "requests-per-minute";
        }
        return quotaId;
    }
}

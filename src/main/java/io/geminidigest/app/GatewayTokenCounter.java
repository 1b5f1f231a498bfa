package io.geminidigest.app;

import java.util.List;

import org.apache.camel.ProducerTemplate;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiRest.Content;
import io.geminidigest.gemini.GeminiRest.CountTokensRequest;
import io.geminidigest.gemini.GeminiRest.CountTokensResponse;

/**
 * Exact token counts from Gemini's {@code countTokens}, through the gateway route (so with its retries, circuit
 * breaker and key handling). The chunk planner asks it only for chunks whose local estimate is near the budget, the
 * transcriber only for media segments whose estimate is.
 * This is the one place where planning does I/O, and it is named for it.
 */
public final class GatewayTokenCounter implements io.geminidigest.summarize.ModelTokenCounter {

    private final ProducerTemplate template;
    private final String model;

    public GatewayTokenCounter(ProducerTemplate template, String model) {
        this.template = template;
        this.model = model;
    }

    /** The counter of {@code other} (a job's own model); this one when it is null or the same model. */
    @Override
    public GatewayTokenCounter forModel(String other) {
        return other == null || other.equals(model) ? this : new GatewayTokenCounter(template, other);
    }

    @Override
    public int applyAsInt(String text) {
        return count("countTokens", List.of(Content.user(text))).totalTokens();
    }

    /** The count of a request's contents (text, {@code inlineData}, {@code fileData}), with tokens by modality. */
    public CountTokensResponse count(String label, List<Content> contents) {
        return count(label, model, contents);
    }

    /** The same, by {@code model} (a job's own model) instead of the configured one. */
    public CountTokensResponse count(String label, String model, List<Content> contents) {
        GeminiCall call = GeminiCall.countTokens(label, model, new CountTokensRequest(contents));
        try {
            return template.requestBody("direct:gemini-gateway", call, CountTokensResponse.class);
        } catch (org.apache.camel.CamelExecutionException e) {
            Throwable t = io.geminidigest.limits.RetryPolicy.unwrap(e);
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new io.geminidigest.gemini.GeminiException(io.geminidigest.gemini.GeminiErrorKind.NETWORK,
                    GatewaySupport.describe(t));
        }
    }
}

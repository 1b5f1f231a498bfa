package io.geminidigest.app;

import java.util.List;
import java.util.function.ToIntFunction;

import org.apache.camel.ProducerTemplate;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiRest.Content;
import io.geminidigest.gemini.GeminiRest.CountTokensRequest;
import io.geminidigest.gemini.GeminiRest.CountTokensResponse;

/**
 * Exact token counts from Gemini's {@code countTokens}, through the gateway route (so with its retries, circuit
 * breaker and key handling). The chunk planner asks it only for chunks whose local estimate is near the budget.
 * This is the one place where planning does I/O, and it is named for it.
 */
public final class GatewayTokenCounter implements ToIntFunction<String> {

    private final ProducerTemplate template;
    private final String model;

    public GatewayTokenCounter(ProducerTemplate template, String model) {
        this.template = template;
        this.model = model;
    }

    @Override
    public int applyAsInt(String text) {
        GeminiCall call = GeminiCall.countTokens("countTokens", model,
                new CountTokensRequest(List.of(Content.user(text))));
        CountTokensResponse r = template.requestBody("direct:gemini-gateway", call, CountTokensResponse.class);
        return r.totalTokens();
    }
}

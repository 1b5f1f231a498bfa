package io.geminidigest.app;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import io.geminidigest.chunk.ChunkBudget;
import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GeminiRest.ModelInfo;
import io.geminidigest.limits.RetryPolicy;

/**
 * The chunk budget of a model a job chose ({@code options.model}): its input limit is read once from
 * {@code GET /v1beta/models/{model}} through the gateway (as the preflight does for the configured model), so a job
 * on a model with a smaller window is cut to fit it, and a model that does not exist fails the job before anything
 * is extracted, uploaded or billed. This is a Gemini call, and it is named for it.
 */
public final class JobModels {

    private final ProducerTemplate gateway;
    private final ModelBudget budget;
    private final GeminiAccess access;
    private final Map<String, ChunkBudget> known = new ConcurrentHashMap<>();

    public JobModels(ProducerTemplate gateway, ModelBudget budget, GeminiAccess access) {
        this.gateway = gateway;
        this.budget = budget;
        this.access = access;
    }

    /**
     * The budget of the job's own model, or null when the job has none (or the configured one), or nothing can be
     * asked (no API key: estimates use the configured model's budget).
     *
     * @throws GeminiException {@link GeminiErrorKind#MODEL_NOT_FOUND} when the model does not exist or cannot
     *                         generate content, {@link GeminiErrorKind#PERMISSION_DENIED} when the key may not use it
     *                         (both fail the job only: see {@link Reports#isFatal(Throwable, JobOptions)})
     */
    public ChunkBudget budgetFor(JobOptions options) {
        if (options == null || options.model() == null || options.model().equals(access.model())
                || access.isEstimateOnly()) {
            return null;
        }
        ChunkBudget b = known.get(options.model());
        if (b == null) {
            b = budget.forModel(inputLimit(options.model()));
            known.put(options.model(), b);
        }
        return b;
    }

    private int inputLimit(String model) {
        ModelInfo info;
        try {
            info = gateway.requestBody("direct:gemini-gateway", GeminiCall.getModel(model), ModelInfo.class);
        } catch (CamelExecutionException e) {
            Throwable t = RetryPolicy.unwrap(e);
            throw t instanceof RuntimeException r ? r : e;
        }
        if (info.supportedGenerationMethods() != null && !info.supportedGenerationMethods().isEmpty()
                && !info.supportedGenerationMethods().contains("generateContent")) {
            throw new GeminiException(GeminiErrorKind.MODEL_NOT_FOUND, "models/" + model
                    + " does not support generateContent").onModel(model);
        }
        return info.inputTokenLimit();
    }
}

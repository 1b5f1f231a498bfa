package io.geminidigest.gemini;

import java.util.Objects;

import io.geminidigest.gemini.GeminiRest.CountTokensRequest;
import io.geminidigest.gemini.GeminiRest.GenerateContentRequest;

/**
 * One request for the gateway: what to call, on which model, with which payload, and how many input tokens it is
 * expected to cost (the limiter charges the estimate before the call and settles with the real count after).
 *
 * @param label                 who asks, for logs and the sidecar (e.g. {@code "report.pdf map 3/12"})
 * @param kind                  which API method
 * @param model                 the model id, without the {@code models/} prefix
 * @param payload               the JSON body ({@code null} for {@link Kind#GET_MODEL})
 * @param estimatedInputTokens  the local estimate of the prompt's tokens
 * @param timeoutClass          which configured timeout applies
 */
public record GeminiCall(String label, Kind kind, String model, Object payload, int estimatedInputTokens,
        TimeoutClass timeoutClass) {

    public enum Kind {
        GENERATE("POST", ":generateContent"),
        COUNT_TOKENS("POST", ":countTokens"),
        GET_MODEL("GET", "");

        private final String httpMethod;
        private final String suffix;

        Kind(String httpMethod, String suffix) {
            this.httpMethod = httpMethod;
            this.suffix = suffix;
        }

        public String httpMethod() {
            return httpMethod;
        }
    }

    /** Per call kind timeouts: short text calls, long-context calls, media calls. */
    public enum TimeoutClass { TEXT, LONG_CONTEXT, MEDIA }

    public GeminiCall {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(model, "model");
        if (model.startsWith("models/")) {
            model = model.substring("models/".length());
        }
        if (timeoutClass == null) {
            timeoutClass = TimeoutClass.TEXT;
        }
    }

    public static GeminiCall generate(String label, String model, GenerateContentRequest request,
            int estimatedInputTokens, TimeoutClass timeoutClass) {
        return new GeminiCall(label, Kind.GENERATE, model, request, estimatedInputTokens, timeoutClass);
    }

    public static GeminiCall countTokens(String label, String model, CountTokensRequest request) {
        return new GeminiCall(label, Kind.COUNT_TOKENS, model, request, 0, TimeoutClass.TEXT);
    }

    public static GeminiCall getModel(String model) {
        return new GeminiCall("preflight", Kind.GET_MODEL, model, null, 0, TimeoutClass.TEXT);
    }

    /** The path under {@code /v1beta/}, e.g. {@code models/gemini-2.5-flash:generateContent}. */
    public String path() {
        return "models/" + model + kind.suffix;
    }

    /** Whether the call counts against the generation limits (requests and tokens per minute, requests per day). */
    public boolean isMetered() {
        return kind == Kind.GENERATE;
    }
}

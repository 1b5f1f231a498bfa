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
        GET_MODEL("GET", ""),
        /** Files API: start a resumable upload (payload {@link Upload.Start}). */
        UPLOAD_START("POST", ""),
        /** Files API: send one chunk to the upload session (payload {@link Upload.Chunk}). */
        UPLOAD_CHUNK("POST", ""),
        /** Files API: ask the session how many bytes arrived (payload {@link Upload.Query}). */
        UPLOAD_QUERY("POST", ""),
        /** Files API: read a file resource (model field holds the file name {@code files/<id>}). */
        GET_FILE("GET", ""),
        /** Files API: delete a file (model field holds the file name). */
        DELETE_FILE("DELETE", "");

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

    /** The same call on another model (fallback). */
    public GeminiCall withModel(String otherModel) {
        return new GeminiCall(label, kind, otherModel, payload, estimatedInputTokens, timeoutClass);
    }

    /** A Files API call: {@code model} holds a file name ({@code files/<id>}) where one is needed. */
    public static GeminiCall files(String label, Kind kind, String fileName, Object payload) {
        return new GeminiCall(label, kind, fileName == null ? "-" : fileName, payload, 0, TimeoutClass.MEDIA);
    }

    /**
     * The path of the call: under {@code /v1beta/} for model and file calls ({@code models/x:generateContent},
     * {@code files/abc}), {@code /upload/v1beta/files} to start an upload; an upload session's calls go to the
     * absolute session URL the server gave.
     */
    public String path() {
        return switch (kind) {
            case GENERATE, COUNT_TOKENS, GET_MODEL -> "/v1beta/models/" + model + kind.suffix;
            case UPLOAD_START -> "/upload/v1beta/files";
            case UPLOAD_CHUNK, UPLOAD_QUERY -> null;
            case GET_FILE, DELETE_FILE -> "/v1beta/" + model;
        };
    }

    /** Whether the call counts against the generation limits (requests and tokens per minute, requests per day). */
    public boolean isMetered() {
        return kind == Kind.GENERATE;
    }

    /**
     * Characters of inline data ({@code inlineData.data}, base64) in a generate request: what makes a request body
     * large (a segment of audio sent inline is megabytes, a text request kilobytes); 0 for other calls.
     */
    public long inlineBytes() {
        if (!(payload instanceof GeminiRest.GenerateContentRequest request) || request.contents() == null) {
            return 0;
        }
        long bytes = 0;
        for (GeminiRest.Content c : request.contents()) {
            if (c.parts() == null) {
                continue;
            }
            for (GeminiRest.Part p : c.parts()) {
                if (p.inlineData() != null && p.inlineData().data() != null) {
                    bytes += p.inlineData().data().length();
                }
            }
        }
        return bytes;
    }

    /** Whether the gateway may simply send the call again after a failure (an upload chunk must resume instead). */
    public boolean isRetriedAsIs() {
        return kind != Kind.UPLOAD_CHUNK;
    }
}

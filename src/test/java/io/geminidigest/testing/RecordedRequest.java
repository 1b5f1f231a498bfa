package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request as the fake received it, with the status it answered. Every request is recorded, rejected ones too.
 *
 * @param at           arrival time (wall clock)
 * @param method       HTTP method
 * @param path         raw path, e.g. {@code /v1beta/models/gemini-3-pro-preview:generateContent}
 * @param query        raw query string or {@code null}
 * @param headers      request headers; the map is case-insensitive ({@link #header(String)})
 * @param rawBody      body as text (UTF-8); empty for upload chunks (their bytes are not kept, see {@code bodySize})
 * @param body         parsed body, {@code null} when empty or not JSON
 * @param status       HTTP status answered; {@code 0} when the connection was dropped without an answer
 * @param model        model id addressed by the URL or {@code null}
 * @param promptTokens fake prompt token count, {@code -1} when not computed (rejected before counting)
 * @param userText     for generate calls that passed validation: the user text (see {@link GenerateCall#userText()}),
 *                     else {@code null}
 * @param bodySize     number of body bytes received (for upload chunks: received before an answer or a drop)
 * @param usage        for generate calls answered with HTTP 200: the {@code usageMetadata} the fake answered (of the
 *                     last stream chunk), i.e. what it bills for the request, whatever the finish reason (also
 *                     {@code MAX_TOKENS}, blocked); else {@code null}
 */
public record RecordedRequest(Instant at, String method, String path, String query, Map<String, List<String>> headers,
                              String rawBody, JsonNode body, int status, String model, int promptTokens,
                              String userText, long bodySize, JsonNode usage) {

    /** The former shape, without {@code usage}. */
    public RecordedRequest(Instant at, String method, String path, String query, Map<String, List<String>> headers,
                           String rawBody, JsonNode body, int status, String model, int promptTokens,
                           String userText, long bodySize) {
        this(at, method, path, query, headers, rawBody, body, status, model, promptTokens, userText, bodySize, null);
    }

    /** The former shape, without {@code bodySize} (taken as the UTF-8 length of {@code rawBody}). */
    public RecordedRequest(Instant at, String method, String path, String query, Map<String, List<String>> headers,
                           String rawBody, JsonNode body, int status, String model, int promptTokens,
                           String userText) {
        this(at, method, path, query, headers, rawBody, body, status, model, promptTokens, userText,
                rawBody.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    /** Billed prompt tokens of this request ({@code usage.promptTokenCount}; 0 when not billed). */
    public long billedPromptTokens() {
        return usage == null ? 0 : usage.path("promptTokenCount").asLong();
    }

    /** Billed output tokens of this request (answer plus thinking, from {@code usage}; 0 when not billed). */
    public long billedOutputTokens() {
        return usage == null ? 0
                : usage.path("candidatesTokenCount").asLong() + usage.path("thoughtsTokenCount").asLong();
    }

    /** True for requests under {@code /upload/} (upload starts, chunks, queries). */
    public boolean isUpload() {
        return path.startsWith("/upload/");
    }

    /** First value of a header (case-insensitive name), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** True for {@code :generateContent} and {@code :streamGenerateContent} calls. */
    public boolean isGenerate() {
        return path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent");
    }
}

package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One validated generate call, handed to the responder (see {@link FakeGemini#respondWith}).
 *
 * @param model             model id from the URL, e.g. {@code gemini-3-pro-preview}
 * @param request           the request body as sent (field names may be camelCase or snake_case)
 * @param userText          text of all text parts of {@code user} contents (role missing counts as user), joined
 *                          with {@code "\n"}; thought parts excluded
 * @param lastUserText      the last text part of a {@code user} content (empty string if there is none)
 * @param systemInstruction concatenated text of {@code systemInstruction} parts ({@code ""} when absent)
 * @param promptTokens      the fake {@code promptTokenCount} of this request
 * @param generationConfig  {@code generationConfig} as sent, or an empty object
 * @param streaming         true for {@code :streamGenerateContent}
 */
public record GenerateCall(String model, JsonNode request, String userText, String lastUserText,
                           String systemInstruction, int promptTokens, JsonNode generationConfig, boolean streaming) {

    /** {@code generationConfig.maxOutputTokens}, or {@code null} when not sent. */
    public Integer maxOutputTokens() {
        JsonNode v = Json.field(generationConfig, "maxOutputTokens");
        return v == null ? null : v.asInt();
    }

    /** {@code generationConfig.responseMimeType}, or {@code "text/plain"} when not sent. */
    public String responseMimeType() {
        JsonNode v = Json.field(generationConfig, "responseMimeType");
        return v == null ? "text/plain" : v.asText();
    }
}

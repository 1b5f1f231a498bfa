package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

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
 * @param mediaParts        the {@code inlineData} / {@code fileData} parts in request order (see {@link MediaPart})
 */
public record GenerateCall(String model, JsonNode request, String userText, String lastUserText,
                           String systemInstruction, int promptTokens, JsonNode generationConfig, boolean streaming,
                           List<MediaPart> mediaParts) {

    public GenerateCall {
        mediaParts = List.copyOf(mediaParts);
    }

    /** The former shape, without media parts. */
    public GenerateCall(String model, JsonNode request, String userText, String lastUserText,
                        String systemInstruction, int promptTokens, JsonNode generationConfig, boolean streaming) {
        this(model, request, userText, lastUserText, systemInstruction, promptTokens, generationConfig, streaming,
                List.of());
    }

    /** The media parts of one modality ({@code AUDIO}, {@code VIDEO}, {@code IMAGE}, {@code DOCUMENT}). */
    public List<MediaPart> mediaParts(String modality) {
        return mediaParts.stream().filter(m -> m.modality().equals(modality)).toList();
    }

    /** {@code generationConfig.responseSchema}, or {@code null} when not sent. */
    public JsonNode responseSchema() {
        return Json.field(generationConfig, "responseSchema");
    }

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

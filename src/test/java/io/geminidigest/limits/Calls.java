package io.geminidigest.limits;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiRest;

/** Test calls. */
final class Calls {

    private Calls() {
    }

    static GeminiCall generate(int estimatedTokens) {
        return new GeminiCall("test", GeminiCall.Kind.GENERATE, "gemini-2.5-flash", null, estimatedTokens, null);
    }

    /** A generate call carrying {@code inlineBytes} characters of inline (base64) media. */
    static GeminiCall generateInline(int estimatedTokens, int inlineBytes) {
        var media = new GeminiRest.Part(null, new GeminiRest.InlineData("audio/flac", "A".repeat(inlineBytes)), null,
                null);
        var request = new GeminiRest.GenerateContentRequest(null,
                java.util.List.of(new GeminiRest.Content("user", java.util.List.of(media))), null);
        return new GeminiCall("test", GeminiCall.Kind.GENERATE, "gemini-2.5-flash", request, estimatedTokens, null);
    }

    static GeminiCall countTokens() {
        return new GeminiCall("test", GeminiCall.Kind.COUNT_TOKENS, "gemini-2.5-flash", null, 0, null);
    }
}

package io.geminidigest.limits;

import io.geminidigest.gemini.GeminiCall;

/** Test calls. */
final class Calls {

    private Calls() {
    }

    static GeminiCall generate(int estimatedTokens) {
        return new GeminiCall("test", GeminiCall.Kind.GENERATE, "gemini-2.5-flash", null, estimatedTokens, null);
    }

    static GeminiCall countTokens() {
        return new GeminiCall("test", GeminiCall.Kind.COUNT_TOKENS, "gemini-2.5-flash", null, 0, null);
    }
}

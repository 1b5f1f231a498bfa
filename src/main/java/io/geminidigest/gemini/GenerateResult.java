package io.geminidigest.gemini;

import io.geminidigest.gemini.GeminiRest.UsageMetadata;

/**
 * A successful generateContent answer: complete ({@code finishReason} STOP), with its usage.
 *
 * @param label         the call's label
 * @param model         the model that was asked
 * @param modelVersion  the version that answered ({@code modelVersion})
 * @param text          the answer text, thought summaries left out
 * @param finishReason  always {@code STOP} here: anything else is a {@link GeminiException}
 * @param usage         the server's token counts
 * @param latencyMillis time from sending the request to reading the answer
 * @param responseId    the server's response id
 */
public record GenerateResult(String label, String model, String modelVersion, String text, String finishReason,
        UsageMetadata usage, long latencyMillis, String responseId) {
}

package io.geminidigest.gemini;

import java.util.ArrayList;
import java.util.List;

import io.geminidigest.gemini.GeminiRest.UsageMetadata;

/**
 * A generateContent answer with its usage: normally a complete one ({@code finishReason} STOP) that the caller uses.
 * <p>
 * Google bills every answered request, also one whose answer is not used: cut off at {@code MAX_TOKENS}, refused,
 * blocked, without a finish reason, or an invalid transcript that had to be repaired. Such an answer is kept as a
 * result {@linkplain #discarded() marked discarded} (with the reason), so that tokens and cost count what the user
 * pays: a {@link GeminiException} carries the discarded answers of its call ({@link GeminiException#billed()}), and
 * an answer that succeeded after retries carries the discarded answers of its earlier attempts
 * ({@link #discardedBefore()}).
 *
 * @param label           the call's label
 * @param model           the model that was asked
 * @param modelVersion    the version that answered ({@code modelVersion})
 * @param text            the answer text, thought summaries left out
 * @param finishReason    {@code STOP} for a used answer; the server's reason (or null) for a discarded one
 * @param usage           the server's token counts
 * @param latencyMillis   time from sending the request to reading the answer
 * @param responseId      the server's response id
 * @param discarded       null for an answer that was used; else why it was not (e.g. {@code output-truncated})
 * @param discardedBefore billed answers of earlier attempts of the same call that were discarded (oldest first)
 */
public record GenerateResult(String label, String model, String modelVersion, String text, String finishReason,
        UsageMetadata usage, long latencyMillis, String responseId, String discarded,
        List<GenerateResult> discardedBefore) {

    public GenerateResult {
        discardedBefore = discardedBefore == null ? List.of() : List.copyOf(discardedBefore);
    }

    /** A used answer, without earlier discarded attempts. */
    public GenerateResult(String label, String model, String modelVersion, String text, String finishReason,
            UsageMetadata usage, long latencyMillis, String responseId) {
        this(label, model, modelVersion, text, finishReason, usage, latencyMillis, responseId, null, List.of());
    }

    /** This answer, marked as billed but not used, for {@code reason}. */
    public GenerateResult asDiscarded(String reason) {
        return new GenerateResult(label, model, modelVersion, text, finishReason, usage, latencyMillis, responseId,
                reason, discardedBefore);
    }

    /** This answer with the discarded answers of earlier attempts of the same call. */
    public GenerateResult withDiscardedBefore(List<GenerateResult> earlier) {
        return new GenerateResult(label, model, modelVersion, text, finishReason, usage, latencyMillis, responseId,
                discarded, earlier);
    }

    /** Whether this answer was billed but not used. */
    public boolean isDiscarded() {
        return discarded != null;
    }

    /** Every billed request behind this result: the discarded earlier attempts, then this answer. */
    public List<GenerateResult> billed() {
        if (discardedBefore.isEmpty()) {
            return List.of(this);
        }
        List<GenerateResult> all = new ArrayList<>();
        discardedBefore.forEach(d -> all.addAll(d.billed()));
        all.add(new GenerateResult(label, model, modelVersion, text, finishReason, usage, latencyMillis, responseId,
                discarded, List.of()));
        return all;
    }
}

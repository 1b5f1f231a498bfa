package io.geminidigest.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * What the fake model answers to one generate call; produced by the responder set with
 * {@link FakeGemini#respondWith(java.util.function.Function)}.
 *
 * <p>Immutable; build with {@link #text(String)} or {@link #blocked(String)} and refine with the {@code with...}
 * methods:
 * <pre>{@code
 * fake.respondWith(call -> Answer.text("{\"title\":\"x\"}").withThoughtsTokens(120));
 * fake.respondWith(call -> Answer.blocked("PROHIBITED_CONTENT"));
 * }</pre>
 *
 * @param text           the answer text (before any MAX_TOKENS cut); empty for a blocked prompt
 * @param finishReason   finish reason reported when the text is not cut (default {@code STOP}); {@code null}: the
 *                       answer names none (as an answer that broke off: the notes call it incomplete)
 * @param thoughtsTokens thinking tokens spent; count against {@code maxOutputTokens} like on the real API
 * @param blockReason    non-null: the prompt is blocked (HTTP 200, no candidates, {@code promptFeedback.blockReason})
 * @param delay          wall-clock time to wait before answering (not scaled by {@code timeScale}); never null
 */
public record Answer(String text, String finishReason, int thoughtsTokens, String blockReason, Duration delay) {

    public Answer {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(delay, "delay");
        if (thoughtsTokens < 0) {
            throw new IllegalArgumentException("thoughtsTokens < 0");
        }
    }

    /** A normal answer with finish reason {@code STOP}, no thinking tokens and no delay. */
    public static Answer text(String text) {
        return new Answer(text, "STOP", 0, null, Duration.ZERO);
    }

    /** A blocked prompt, e.g. {@code blocked("PROHIBITED_CONTENT")} or {@code blocked("SAFETY")}. */
    public static Answer blocked(String blockReason) {
        return new Answer("", "STOP", 0, Objects.requireNonNull(blockReason), Duration.ZERO);
    }

    public Answer withFinishReason(String reason) {
        return new Answer(text, reason, thoughtsTokens, blockReason, delay);
    }

    /** The same answer without a finish reason (an incomplete answer; still billed with its usage). */
    public Answer withoutFinishReason() {
        return new Answer(text, null, thoughtsTokens, blockReason, delay);
    }

    public Answer withThoughtsTokens(int tokens) {
        return new Answer(text, finishReason, tokens, blockReason, delay);
    }

    public Answer withDelay(Duration wallClockDelay) {
        return new Answer(text, finishReason, thoughtsTokens, blockReason, wallClockDelay);
    }

    public boolean isBlocked() {
        return blockReason != null;
    }
}

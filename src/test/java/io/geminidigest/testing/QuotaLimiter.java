package io.geminidigest.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Rate limits of the fake: requests per minute, input tokens per minute and requests per day, each per model,
 * enforced over rolling windows like the notes recommend planning for.
 *
 * <p>Time is scaled: a "minute" lasts {@code 60 s × timeScale} and a "day" {@code 86 400 s × timeScale} of wall
 * clock. All durations in 429 bodies ({@code RetryInfo.retryDelay}, "Please retry in ...") are wall-clock
 * durations, i.e. what a client really has to wait against this fake.
 *
 * <p>Only admitted requests are charged (with their {@code promptTokenCount}); rejected ones are not. Also builds
 * the 429 bodies used by scripted faults, so both kinds look the same.
 */
final class QuotaLimiter {

    static final String QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure";
    static final String HELP = "type.googleapis.com/google.rpc.Help";
    static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

    /** The three limited dimensions with their real metric names and quota ids. */
    enum Dimension {
        REQUESTS_PER_MINUTE("generativelanguage.googleapis.com/generate_requests_per_model",
                "GenerateRequestsPerMinutePerProjectPerModel"),
        INPUT_TOKENS_PER_MINUTE("generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count",
                "GenerateContentPaidTierInputTokensPerModelPerMinute"),
        REQUESTS_PER_DAY("generativelanguage.googleapis.com/generate_requests_per_model_per_day",
                "GenerateRequestsPerDayPerProjectPerModel");

        final String metric;
        final String quotaId;

        Dimension(String metric, String quotaId) {
            this.metric = metric;
            this.quotaId = quotaId;
        }
    }

    private record Charge(long atNanos, int tokens) {
    }

    /** Windows of one model. */
    private static final class Windows {
        final ArrayDeque<Charge> minute = new ArrayDeque<>();
        final ArrayDeque<Long> day = new ArrayDeque<>();
        long minuteTokens;
    }

    private final long minuteNanos;
    private final long dayNanos;
    private final Map<String, Windows> windows = new HashMap<>();
    private int rpm;
    private int tpm;
    private int rpd;
    private long dayExhaustedUntilNanos = Long.MIN_VALUE;
    private boolean dayExhausted;

    QuotaLimiter(double timeScale) {
        this.minuteNanos = Math.max(1, Math.round(60e9 * timeScale));
        this.dayNanos = Math.max(1, Math.round(86_400e9 * timeScale));
    }

    synchronized void limits(int rpm, int tpm, int rpd) {
        if (rpm < 0 || tpm < 0 || rpd < 0) {
            throw new IllegalArgumentException("limits must be >= 0 (0 = unlimited)");
        }
        this.rpm = rpm;
        this.tpm = tpm;
        this.rpd = rpd;
    }

    synchronized int rpm() {
        return rpm;
    }

    synchronized int tpm() {
        return tpm;
    }

    synchronized int rpd() {
        return rpd;
    }

    /** Wall-clock length of one fake minute. */
    Duration minute() {
        return Duration.ofNanos(minuteNanos);
    }

    /** Wall-clock length of one fake day. */
    Duration day() {
        return Duration.ofNanos(dayNanos);
    }

    /** Every generate call answers a per-day 429 until {@code wallClock} from now has passed. */
    synchronized void dayQuotaExhaustedFor(Duration wallClock) {
        dayExhausted = true;
        dayExhaustedUntilNanos = System.nanoTime() + wallClock.toNanos();
    }

    synchronized void reset() {
        windows.clear();
        dayExhausted = false;
    }

    /**
     * Admits and charges one request of {@code tokens} prompt tokens to {@code model}, or throws the 429 the real
     * API would answer. A request rejected here is not charged.
     */
    synchronized void admit(String model, int tokens) throws ApiError {
        long now = System.nanoTime();
        Windows w = windows.computeIfAbsent(model, m -> new Windows());
        while (!w.minute.isEmpty() && w.minute.peekFirst().atNanos() + minuteNanos <= now) {
            w.minuteTokens -= w.minute.removeFirst().tokens();
        }
        while (!w.day.isEmpty() && w.day.peekFirst() + dayNanos <= now) {
            w.day.removeFirst();
        }
        if (dayExhausted && now < dayExhaustedUntilNanos) {
            throw quotaExceeded(Dimension.REQUESTS_PER_DAY, Math.max(rpd, 1), model,
                    Duration.ofNanos(dayExhaustedUntilNanos - now));
        }
        if (rpd > 0 && w.day.size() >= rpd) {
            throw quotaExceeded(Dimension.REQUESTS_PER_DAY, rpd, model,
                    Duration.ofNanos(w.day.peekFirst() + dayNanos - now));
        }
        if (rpm > 0 && w.minute.size() >= rpm) {
            throw quotaExceeded(Dimension.REQUESTS_PER_MINUTE, rpm, model,
                    Duration.ofNanos(w.minute.peekFirst().atNanos() + minuteNanos - now));
        }
        if (tpm > 0) {
            if (tokens > tpm) {
                // can never pass; the real API still answers a per-minute 429 with a retry delay
                throw quotaExceeded(Dimension.INPUT_TOKENS_PER_MINUTE, tpm, model, Duration.ofNanos(minuteNanos));
            }
            if (w.minuteTokens + tokens > tpm) {
                long remaining = w.minuteTokens;
                long freeAt = now + minuteNanos;
                for (Iterator<Charge> it = w.minute.iterator(); it.hasNext(); ) {
                    Charge c = it.next();
                    remaining -= c.tokens();
                    if (remaining + tokens <= tpm) {
                        freeAt = c.atNanos() + minuteNanos;
                        break;
                    }
                }
                throw quotaExceeded(Dimension.INPUT_TOKENS_PER_MINUTE, tpm, model, Duration.ofNanos(freeAt - now));
            }
        }
        w.minute.addLast(new Charge(now, tokens));
        w.minuteTokens += tokens;
        w.day.addLast(now);
    }

    /**
     * The real 429 body for an exceeded quota: QuotaFailure, Help and (when {@code retryDelay != null})
     * RetryInfo, with the "Please retry in ..." line in the message.
     */
    static ApiError quotaExceeded(Dimension d, long limit, String model, Duration retryDelay) {
        String delay = retryDelay == null ? null : formatDelay(retryDelay);
        String message = "You exceeded your current quota, please check your plan and billing details. "
                + "For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
                + "To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. "
                + "\n* Quota exceeded for metric: " + d.metric + ", limit: " + limit + ", model: " + model
                + (delay == null ? "" : "\nPlease retry in " + delay + ".");
        ApiError e = new ApiError(429, "RESOURCE_EXHAUSTED", message);

        ObjectNode failure = Json.object().put("@type", QUOTA_FAILURE);
        ObjectNode violation = failure.putArray("violations").addObject();
        violation.put("quotaMetric", d.metric);
        violation.put("quotaId", d.quotaId);
        violation.putObject("quotaDimensions").put("location", "global").put("model", model);
        violation.put("quotaValue", Long.toString(limit));
        e.detail(failure);

        ObjectNode help = Json.object().put("@type", HELP);
        ArrayNode links = help.putArray("links");
        links.addObject().put("description", "Learn more about Gemini API quotas")
                .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
        e.detail(help);

        if (delay != null) {
            e.detail(Json.object().put("@type", RETRY_INFO).put("retryDelay", delay));
        }
        return e;
    }

    /** Protobuf duration JSON: seconds with up to 9 decimals, e.g. {@code "22s"}, {@code "0.512345678s"}. */
    static String formatDelay(Duration d) {
        long nanos = Math.max(d.toNanos(), 1_000_000L); // never "0s": the client must wait a little
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + "s";
    }
}

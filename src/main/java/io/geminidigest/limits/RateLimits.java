package io.geminidigest.limits;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The Gemini generation limits of one project and model, as the client-side {@link GenerationLimiter} enforces them.
 * <p>
 * Every limit uses {@code 0} for "unlimited". The limits belong to the Google Cloud project (all keys of a project
 * share them) and differ per model and tier: the {@linkplain #preset(String) presets} are <b>examples only</b>; check
 * the real numbers on the "Rate limits" page of Google AI Studio and override them (every number can be overridden
 * with the {@code with...} methods or configuration).
 *
 * @param requestsPerMinute requests per minute (RPM)
 * @param tokensPerMinute   <em>input</em> tokens per minute (TPM)
 * @param requestsPerDay    requests per day (RPD), reset at midnight in {@code dayResetZone}
 * @param maxInFlight       how many metered calls may be outstanding at once
 * @param dayResetZone      the zone whose midnight resets the daily quota (Gemini: America/Los_Angeles)
 * @param timeScale         factor applied to the minute and day windows: {@code 0.01} makes a minute last 600 ms and a
 *                          day 864 s (for tests and benchmarks against a sped-up fake server); 1.0 in production
 * @param margin            fraction of the TPM limit kept free while the token estimator is not calibrated
 *                          ({@code ratelimit.margin}, default 0.05): the server charges its own {@code promptTokenCount}
 * @param skew              allowance for the delay between our admission and the server's charge
 *                          ({@code ratelimit.skew-millis}, default 250 ms), a <em>real</em> duration scaled with
 *                          the window by {@link #timeScale()} but never below {@link #SKEW_FLOOR}: see
 *                          {@link #skewAllowance()}
 */
public record RateLimits(int requestsPerMinute, long tokensPerMinute, int requestsPerDay, int maxInFlight,
        ZoneId dayResetZone, double timeScale, double margin, Duration skew) {

    /** Gemini resets the per-day quotas at midnight Pacific time. */
    public static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    public static final double DEFAULT_MARGIN = 0.05;
    /** Default admission-to-charge allowance at time scale 1: 0.4% of a minute. */
    public static final Duration DEFAULT_SKEW = Duration.ofMillis(250);
    /**
     * The smallest skew allowance whatever the time scale: the delay between our admission and the server's charge
     * (sending the body, the server reading and counting it) is real time, not scaled. Against the local fake on a
     * loaded 2-core machine the near misses of the old limiter arrived 1.6 to 93 ms early (median about 6 ms), and with
     * a 50 ms floor one still arrived 1.6 ms early at load average 13; 100 ms covers all of that for 4% of a 2.4 s
     * benchmark minute (at time scale 1 the 250 ms default applies: 0.4% of the minute).
     */
    public static final Duration SKEW_FLOOR = Duration.ofMillis(100);

    /**
     * Example limits per tier (gemini-2.5-flash-like numbers, late 2025). <b>Examples, not facts:</b> Google changes
     * them per model and over time; check AI Studio and override.
     */
    private static final Map<String, RateLimits> PRESETS = Map.of(
            "free", of(5, 250_000, 100, 2),
            "tier1", of(150, 2_000_000, 10_000, 8),
            "tier2", of(1_000, 3_000_000, 100_000, 16),
            "tier3", of(2_000, 8_000_000, 0, 32));

    public RateLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0 || requestsPerDay < 0 || maxInFlight < 0) {
            throw new IllegalArgumentException("rate limits must be >= 0 (0 = unlimited)");
        }
        dayResetZone = dayResetZone == null ? PACIFIC : dayResetZone;
        if (timeScale == 0) {
            timeScale = 1.0;
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("ratelimit.time-scale must be > 0, was " + timeScale);
        }
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("ratelimit.margin must be in [0, 1), was " + margin);
        }
        skew = skew == null ? DEFAULT_SKEW : skew;
        if (skew.isNegative()) {
            throw new IllegalArgumentException("ratelimit.skew-millis must be >= 0, was " + skew.toMillis());
        }
    }

    /** Limits with the default zone (Pacific), time scale 1, margin 0.05 and skew 250 ms. */
    public static RateLimits of(int requestsPerMinute, long tokensPerMinute, int requestsPerDay, int maxInFlight) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, requestsPerDay, maxInFlight, PACIFIC, 1.0,
                DEFAULT_MARGIN, DEFAULT_SKEW);
    }

    /** No limit at all. */
    public static RateLimits unlimited() {
        return of(0, 0, 0, 0);
    }

    /**
     * A named example preset: {@code free}, {@code tier1}, {@code tier2}, {@code tier3} (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static RateLimits preset(String name) {
        RateLimits preset = PRESETS.get(Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT));
        if (preset == null) {
            throw new IllegalArgumentException("unknown rate-limit preset '" + name + "'; known: " + presetNames());
        }
        return preset;
    }

    /** The preset names, sorted. */
    public static java.util.SortedSet<String> presetNames() {
        return new java.util.TreeSet<>(PRESETS.keySet());
    }

    /** The length of the (scaled) rate window: one minute times {@link #timeScale()}. */
    public Duration minute() {
        return scaled(Duration.ofMinutes(1));
    }

    /** A real duration scaled by {@link #timeScale()}. */
    public Duration scaled(Duration real) {
        return Duration.ofNanos(Math.max(1, Math.round(real.toNanos() * timeScale)));
    }

    /**
     * The skew allowance added to the window the limiter counts in: {@link #skew()} scaled by {@link #timeScale()},
     * at least {@link #SKEW_FLOOR} (scheduling and transfer jitter does not shrink with the time scale).
     */
    public Duration skewAllowance() {
        Duration scaled = skew.isZero() ? Duration.ZERO : scaled(skew);
        return scaled.compareTo(SKEW_FLOOR) < 0 ? SKEW_FLOOR : scaled;
    }

    /** The window the client-side limiter counts in: the (scaled) minute plus the {@link #skewAllowance()}. */
    public Duration admissionWindow() {
        return minute().plus(skewAllowance());
    }

    /** The token limit actually paced against: {@code tokensPerMinute * (1 - margin)} (0 = unlimited). */
    public long effectiveTokensPerMinute() {
        return tokensPerMinute == 0 ? 0 : Math.max(1, (long) Math.floor(tokensPerMinute * (1 - margin)));
    }

    public RateLimits withRequestsPerMinute(int value) {
        return new RateLimits(value, tokensPerMinute, requestsPerDay, maxInFlight, dayResetZone, timeScale, margin,
                skew);
    }

    public RateLimits withTokensPerMinute(long value) {
        return new RateLimits(requestsPerMinute, value, requestsPerDay, maxInFlight, dayResetZone, timeScale, margin,
                skew);
    }

    public RateLimits withRequestsPerDay(int value) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, value, maxInFlight, dayResetZone, timeScale, margin,
                skew);
    }

    public RateLimits withMaxInFlight(int value) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, requestsPerDay, value, dayResetZone, timeScale, margin,
                skew);
    }

    public RateLimits withDayResetZone(ZoneId value) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, requestsPerDay, maxInFlight, value, timeScale, margin,
                skew);
    }

    public RateLimits withTimeScale(double value) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, requestsPerDay, maxInFlight, dayResetZone, value, margin,
                skew);
    }

    public RateLimits withMargin(double value) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, requestsPerDay, maxInFlight, dayResetZone, timeScale,
                value, skew);
    }

    public RateLimits withSkew(Duration value) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, requestsPerDay, maxInFlight, dayResetZone, timeScale,
                margin, value);
    }
}

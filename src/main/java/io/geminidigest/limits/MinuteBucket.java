package io.geminidigest.limits;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;

/**
 * One per-minute dimension of the limiter (requests or input tokens) as a Bucket4j token bucket that is safe against
 * a server counting in a <b>rolling</b> window.
 * <p>
 * <b>Why not capacity = limit:</b> a token bucket of capacity {@code B} refilled greedily at {@code r} per window
 * admits at most {@code B + r} in <em>any</em> window of that length: in {@code [s, s+W]} the consumption equals
 * {@code level(s) + refill − level(s+W)} with {@code level(s) ≤ B}, refill {@code ≤ r} and {@code level(s+W) ≥ 0}.
 * Capacity = limit with refill = limit therefore admits up to 2× the limit in the first rolling minute.
 * <p>
 * <b>Design:</b> for an (effective) limit {@code E} per window, capacity {@code B} = the burst (a fraction {@code f}
 * of {@code E}, grown to the largest single charge seen so that such charges fit, but at most {@code E/2}) and greedy
 * refill {@code r = E − B}. Then any rolling window admits at most {@code B + r = E}; in a backlog the sustained
 * rate is {@code E − B}, i.e. utilisation {@code 1 − B/E}: 95% with the default 5% burst while requests stay under 5%
 * of the limit (a perfect rolling-window limiter is also limited by granularity: see the rate-limit notes).
 * <p>
 * <b>Charges larger than the capacity</b> (over {@code E/2}, or after the 429 adaptation lowered {@code E}) pass only
 * after a <em>quiet window</em>: nothing was admitted during the last {@code W}. The bucket is then topped up to
 * {@code B} (safe: nothing is in the server's window) and the charge {@code n} taken, going into debt
 * ({@code consumeIgnoringRateLimits}, level {@code B − n}). A window containing it holds nothing before it and after
 * it at most {@code max(0, B − n + r·t) ≤ max(0, E − n)} (the debt is paid first), so at most {@code max(n, E)};
 * {@code n} never exceeds the configured limit (larger calls are refused by the limiter).
 * <p>
 * Reconfiguration (a larger request, the 429 adaptation) keeps the current tokens ({@code AS_IS}, capped at the new
 * capacity); the bound still holds across the change because the tokens carried over are at most the old capacity
 * and {@code B + r ≤ E} before and after (a lowered {@code E} is then reached within one window).
 * <p>
 * Thread-safe; the limiter serialises admissions, {@code settle} may charge or refund concurrently.
 */
final class MinuteBucket {

    private final String name;
    private final long configuredUnits;
    private final double burstFraction;
    private final Duration window;
    private final Bucket bucket;

    private long limitUnits;
    private long capacity;
    private long refill;
    private long largestCharge;
    private double factor = 1.0;
    private final TimeMeter time;
    private final long windowNanos;
    private boolean admitted;
    private long lastAdmissionNanos;

    /**
     * @param name            for messages ("requests", "tokens")
     * @param configuredUnits the limit per window in units, margin applied, before any adaptation
     * @param burstFraction   the burst as a fraction of the limit
     * @param window          the (scaled) window length
     * @param time            the bucket's clock
     * @param smallestCharge  the smallest capacity that makes sense (one request, in units)
     */
    MinuteBucket(String name, long configuredUnits, double burstFraction, Duration window, TimeMeter time,
            long smallestCharge) {
        if (configuredUnits < 2) {
            throw new IllegalArgumentException(name + " limit too small: " + configuredUnits);
        }
        this.name = name;
        this.configuredUnits = configuredUnits;
        this.burstFraction = burstFraction;
        this.window = window;
        this.largestCharge = Math.max(1, smallestCharge);
        this.time = time;
        this.windowNanos = window.toNanos();
        computeConfiguration(); // sets capacity and refill; the bucket starts full
        this.bucket = Bucket.builder()
                .withCustomTimePrecision(time)
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(refill, window).initialTokens(capacity)
                        .id(name).build())
                .build();
    }

    private BucketConfiguration computeConfiguration() {
        limitUnits = Math.max(2, (long) Math.floor(configuredUnits * factor));
        long minimum = Math.max(1, (long) Math.ceil(limitUnits * burstFraction));
        capacity = Math.max(1, Math.min(Math.max(minimum, largestCharge), limitUnits / 2));
        refill = limitUnits - capacity;
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(refill, window).id(name).build())
                .build();
    }

    private void reconfigure() {
        bucket.replaceConfiguration(computeConfiguration(), TokensInheritanceStrategy.AS_IS);
    }

    /** Grows the burst to fit a charge of this size (lowering the refill so that burst + refill stays the limit). */
    synchronized void fit(long units) {
        if (units > largestCharge) {
            largestCharge = units;
            if (units > capacity) {
                reconfigure();
            }
        }
    }

    /** Sets the adaptation factor (1.0 = the configured limit). */
    synchronized void adapt(double newFactor) {
        if (newFactor != factor) {
            factor = newFactor;
            reconfigure();
        }
    }

    /** Nanoseconds until {@code units} can be taken (0 = now). */
    synchronized long nanosToWait(long units) {
        if (units <= 0) {
            return 0;
        }
        if (units > capacity) {
            return quietNanosLeft();
        }
        EstimationProbe probe = bucket.estimateAbilityToConsume(units);
        return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** Nanoseconds until a full window has passed since the last admission. */
    private long quietNanosLeft() {
        return admitted ? Math.max(0, lastAdmissionNanos + windowNanos - time.currentTimeNanos()) : 0;
    }

    /** Takes {@code units} if they are available now (larger than the capacity: a full bucket plus debt). */
    synchronized boolean tryConsume(long units) {
        if (units <= 0) {
            return true;
        }
        boolean taken;
        if (units <= capacity) {
            taken = bucket.tryConsume(units);
        } else {
            taken = quietNanosLeft() == 0;
            if (taken) {
                long topUp = capacity - bucket.getAvailableTokens();
                if (topUp > 0) {
                    bucket.forceAddTokens(topUp);
                }
                bucket.consumeIgnoringRateLimits(units);
            }
        }
        if (taken) {
            admitted = true;
            lastAdmissionNanos = time.currentTimeNanos();
        }
        return taken;
    }

    /** Charges units regardless of the limit (the bucket goes into debt if needed). */
    synchronized void charge(long units) {
        if (units > 0) {
            bucket.consumeIgnoringRateLimits(units);
        }
    }

    /** Gives units back, never above the capacity. */
    synchronized void refund(long units) {
        if (units > 0) {
            bucket.addTokens(units);
        }
    }

    /** The worst case admitted in any rolling window right now: capacity + refill per window. */
    synchronized long windowLimitUnits() {
        return capacity + refill;
    }

    synchronized long capacity() {
        return capacity;
    }

    synchronized long refillPerWindow() {
        return refill;
    }

    synchronized long availableUnits() {
        return bucket.getAvailableTokens();
    }

    @Override
    public synchronized String toString() {
        return name + "[capacity=" + capacity + ", refill=" + refill + "/" + window + ", factor=" + factor + "]";
    }
}

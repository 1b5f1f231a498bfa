package io.geminidigest.limits;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The charges admitted in the last window {@code W}, oldest first, with their sums: the exact state a server that
 * counts in a rolling window holds (plus the skew allowance in {@code W}).
 * <p>
 * <b>Why not Bucket4j:</b> the limit to keep is "at most {@code L} in <em>any</em> rolling window". A token bucket
 * of capacity {@code B} refilled at {@code r} per window admits up to {@code B + r} in some window, so it is safe
 * only with {@code B + r ≤ L}: a backlog then runs at {@code r = L − B}, and a single request larger than {@code B}
 * cannot be expressed at all (the previous design grew {@code B} to the largest request, up to {@code L/2}, and made
 * larger ones wait for a quiet window: 44% utilisation with minute-sized chunks). A log of the admissions in the
 * last window admits exactly what a rolling-window server accepts, whatever the request sizes, and a charge in it can
 * be corrected afterwards to the server's {@code promptTokenCount}. It holds at most one entry per request admitted in
 * one window (the RPM limit, or the tokens per minute divided by the smallest request), so it stays small.
 * <p>
 * Each entry has its own expiry, set by the limiter (longer while the call is in flight, see
 * {@link GenerationLimiter}), so expiry order is not admission order: the few entries are scanned and sorted where
 * needed.
 * <p>
 * Not thread-safe: the limiter guards it with its admission lock.
 */
final class SlidingLog {

    /** One admitted request: when it leaves the window, and its charge (the estimate, corrected by settle). */
    static final class Entry {
        final long admittedNanos;
        /** The longest the server's charge may come after the admission (set by the limiter). */
        long maxChargeDelayNanos;
        long expiresNanos;
        long tokens;
        boolean inLog = true;

        Entry(long admittedNanos, long expiresNanos, long tokens) {
            this.admittedNanos = admittedNanos;
            this.expiresNanos = expiresNanos;
            this.tokens = tokens;
        }
    }

    private final long windowNanos;
    private final List<Entry> entries = new ArrayList<>();
    private long tokens;

    /** @param windowNanos the window {@code W}: an entry admitted at {@code t} counts until {@code t + W} (excluded) */
    SlidingLog(long windowNanos) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window must be > 0");
        }
        this.windowNanos = windowNanos;
    }

    long windowNanos() {
        return windowNanos;
    }

    /** Drops the entries that left the window by {@code now}. */
    void prune(long now) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.expiresNanos - now <= 0) {
                it.remove();
                e.inLog = false;
                tokens -= e.tokens;
            }
        }
    }

    /** Adds a charge admitted now that counts until {@code expiresNanos}. */
    Entry add(long now, long charge, long expiresNanos) {
        Entry e = new Entry(now, expiresNanos, charge);
        entries.add(e);
        tokens += charge;
        return e;
    }

    /** Changes an entry's charge (settle); no effect once the entry has left the window. */
    void correct(Entry e, long charge) {
        if (e.inLog) {
            tokens += charge - e.tokens;
        }
        e.tokens = charge;
    }

    /** Sets when an entry leaves the window (no effect once it has left). */
    void expireAt(Entry e, long expiresNanos) {
        if (e.inLog) {
            e.expiresNanos = expiresNanos;
        }
    }

    long tokens() {
        return tokens;
    }

    int count() {
        return entries.size();
    }

    /**
     * The earliest time from {@code now} (after {@link #prune}) at which {@code extraTokens} in {@code extraRequests}
     * more requests fit: the sums of the entries still in the window plus the extra within the limits, or the window
     * empty (a single request larger than the current limit goes alone). Assumes nothing else is admitted meanwhile;
     * settle can only move it.
     */
    long earliestFit(long now, long extraTokens, int extraRequests, long tokenLimit, long requestLimit) {
        long remainingTokens = tokens;
        long remainingCount = entries.size();
        if (fits(remainingTokens, remainingCount, extraTokens, extraRequests, tokenLimit, requestLimit)) {
            return now;
        }
        List<Entry> byExpiry = new ArrayList<>(entries);
        byExpiry.sort((x, y) -> Long.compare(x.expiresNanos - now, y.expiresNanos - now));
        for (Entry e : byExpiry) {
            remainingTokens -= e.tokens;
            remainingCount--;
            if (fits(remainingTokens, remainingCount, extraTokens, extraRequests, tokenLimit, requestLimit)) {
                return e.expiresNanos - now > 0 ? e.expiresNanos : now;
            }
        }
        return now; // not reached: an empty window always fits
    }

    /** Whether {@code extraTokens} in {@code extraRequests} requests fit at time {@code at} (≥ now, after prune). */
    boolean fitsAt(long at, long extraTokens, int extraRequests, long tokenLimit, long requestLimit) {
        long remainingTokens = 0;
        long remainingCount = 0;
        for (Entry e : entries) {
            if (e.expiresNanos - at > 0) {
                remainingTokens += e.tokens;
                remainingCount++;
            }
        }
        return fits(remainingTokens, remainingCount, extraTokens, extraRequests, tokenLimit, requestLimit);
    }

    private static boolean fits(long windowTokens, long windowCount, long extraTokens, int extraRequests,
            long tokenLimit, long requestLimit) {
        if (windowCount == 0 && extraRequests == 1) {
            return true; // alone in the window: the limiter refused anything over the configured limit already
        }
        return windowTokens + extraTokens <= tokenLimit && windowCount + extraRequests <= requestLimit;
    }
}

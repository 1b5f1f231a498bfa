package io.geminidigest.limits;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;

/**
 * The client-side limiter in front of every metered Gemini call: requests per minute, input tokens per minute,
 * requests per day and a cap on calls in flight, shared by all workers of the process.
 *
 * <h2>Per-minute pacing</h2>
 * Requests and input tokens per minute are each a Bucket4j token bucket ({@link MinuteBucket}) of capacity {@code B}
 * (the burst) refilled greedily at {@code E − B} per minute, where {@code E} is the limit (tokens: minus the safety
 * {@linkplain RateLimits#margin() margin}). Any rolling 60 s window then admits at most {@code E}, so a server that
 * counts in a rolling window never sees more than the limit from us; in a backlog the sustained rate is
 * {@code E − B} (95% of {@code E} with the default 5% burst). The burst grows to the largest request seen (at most
 * {@code E/2}); a larger request waits for a minute without admissions and then goes alone. The proof is on
 * {@link MinuteBucket}.
 * A call is charged its {@link GeminiCall#estimatedInputTokens() estimate} at admission and corrected with the
 * server's {@code promptTokenCount} in {@link #settle}: the server charges the minute with its own count.
 *
 * <h2>Why {@code estimateAbilityToConsume} + {@code tryConsume}, not {@code asBlocking().consume(n)}</h2>
 * A call must pass several buckets (requests, tokens) plus the daily quota, parking and the 429 block together.
 * Bucket4j's blocking consume <em>reserves</em> tokens of one bucket before sleeping: while the caller then waits for
 * the next bucket, those tokens are spent without a request going out, and a park or 429 arriving meanwhile cannot
 * shorten or extend the sleep. Instead one admission at a time (a fair lock, so large requests are not starved by
 * small ones) asks every bucket how long it would have to wait ({@code estimateAbilityToConsume}), sleeps the longest
 * of those waits with Bucket4j's {@link io.github.bucket4j.BlockingStrategy#PARKING} (through the injected
 * {@link TimeSource}, so tests run on a simulated clock) and then takes from all buckets at once with
 * {@code tryConsume}. The waits are computed by Bucket4j, never by hand; sleeps are at most one second so that a park
 * or 429 is noticed.
 *
 * <h2>429 adaptation</h2>
 * A per-minute 429 despite our pacing means the server's real limit is lower than configured (or our token estimates
 * are low). {@link #onRateLimited} multiplies the effective RPM and TPM by 0.8 (not below 25% of the configured
 * values), blocks new admissions until the server's {@code retryDelay} (one window if it sent none) has passed, and
 * then recovers by +5% of the configured value for every full window without a 429, up to the configured value.
 *
 * <h2>Daily quota and parking</h2>
 * Requests per day are a plain counter reset at the next midnight of {@link RateLimits#dayResetZone()}: a Bucket4j
 * {@code refillIntervallyAligned} bucket has a fixed 24 h period, which drifts by an hour at each DST change, while
 * the counter recomputes the real midnight every day. When the counter reaches the quota, or the server reports the
 * daily quota or spend cap, the limiter <em>parks</em>: {@link #acquire} waits (it does not fail) until the park
 * ends by itself at its end time, and the {@linkplain #addParkingListener listeners} hear of the park and of the
 * resume (the Camel layer suspends and resumes ingest with them).
 *
 * <h2>Time</h2>
 * Everything runs on the injected {@link TimeSource}; the minute and the day are scaled by
 * {@link RateLimits#timeScale()} for tests and benchmarks against a sped-up fake server.
 */
public final class GenerationLimiter implements AutoCloseable {

    /** A request in the request bucket: milli-requests, so that burst and refill need not be whole requests. */
    static final long REQUEST_UNITS = 1000;
    static final double ADAPT_DOWN = 0.8;
    static final double ADAPT_FLOOR = 0.25;
    static final double ADAPT_UP_PER_WINDOW = 0.05;
    /** Without a better hint, a spend-cap park lasts an hour (scaled); the caller may park longer itself. */
    static final Duration SPEND_CAP_PAUSE = Duration.ofHours(1);
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RateLimits limits;
    private final TimeSource time;
    private final long windowNanos;
    private final MinuteBucket requests;
    private final MinuteBucket tokens;
    private final Semaphore inFlight;
    private final Instant start;

    /** One admission at a time, first come first served. */
    private final ReentrantLock admission = new ReentrantLock(true);
    /** Guards the fields below. */
    private final Object state = new Object();
    private double factor = 1.0;
    private long lastFactorChangeNanos;
    private long blockedUntilNanos;
    private boolean blocked;
    private Parking parking;
    private Instant dayResetAt;
    private long requestsToday;
    private ScheduledExecutorService timer;

    private final Set<Long> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong totalWaitNanos = new AtomicLong();
    private final AtomicLong acquisitions = new AtomicLong();
    private final AtomicLong tokensCharged = new AtomicLong();
    private final AtomicLong tokensSettled = new AtomicLong();
    private final AtomicLong adaptations = new AtomicLong();
    private final List<Consumer<Optional<Parking>>> listeners = new CopyOnWriteArrayList<>();

    public GenerationLimiter(RateLimits limits) {
        this(limits, TimeSource.system());
    }

    public GenerationLimiter(RateLimits limits, TimeSource time) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.time = Objects.requireNonNull(time, "time");
        Duration window = limits.minute();
        this.windowNanos = window.toNanos();
        this.requests = limits.requestsPerMinute() == 0 ? null
                : new MinuteBucket("requests", limits.requestsPerMinute() * REQUEST_UNITS, limits.burstFraction(),
                        window, time, REQUEST_UNITS);
        this.tokens = limits.tokensPerMinute() == 0 ? null
                : new MinuteBucket("tokens", limits.effectiveTokensPerMinute(), limits.burstFraction(), window, time,
                        1);
        this.inFlight = limits.maxInFlight() == 0 ? null : new Semaphore(limits.maxInFlight(), true);
        this.start = time.now();
        this.lastFactorChangeNanos = time.currentTimeNanos();
        this.dayResetAt = nextDayReset();
    }

    public RateLimits limits() {
        return limits;
    }

    // ------------------------------------------------------------------------------------------------ acquisition

    /**
     * Waits until the call may be sent: requests and estimated tokens per minute, requests per day, parking, a 429
     * block and the in-flight cap. Calls that are not {@linkplain GeminiCall#isMetered() metered} pass at once.
     *
     * @return the permit to {@link #settle} or {@link #release} exactly once
     * @throws GeminiException      {@link GeminiErrorKind#OVER_TOKENS_PER_MINUTE} at once when the call's estimate
     *                              alone is over the tokens-per-minute limit (it could never pass)
     * @throws InterruptedException when interrupted while waiting (nothing is charged then)
     */
    public Permit acquire(GeminiCall call) throws InterruptedException {
        Objects.requireNonNull(call, "call");
        if (!call.isMetered()) {
            return new Permit(ids.incrementAndGet(), 0, 0, time.now(), false);
        }
        int estimate = Math.max(0, call.estimatedInputTokens());
        if (limits.tokensPerMinute() > 0 && estimate > limits.tokensPerMinute()) {
            throw new GeminiException(GeminiErrorKind.OVER_TOKENS_PER_MINUTE, "'" + call.label() + "' needs about "
                    + estimate + " input tokens, more than the limit of " + limits.tokensPerMinute()
                    + " tokens per minute: it can never pass; split it into smaller requests");
        }
        long begin = time.currentTimeNanos();
        if (inFlight != null) {
            inFlight.acquire();
        }
        boolean admitted = false;
        try {
            admission.lockInterruptibly();
            try {
                admit(estimate);
                admitted = true;
            } finally {
                admission.unlock();
            }
        } finally {
            if (!admitted && inFlight != null) {
                inFlight.release();
            }
        }
        long waited = Math.max(0, time.currentTimeNanos() - begin);
        totalWaitNanos.addAndGet(waited);
        acquisitions.incrementAndGet();
        tokensCharged.addAndGet(estimate);
        Permit permit = new Permit(ids.incrementAndGet(), estimate, TimeUnit.NANOSECONDS.toMillis(waited), time.now(),
                true);
        open.add(permit.id());
        return permit;
    }

    /** Loops until every gate is open and all buckets could be taken from; the caller holds the admission lock. */
    private void admit(long estimate) throws InterruptedException {
        if (tokens != null) {
            tokens.fit(estimate);
        }
        while (true) {
            long wait = gateNanos();
            if (wait == 0) {
                recover();
                long rate = 0;
                if (requests != null) {
                    rate = requests.nanosToWait(REQUEST_UNITS);
                }
                if (tokens != null) {
                    rate = Math.max(rate, tokens.nanosToWait(estimate));
                }
                if (rate == 0 && takeAll(estimate)) {
                    countRequestToday();
                    return;
                }
                wait = Math.max(1, rate);
            }
            time.sleep(Math.min(wait, MAX_SLEEP_NANOS));
        }
    }

    /** Takes from both buckets, or from none (a concurrent settle may have charged tokens since the estimate). */
    private boolean takeAll(long estimate) {
        if (requests != null && !requests.tryConsume(REQUEST_UNITS)) {
            return false;
        }
        if (tokens != null && !tokens.tryConsume(estimate)) {
            if (requests != null) {
                requests.refund(REQUEST_UNITS);
            }
            return false;
        }
        return true;
    }

    /** Nanoseconds until parking and the 429 block are over and the daily quota has room (0 = open now). */
    private long gateNanos() {
        boolean resumed;
        Parking parkedNow = null;
        long wait = 0;
        synchronized (state) {
            resumed = endParkingIfDue();
            Instant now = time.now();
            long nowNanos = time.currentTimeNanos();
            if (parking == null && limits.requestsPerDay() > 0) {
                rollDay(now);
                if (requestsToday >= limits.requestsPerDay()) {
                    parking = new Parking(dayResetAt, "the " + limits.requestsPerDay()
                            + " requests per day are used up; the quota resets at midnight " + limits.dayResetZone());
                    parkedNow = parking;
                }
            }
            if (parking != null) {
                wait = Math.max(1, Duration.between(now, parking.until()).toNanos());
            } else if (blocked && blockedUntilNanos - nowNanos > 0) {
                wait = blockedUntilNanos - nowNanos;
            } else {
                blocked = false;
            }
        }
        if (resumed) {
            fire(Optional.empty());
        }
        if (parkedNow != null) {
            scheduleResume(parkedNow);
            fire(Optional.of(parkedNow));
        }
        return wait;
    }

    private void rollDay(Instant now) {
        if (!now.isBefore(dayResetAt)) {
            requestsToday = 0;
            dayResetAt = nextDayReset();
        }
    }

    private void countRequestToday() {
        synchronized (state) {
            rollDay(time.now());
            requestsToday++;
        }
    }

    // ------------------------------------------------------------------------------------------------ settlement

    /**
     * Corrects the token charge with the server's {@code promptTokenCount} and frees the in-flight slot: a low
     * estimate is charged the difference (the bucket may go into debt, delaying the next calls), a high one gives the
     * difference back (never above the bucket's capacity). Idempotent: a permit already settled or released is
     * ignored.
     */
    public void settle(Permit permit, int actualPromptTokens) {
        Objects.requireNonNull(permit, "permit");
        if (!permit.metered() || !open.remove(permit.id())) {
            return;
        }
        int actual = Math.max(0, actualPromptTokens);
        tokensSettled.addAndGet(actual);
        if (tokens != null) {
            long difference = (long) actual - permit.estimatedTokens();
            if (difference > 0) {
                tokens.charge(difference);
            } else if (difference < 0) {
                tokens.refund(-difference);
            }
        }
        if (inFlight != null) {
            inFlight.release();
        }
    }

    /**
     * Frees the in-flight slot without correcting the tokens (the call failed before an answer, the estimate stays
     * charged). Idempotent.
     */
    public void release(Permit permit) {
        Objects.requireNonNull(permit, "permit");
        if (permit.metered() && open.remove(permit.id()) && inFlight != null) {
            inFlight.release();
        }
    }

    // ------------------------------------------------------------------------------------------------ 429

    /**
     * Reacts to a quota error from the server.
     * <ul>
     * <li>{@link GeminiErrorKind#DAILY_QUOTA}: parks until the {@linkplain #nextDayReset() next daily reset}.</li>
     * <li>{@link GeminiErrorKind#SPEND_CAP}: parks for an hour (scaled); the caller may park longer.</li>
     * <li>anything else (a per-minute {@link GeminiErrorKind#RATE_LIMITED}): the effective RPM and TPM are multiplied
     * by 0.8 (floor: 25% of the configured values), new admissions are blocked until the server's
     * {@code retryDelay} (else one window) has passed, and every following window without a 429 gives back 5% of
     * the configured value.</li>
     * </ul>
     */
    public void onRateLimited(GeminiException e) {
        Objects.requireNonNull(e, "e");
        if (e.kind() == GeminiErrorKind.DAILY_QUOTA) {
            park(nextDayReset(), "daily quota exhausted: " + e.summary());
            return;
        }
        if (e.kind() == GeminiErrorKind.SPEND_CAP) {
            park(time.now().plus(limits.scaled(SPEND_CAP_PAUSE)), "spend cap reached: " + e.summary());
            return;
        }
        synchronized (state) {
            long now = time.currentTimeNanos();
            long delay = e.retryDelay().map(Duration::toNanos).filter(d -> d > 0).orElse(windowNanos);
            long until = now + delay;
            if (!blocked || until - blockedUntilNanos > 0) {
                blockedUntilNanos = until;
            }
            blocked = true;
            setFactor(Math.max(ADAPT_FLOOR, factor * ADAPT_DOWN));
            lastFactorChangeNanos = now;
            adaptations.incrementAndGet();
        }
    }

    /** +5% of the configured rate per full window since the last change, up to the configured rate. */
    private void recover() {
        synchronized (state) {
            if (factor >= 1.0) {
                return;
            }
            long now = time.currentTimeNanos();
            long windows = (now - lastFactorChangeNanos) / windowNanos;
            if (windows > 0) {
                lastFactorChangeNanos += windows * windowNanos;
                setFactor(Math.min(1.0, factor + ADAPT_UP_PER_WINDOW * windows));
            }
        }
    }

    private void setFactor(double value) {
        factor = value;
        if (requests != null) {
            requests.adapt(value);
        }
        if (tokens != null) {
            tokens.adapt(value);
        }
    }

    // ------------------------------------------------------------------------------------------------ parking

    /**
     * Parks the limiter until {@code until}: {@link #acquire} waits, listeners are told. A park that ends earlier than
     * the current one does not shorten it.
     */
    public void park(Instant until, String reason) {
        Objects.requireNonNull(until, "until");
        Parking parked;
        synchronized (state) {
            if (parking != null && !until.isAfter(parking.until())) {
                return;
            }
            if (!until.isAfter(time.now())) {
                return;
            }
            parking = new Parking(until, reason);
            parked = parking;
        }
        scheduleResume(parked);
        fire(Optional.of(parked));
    }

    /** The current park, if any (a park whose end has passed is ended here). */
    public Optional<Parking> parking() {
        boolean resumed;
        Parking current;
        synchronized (state) {
            resumed = endParkingIfDue();
            current = parking;
        }
        if (resumed) {
            fire(Optional.empty());
        }
        return Optional.ofNullable(current);
    }

    public boolean isParked() {
        return parking().isPresent();
    }

    /**
     * Listens to parking: called with the park when the limiter parks and with {@code Optional.empty()} when it
     * resumes (from the thread that noticed; in real time a timer thread notices the end of a park even when nobody
     * calls the limiter).
     */
    public void addParkingListener(Consumer<Optional<Parking>> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * The next daily reset: the next midnight in {@link RateLimits#dayResetZone()} (23 or 25 hours away around DST
     * changes). With a {@linkplain RateLimits#timeScale() time scale} other than 1 the day runs on a virtual clock that
     * started with the limiter: virtual now = start + (now − start) / scale, and the virtual midnight is mapped back.
     */
    public Instant nextDayReset() {
        Instant now = time.now();
        double scale = limits.timeScale();
        if (scale == 1.0) {
            return nextMidnight(now);
        }
        long realNanos = Duration.between(start, now).toNanos();
        Instant virtualNow = start.plusNanos(Math.round(realNanos / scale));
        long virtualNanos = Duration.between(start, nextMidnight(virtualNow)).toNanos();
        return start.plusNanos(Math.max(1, (long) Math.ceil(virtualNanos * scale)));
    }

    private Instant nextMidnight(Instant now) {
        ZonedDateTime zoned = now.atZone(limits.dayResetZone());
        return zoned.toLocalDate().plusDays(1).atStartOfDay(limits.dayResetZone()).toInstant();
    }

    /** Ends a park whose time has come; true when it did (caller fires the listeners outside the lock). */
    private boolean endParkingIfDue() {
        if (parking != null && !time.now().isBefore(parking.until())) {
            parking = null;
            return true;
        }
        return false;
    }

    private void fire(Optional<Parking> event) {
        for (Consumer<Optional<Parking>> listener : listeners) {
            listener.accept(event);
        }
    }

    /** In real time, make sure the resume is noticed even when no acquisition is waiting. */
    private void scheduleResume(Parking parked) {
        if (time.isSimulated()) {
            return;
        }
        ScheduledExecutorService scheduler;
        synchronized (state) {
            if (timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "gemini-limiter-parking");
                    t.setDaemon(true);
                    return t;
                });
            }
            scheduler = timer;
        }
        long delay = Math.max(0, Duration.between(time.now(), parked.until()).toNanos());
        scheduler.schedule(this::isParked, delay, TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------------------------------------ stats

    /** A snapshot of the counters. */
    public LimiterStats stats() {
        recover();
        Optional<Parking> parked = parking();
        long today;
        synchronized (state) {
            rollDay(time.now());
            today = requestsToday;
        }
        return new LimiterStats(TimeUnit.NANOSECONDS.toMillis(totalWaitNanos.get()), acquisitions.get(),
                tokensCharged.get(), tokensSettled.get(),
                requests == null ? 0 : (double) requests.windowLimitUnits() / REQUEST_UNITS,
                tokens == null ? 0 : tokens.windowLimitUnits(), adaptations.get(),
                inFlight == null ? open.size() : limits.maxInFlight() - inFlight.availablePermits(), today,
                parked.isPresent(), parked.map(Parking::until).orElse(null));
    }

    /** Stops the parking timer thread, if one was started. */
    @Override
    public void close() {
        synchronized (state) {
            if (timer != null) {
                timer.shutdownNow();
                timer = null;
            }
        }
    }

    @Override
    public String toString() {
        return "GenerationLimiter[" + requests + ", " + tokens + ", inFlight=" + limits.maxInFlight() + "]";
    }
}

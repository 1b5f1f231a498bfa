package io.geminidigest.limits;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;

/**
 * The client-side limiter in front of every metered Gemini call: requests per minute, input tokens per minute,
 * requests per day and a cap on calls in flight, shared by all workers of the process.
 *
 * <h2>Per-minute pacing: a rolling-window log</h2>
 * The limiter keeps the charges it admitted during the last window {@code W} in a {@link SlidingLog} and admits a
 * request of estimated size {@code s} at time {@code t} iff the tokens admitted in {@code (t − W, t]} plus {@code s}
 * stay within {@code E_tokens} and the requests admitted there plus one within {@code E_requests}: exactly how a
 * server counting in a rolling window decides, so a backlog can fill every window to the limit whatever the request
 * sizes. {@code E_tokens} is the TPM limit times {@code (1 − margin)} ({@link RateLimits#effectiveTokensPerMinute()}),
 * or the TPM limit itself with the margin on unsettled charges only ({@link #marginOnUnsettledOnly}, the
 * application's default), {@code E_requests} the RPM limit (both times the 429 adaptation factor). {@code W} is the (scaled) minute plus the
 * {@linkplain RateLimits#skewAllowance() skew allowance}: the server charges a request when it has received and
 * counted it, a few milliseconds after our admission, and that delay varies from request to request; counting our
 * admissions over a slightly longer window keeps the server's window of any later request free of them. On a cold
 * process or a loaded machine that delay reached 0.3-0.7 s, more than any skew allowance worth paying for every
 * call: a call in flight therefore counts for up to {@link #MAX_CHARGE_DELAY_NANOS} longer, and once it has ended its
 * charge is known to lie before the end, so it counts until min(end, admission + 1 s) + the minute: an answered call
 * without the skew allowance (the answer bounds its charge), a call that failed without an answer at least until
 * admission + {@code W}. A request carrying inline media is megabytes, not kilobytes: serialising, sending and the
 * server reading it take time in proportion (the first 4 MB inline segment of a run was charged by the local fake
 * 1.3 s after its admission, and its entry left our window 0.3 s before the server's: a 429), so the 1 s grows by
 * the inline bytes at the {@linkplain #sendRate assumed slowest send rate} (1 s more per MiB by default).
 * <p>
 * A charge is the call's {@link GeminiCall#estimatedInputTokens() estimate}, corrected in {@link #settle} to the
 * server's {@code promptTokenCount} (the server charges the window with its own count): the log entry changes; if
 * that puts the window over the limit, the next admissions simply wait longer. A single request between
 * {@code E_tokens} and the configured TPM (possible through the margin or the adaptation) goes alone into an empty
 * window; one over the configured TPM is refused at once.
 * <p>
 * Bucket4j cannot express this limit without giving up capacity: a bucket admits its capacity plus its refill in some
 * window, so a rolling-window-safe bucket needs capacity + refill ≤ limit and paces a backlog at the refill rate only
 * (see {@link SlidingLog}); hence a small hand-rolled structure.
 *
 * <h2>Waiting, fairness and packing</h2>
 * Waiting acquisitions queue in FIFO order under one lock. The head is admitted as soon as it fits. A request behind
 * it may go first only when it fits now and the head still fits at the time computed from the log at which it would
 * have fitted anyway (so the head is never delayed; the request after it is only protected once it is the head), and
 * no request ahead of it could go now. A waiter sleeps on a {@link Condition} for the exact time until it could fit
 * (the oldest entries leaving the window), through {@link TimeSource#awaitNanos}: in real time a settle, an
 * admission or a waiter leaving wakes it early; a simulated clock simply advances to that time. Every wake-up
 * re-checks under the lock.
 *
 * <h2>429 adaptation</h2>
 * A per-minute 429 whose {@code retryDelay} is under 5% of the window is a <em>near miss</em> (our admission and the
 * server's charge were a few milliseconds apart): new admissions wait for the server's delay, the rate is unchanged.
 * Any other per-minute 429 means the server's real limit is lower than configured (or our estimates are low):
 * {@link #onRateLimited} multiplies the effective RPM and TPM by 0.8 (not below 25% of the configured values),
 * blocks new admissions until the server's {@code retryDelay} (one window if it sent none) has passed, and then
 * recovers by +5% of the configured value for every full window without a 429, up to the configured value.
 *
 * <h2>Daily quota and parking</h2>
 * Requests per day are a plain counter reset at the next midnight of {@link RateLimits#dayResetZone()}: a Bucket4j
 * {@code refillIntervallyAligned} bucket has a fixed 24 h period, which drifts by an hour at each DST change, while
 * the counter recomputes the real midnight every day. When the counter reaches the quota, or the server reports the
 * daily quota or spend cap, the limiter <em>parks</em>: {@link #acquire} waits (it does not fail) until the park
 * ends by itself at its end time, and the {@linkplain #addParkingListener listeners} hear of the park and of the
 * resume (the Camel layer suspends and resumes ingest with them).
 *
 * <h2>Calls in flight</h2>
 * The cap on calls in flight counts the calls admitted and not yet settled or released, under the same lock as the
 * window: a call waiting for admission is not in flight and holds no slot, so the queue in front of the window can be
 * longer than the cap (more waiters of different sizes pack the window better); admission takes a slot atomically
 * with the window's room, first come first served (a call never takes a slot a call ahead of it could need).
 *
 * <h2>Time</h2>
 * Everything runs on the injected {@link TimeSource}; the minute and the day are scaled by
 * {@link RateLimits#timeScale()} for tests and benchmarks against a sped-up fake server.
 */
public final class GenerationLimiter implements AutoCloseable {

    static final double ADAPT_DOWN = 0.8;
    static final double ADAPT_FLOOR = 0.25;
    static final double ADAPT_UP_PER_WINDOW = 0.05;
    /** A 429 whose retry delay is under this fraction of the window is a near miss: wait, do not slow down. */
    static final double NEAR_MISS_FRACTION = 0.05;
    /** Without a better hint, a spend-cap park lasts an hour (scaled); the caller may park longer itself. */
    static final Duration SPEND_CAP_PAUSE = Duration.ofHours(1);
    /**
     * The longest delay assumed between our admission and the server's charge (sending, the server reading and
     * counting the body), in real time. Most of the time it is a few ms and the skew allowance covers it; on a cold
     * process (connections, class loading, JIT) or a loaded machine it reached 0.3-0.7 s against the local fake. So a
     * call in flight counts until admission + the minute + this; once it has ended (answer or failure) the charge is
     * known to lie before that moment, and it counts until the later of admission + {@code W} and
     * min(end, admission + this) + the minute: against a fast server the real delay, not the worst case, is paid.
     */
    static final long MAX_CHARGE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Longest single wait: a park or 429 block arriving meanwhile is noticed at least this often. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RateLimits limits;
    private final TimeSource time;
    /** The (scaled) minute: 429 block without a delay, recovery steps, near-miss threshold. */
    private final long windowNanos;
    private final boolean rateLimited;
    /** The cap on calls admitted and not yet settled or released (0 = none). */
    private final int maxInFlight;
    private final Instant start;

    /** Guards the log and the waiters; {@link #changed} is signalled when an admission may have become possible. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final SlidingLog log;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Metered calls admitted and not yet settled or released: what the in-flight cap counts; guarded by lock. */
    private int admittedInFlight;
    private volatile boolean packing = true;
    private volatile boolean marginOnUnsettled;
    /** Bytes per second a request body is assumed to reach the server and be read at, at worst (0: ignored). */
    private volatile long sendBytesPerSecond;
    /** The admission window {@code W}: the minute plus the skew allowance. */
    private final long admissionWindowNanos;

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

    /** Outstanding metered permits and their log entries (null entry: no per-minute limit). */
    private final Map<Long, Optional<SlidingLog.Entry>> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong totalWaitNanos = new AtomicLong();
    private final AtomicLong acquisitions = new AtomicLong();
    private final AtomicLong tokensCharged = new AtomicLong();
    private final AtomicLong tokensSettled = new AtomicLong();
    private final AtomicLong adaptations = new AtomicLong();
    private final AtomicLong nearMisses = new AtomicLong();
    private final List<Consumer<Optional<Parking>>> listeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Instant, Integer>> waitingListeners = new CopyOnWriteArrayList<>();

    /** A waiting acquisition. */
    private static final class Waiter {
        final long tokens;

        Waiter(long tokens) {
            this.tokens = tokens;
        }
    }

    public GenerationLimiter(RateLimits limits) {
        this(limits, TimeSource.system());
    }

    public GenerationLimiter(RateLimits limits, TimeSource time) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.time = Objects.requireNonNull(time, "time");
        this.windowNanos = limits.minute().toNanos();
        this.rateLimited = limits.requestsPerMinute() > 0 || limits.tokensPerMinute() > 0;
        this.admissionWindowNanos = limits.admissionWindow().toNanos();
        this.log = new SlidingLog(admissionWindowNanos);
        this.maxInFlight = limits.maxInFlight();
        this.start = time.now();
        this.lastFactorChangeNanos = time.currentTimeNanos();
        this.dayResetAt = nextDayReset();
    }

    /**
     * FIFO only ({@code false}) or FIFO with packing of smaller requests that cannot delay the head ({@code true},
     * the default).
     */
    public GenerationLimiter packing(boolean enabled) {
        this.packing = enabled;
        return this;
    }

    /**
     * Where the {@linkplain RateLimits#margin() margin} applies. {@code false} (default): to the window, whose limit
     * is {@code E = TPM × (1 − margin)} for every charge, settled or not. {@code true}: to the charges not settled
     * yet only: a call is charged {@code estimate / (1 − margin)} at admission and its exact
     * {@code promptTokenCount} once settled, against the full TPM; the margin then covers what is really uncertain
     * (the estimates in flight) and a window of settled calls can be filled to the limit.
     */
    public GenerationLimiter marginOnUnsettledOnly(boolean enabled) {
        this.marginOnUnsettled = enabled;
        return this;
    }

    /**
     * The slowest rate at which a request body is assumed to be sent and read by the server, in bytes per second
     * ({@code ratelimit.send-bytes-per-second}; 0, the default here: the body's size is ignored). A call carrying
     * {@code b} bytes of inline data may be charged up to {@code 1 s + b / rate} after its admission; it counts that
     * much longer while in flight, and once answered until min(end, admission + that delay) + the minute.
     */
    public GenerationLimiter sendRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("send rate must be >= 0 (0 = ignore the body size)");
        }
        this.sendBytesPerSecond = bytesPerSecond;
        return this;
    }

    /** The longest the server's charge of {@code call} may come after its admission, in real time. */
    long maxChargeDelayNanos(GeminiCall call) {
        long rate = sendBytesPerSecond;
        long inline = call.inlineBytes();
        if (rate <= 0 || inline <= 0) {
            return MAX_CHARGE_DELAY_NANOS;
        }
        return MAX_CHARGE_DELAY_NANOS + (long) Math.ceil(inline * 1e9 / rate);
    }

    public RateLimits limits() {
        return limits;
    }

    // ------------------------------------------------------------------------------------------------ acquisition

    /**
     * Waits until the call may be sent: requests and estimated tokens in the rolling window, requests per day,
     * parking, a 429 block and the in-flight cap. Calls that are not {@linkplain GeminiCall#isMetered() metered} pass
     * at once.
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
        long charge = limits.tokensPerMinute() == 0 ? 0
                : marginOnUnsettled ? (long) Math.ceil(estimate / (1 - limits.margin())) : estimate;
        SlidingLog.Entry entry = admit(charge, maxChargeDelayNanos(call));
        long waited = Math.max(0, time.currentTimeNanos() - begin);
        totalWaitNanos.addAndGet(waited);
        acquisitions.incrementAndGet();
        tokensCharged.addAndGet(estimate);
        Permit permit = new Permit(ids.incrementAndGet(), estimate, TimeUnit.NANOSECONDS.toMillis(waited), time.now(),
                true);
        open.put(permit.id(), Optional.ofNullable(entry));
        return permit;
    }

    /**
     * Queues, waits until every gate is open and the charge fits the rolling window (see the class comment for the
     * order), and enters the charge in the log.
     *
     * @return the log entry, or null without per-minute limits
     */
    private SlidingLog.Entry admit(long charge, long maxChargeDelayNanos) throws InterruptedException {
        Waiter me = new Waiter(charge);
        lock.lockInterruptibly();
        try {
            waiters.addLast(me);
            waitingChanged();
            try {
                while (true) {
                    long wait = gateNanos();
                    if (wait == 0) {
                        recover();
                        long now = time.currentTimeNanos();
                        log.prune(now);
                        wait = rateLimited ? nanosUntilAdmissible(me, now) : 0;
                        if (wait == 0 && !slotFree(me)) {
                            // only a settle or a release frees a slot (it signals): a real wait, whatever the clock
                            changed.awaitNanos(MAX_WAIT_NANOS);
                            continue;
                        }
                        if (wait == 0) {
                            countRequestToday();
                            admittedInFlight++;
                            if (!rateLimited) {
                                return null;
                            }
                            // in flight, the server's charge time is unknown: counted until the latest it can leave
                            SlidingLog.Entry entry = log.add(now, charge, now + Math.max(admissionWindowNanos,
                                    windowNanos + maxChargeDelayNanos));
                            entry.maxChargeDelayNanos = maxChargeDelayNanos;
                            return entry;
                        }
                    }
                    time.awaitNanos(changed, Math.min(wait, MAX_WAIT_NANOS));
                }
            } finally {
                waiters.remove(me);
                waitingChanged();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether {@code me} may take an in-flight slot now: the cap counts admitted calls only (a call waiting for
     * admission is not in flight), and a call never takes a slot that a call queued ahead of it could need, so the
     * free slots must outnumber the waiters ahead of it. Holds the lock.
     */
    private boolean slotFree(Waiter me) {
        if (maxInFlight == 0) {
            return true;
        }
        int ahead = 0;
        for (Waiter w : waiters) {
            if (w == me) {
                break;
            }
            ahead++;
        }
        return admittedInFlight + ahead < maxInFlight;
    }

    /** Tells the waiting listeners the new number of waiting calls; holds the lock (so the events are ordered). */
    private void waitingChanged() {
        if (!waitingListeners.isEmpty()) {
            Instant at = time.now();
            int waiting = waiters.size();
            for (BiConsumer<Instant, Integer> listener : waitingListeners) {
                listener.accept(at, waiting);
            }
        }
    }

    /** Nanoseconds until {@code me} may be admitted by the log and the queue order (0 = now); holds the lock. */
    private long nanosUntilAdmissible(Waiter me, long now) {
        long tokenLimit = tokenLimit();
        long requestLimit = requestLimit();
        long own = log.earliestFit(now, me.tokens, 1, tokenLimit, requestLimit);
        Waiter head = waiters.peekFirst();
        if (head == me) {
            return own - now;
        }
        if (own - now > 0) {
            return own - now; // re-checked then, or earlier when the head goes
        }
        if (!packing) {
            return MAX_WAIT_NANOS; // the head's admission signals
        }
        long headAt = log.earliestFit(now, head.tokens, 1, tokenLimit, requestLimit);
        if (headAt - now <= 0) {
            return MAX_WAIT_NANOS; // the head can go now: let it (its admission signals)
        }
        if (!log.fitsAt(headAt, head.tokens + me.tokens, 2, tokenLimit, requestLimit)) {
            return headAt - now; // going now would delay the head
        }
        for (Waiter ahead : waiters) {
            if (ahead == me) {
                break;
            }
            if (ahead != head && log.earliestFit(now, ahead.tokens, 1, tokenLimit, requestLimit) - now <= 0
                    && log.fitsAt(headAt, head.tokens + ahead.tokens, 2, tokenLimit, requestLimit)) {
                return MAX_WAIT_NANOS; // an earlier waiter can go first (its admission signals)
            }
        }
        return 0;
    }

    /** The token limit of the window now: margin and adaptation applied ({@code Long.MAX_VALUE} = unlimited). */
    private long tokenLimit() {
        if (limits.tokensPerMinute() == 0) {
            return Long.MAX_VALUE;
        }
        synchronized (state) {
            long base = marginOnUnsettled ? limits.tokensPerMinute() : limits.effectiveTokensPerMinute();
            return Math.max(1, (long) Math.floor(base * factor));
        }
    }

    /** The request limit of the window now, adaptation applied ({@code Long.MAX_VALUE} = unlimited). */
    private long requestLimit() {
        if (limits.requestsPerMinute() == 0) {
            return Long.MAX_VALUE;
        }
        synchronized (state) {
            return Math.max(1, (long) Math.floor(limits.requestsPerMinute() * factor));
        }
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
     * Corrects the call's charge in the rolling window to the server's {@code promptTokenCount} and frees the
     * in-flight slot: a low estimate makes the window fuller (later admissions wait longer), a high one frees the
     * difference at once (waiters are woken). Idempotent: a permit already settled or released is ignored.
     */
    public void settle(Permit permit, int actualPromptTokens) {
        Objects.requireNonNull(permit, "permit");
        Optional<SlidingLog.Entry> entry = permit.metered() ? open.remove(permit.id()) : null;
        if (entry == null) {
            return;
        }
        int actual = Math.max(0, actualPromptTokens);
        tokensSettled.addAndGet(actual);
        lock.lock();
        try {
            if (entry.isPresent()) {
                log.prune(time.currentTimeNanos());
                log.correct(entry.get(), actual);
                close(entry.get(), true);
            }
            admittedInFlight--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees the in-flight slot without correcting the charge (the call failed before an answer, the estimate stays
     * in the window). Idempotent.
     */
    public void release(Permit permit) {
        Objects.requireNonNull(permit, "permit");
        Optional<SlidingLog.Entry> entry = permit.metered() ? open.remove(permit.id()) : null;
        if (entry == null) {
            return;
        }
        lock.lock();
        try {
            if (entry.isPresent()) {
                log.prune(time.currentTimeNanos());
                close(entry.get(), false);
            }
            admittedInFlight--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The call has ended: the server charged it, if at all, between its admission and now, and at most its
     * {@linkplain #maxChargeDelayNanos maximum charge delay} after its admission.
     * <ul>
     * <li>Answered ({@link #settle}): the answer is proof that the charge lies before it, so the call counts until
     * that latest charge time + the minute, without the skew allowance, which exists only for the unknown delay
     * between admission and charge: against a server that answers in 20 ms, 20 ms instead of the allowance (100 ms
     * real at least, 1.6% of a minute at time scale 0.1, measured in LimitsBench).</li>
     * <li>Failed without an answer ({@link #release}): a timeout or a dropped connection says less about when (or
     * whether) the server counted it; it counts until the later of admission + {@code W} and that time + the
     * minute.</li>
     * </ul>
     */
    private void close(SlidingLog.Entry e, boolean answered) {
        long now = time.currentTimeNanos();
        long latestCharge = Math.min(now - e.admittedNanos, e.maxChargeDelayNanos);
        long counted = latestCharge + windowNanos;
        log.expireAt(e, e.admittedNanos + (answered ? counted : Math.max(admissionWindowNanos, counted)));
    }

    // ------------------------------------------------------------------------------------------------ 429

    /**
     * Reacts to a quota error from the server.
     * <ul>
     * <li>{@link GeminiErrorKind#DAILY_QUOTA}: parks until the {@linkplain #nextDayReset() next daily reset}.</li>
     * <li>{@link GeminiErrorKind#SPEND_CAP}: parks for an hour (scaled); the caller may park longer.</li>
     * <li>a per-minute 429 with a {@code retryDelay} under 5% of the window (a near miss): new admissions wait for
     * the delay; the rate stays.</li>
     * <li>any other per-minute 429 ({@link GeminiErrorKind#RATE_LIMITED}): the effective RPM and TPM are multiplied
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
            if (e.retryDelay().isPresent() && delay < NEAR_MISS_FRACTION * windowNanos) {
                nearMisses.incrementAndGet();
                return;
            }
            factor = Math.max(ADAPT_FLOOR, factor * ADAPT_DOWN);
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
                factor = Math.min(1.0, factor + ADAPT_UP_PER_WINDOW * windows);
            }
        }
    }

    /** How many 429s were near misses (waited for, no rate cut). */
    public long nearMisses() {
        return nearMisses.get();
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

    /**
     * Listens to the queue: called with the time and the number of calls waiting for admission (parking, 429 block,
     * rolling window or in-flight cap) each time a call starts or stops waiting, under the admission lock (in order;
     * keep it quick). For measurements such as the benchmark's "utilisation while there is a backlog".
     */
    public void addWaitingListener(BiConsumer<Instant, Integer> listener) {
        waitingListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Calls waiting for admission now. */
    public int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

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
                limits.requestsPerMinute() == 0 ? 0 : requestLimit(),
                limits.tokensPerMinute() == 0 ? 0 : tokenLimit(), adaptations.get(),
                open.size(), today,
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
        lock.lock();
        try {
            return "GenerationLimiter[window=" + Duration.ofNanos(log.windowNanos()) + ", tokens=" + log.tokens() + "/"
                    + tokenLimit() + ", requests=" + log.count() + "/" + requestLimit() + ", inFlight="
                    + limits.maxInFlight() + "]";
        } finally {
            lock.unlock();
        }
    }
}

package io.geminidigest.app;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.limits.GenerationLimiter;
import io.geminidigest.limits.Parking;
import io.geminidigest.limits.Permit;
import io.geminidigest.limits.RateLimits;

/**
 * One {@link GenerationLimiter} per model (Gemini's limits are per project and per model), created on first use from
 * the configured limits. Parking of any model is reported to the listeners (the ingest routes pause with it).
 */
public final class LimiterGate implements AutoCloseable {

    private final RateLimits limits;
    private final Map<String, GenerationLimiter> byModel = new ConcurrentHashMap<>();
    private final List<Consumer<Optional<Parking>>> listeners = new CopyOnWriteArrayList<>();
    private final List<WaitingListener> waitingListeners = new CopyOnWriteArrayList<>();
    private final List<String> models;
    private final boolean packing;
    private final boolean marginOnUnsettledOnly;
    private final long sendBytesPerSecond;
    private volatile boolean allParked;

    public LimiterGate(RateLimits limits) {
        this(limits, List.of());
    }

    /**
     * @param models the models work can go to (the primary and its fallbacks): the pipeline is parked only when all
     *               of them are
     */
    public LimiterGate(RateLimits limits, List<String> models) {
        this(limits, models, true);
    }

    /**
     * With the margin on unsettled calls only (the application's default, {@code ratelimit.margin-on-unsettled-only}).
     *
     * @param packing whether a smaller waiting call may pass a larger one that does not fit yet without delaying it
     *                ({@code ratelimit.packing}; false: strictly first come, first served)
     */
    public LimiterGate(RateLimits limits, List<String> models, boolean packing) {
        this(limits, models, packing, true);
    }

    /**
     * @param marginOnUnsettledOnly apply {@code ratelimit.margin} to the estimates in flight only, not to the window
     *                              ({@code ratelimit.margin-on-unsettled-only}; see
     *                              {@link GenerationLimiter#marginOnUnsettledOnly})
     */
    public LimiterGate(RateLimits limits, List<String> models, boolean packing, boolean marginOnUnsettledOnly) {
        this(limits, models, packing, marginOnUnsettledOnly, 0);
    }

    /**
     * @param sendBytesPerSecond the slowest rate a request body is assumed to reach Gemini at
     *                           ({@code ratelimit.send-bytes-per-second}; see {@link GenerationLimiter#sendRate})
     */
    public LimiterGate(RateLimits limits, List<String> models, boolean packing, boolean marginOnUnsettledOnly,
            long sendBytesPerSecond) {
        this.limits = limits;
        this.models = List.copyOf(models);
        this.packing = packing;
        this.marginOnUnsettledOnly = marginOnUnsettledOnly;
        this.sendBytesPerSecond = sendBytesPerSecond;
    }

    public boolean isParked(String model) {
        GenerationLimiter l = byModel.get(model);
        return l != null && l.isParked();
    }

    private void parkingChanged() {
        List<String> watched = models.isEmpty() ? List.copyOf(byModel.keySet()) : models;
        boolean all = !watched.isEmpty() && watched.stream().allMatch(this::isParked);
        if (all != allParked) {
            allParked = all;
            Optional<Parking> p = all ? watched.stream().map(m -> byModel.get(m).parking()).flatMap(Optional::stream)
                    .min(java.util.Comparator.comparing(Parking::until)) : Optional.empty();
            listeners.forEach(c -> c.accept(p));
        }
    }

    public RateLimits limits() {
        return limits;
    }

    public GenerationLimiter limiter(String model) {
        return byModel.computeIfAbsent(model, m -> {
            GenerationLimiter l = new GenerationLimiter(limits).packing(packing)
                    .marginOnUnsettledOnly(marginOnUnsettledOnly).sendRate(sendBytesPerSecond);
            l.addParkingListener(p -> parkingChanged());
            l.addWaitingListener((at, waiting) -> waitingListeners.forEach(w -> w.changed(m, at, waiting)));
            return l;
        });
    }

    public Permit acquire(GeminiCall call) throws InterruptedException {
        return limiter(call.model()).acquire(call);
    }

    public void settle(GeminiCall call, Permit permit, int actualPromptTokens) {
        limiter(call.model()).settle(permit, actualPromptTokens);
    }

    public void release(GeminiCall call, Permit permit) {
        limiter(call.model()).release(permit);
    }

    public void onRateLimited(GeminiCall call, GeminiException e) {
        limiter(call.model()).onRateLimited(e);
    }

    /** How long until the model's parking ends, if it is parked. */
    public Optional<Duration> parkedFor(String model) {
        return limiter(model).parking().map(p -> {
            Duration d = Duration.between(Instant.now(), p.until());
            return d.isNegative() ? Duration.ZERO : d;
        });
    }

    /** The first parking in force, of any model. */
    public Optional<Parking> parking() {
        return byModel.values().stream().map(GenerationLimiter::parking).flatMap(Optional::stream).findFirst();
    }

    public void addParkingListener(Consumer<Optional<Parking>> listener) {
        listeners.add(listener);
    }

    /** Hears of a model's limiter queue changing: how many calls wait for admission, and since when. */
    @FunctionalInterface
    public interface WaitingListener {
        void changed(String model, Instant at, int waiting);
    }

    /**
     * Listens to the number of calls waiting for admission in every model's limiter (see
     * {@link GenerationLimiter#addWaitingListener}); register before the first call to see every change.
     */
    public void addWaitingListener(WaitingListener listener) {
        waitingListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    public Map<String, GenerationLimiter> limiters() {
        return Map.copyOf(byModel);
    }

    @Override
    public void close() {
        byModel.values().forEach(GenerationLimiter::close);
    }
}

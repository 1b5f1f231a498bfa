package io.geminidigest.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/** A simulated clock for tests: {@link #sleep(long)} advances time instead of waiting. */
final class SimulatedTime implements TimeSource {

    private final Instant origin;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final long originNanos = nanos.get();

    SimulatedTime(Instant origin) {
        this.origin = origin;
    }

    SimulatedTime() {
        this(Instant.parse("2026-01-15T12:00:00Z"));
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }

    @Override
    public Instant now() {
        return origin.plusNanos(nanos.get() - originNanos);
    }

    @Override
    public void sleep(long n) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (n > 0) {
            nanos.addAndGet(n);
        }
    }

    /** Simulated: the wait lasts exactly {@code nanos} of simulated time (the caller holds the lock meanwhile). */
    @Override
    public void awaitNanos(Condition condition, long nanos) throws InterruptedException {
        sleep(nanos);
    }

    @Override
    public boolean isSimulated() {
        return true;
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}

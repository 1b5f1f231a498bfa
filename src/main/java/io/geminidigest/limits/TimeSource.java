package io.geminidigest.limits;

import java.time.Instant;
import java.util.concurrent.locks.Condition;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;

/**
 * Where the limiter gets its time and how it waits: a Bucket4j {@link TimeMeter} (monotonic nanoseconds for the
 * rolling window), the wall-clock {@link Instant} (parking, the daily reset), a sleep and a wait on a condition. Tests inject a simulated source
 * whose {@link #sleep(long)} advances the clock, so no test depends on wall-clock speed.
 */
public interface TimeSource extends TimeMeter {

    /** The current wall-clock instant, consistent with {@link #currentTimeNanos()}. */
    Instant now();

    /** Waits about {@code nanos} nanoseconds (may return early); interruptible. */
    void sleep(long nanos) throws InterruptedException;

    /**
     * Waits on {@code condition} (whose lock the caller holds) for up to {@code nanos}, or until it is signalled: the
     * limiter's waiters sleep here until the window has room. Real time: {@link Condition#awaitNanos}. A simulated
     * clock overrides this to advance its time by {@code nanos} instead (the caller re-checks under the lock either
     * way, so a spurious or early return is harmless).
     */
    default void awaitNanos(Condition condition, long nanos) throws InterruptedException {
        if (nanos > 0) {
            condition.awaitNanos(nanos);
        }
    }

    /** Whether time is simulated (then no background timer is started: nothing real would fire at the right time). */
    default boolean isSimulated() {
        return false;
    }

    /** Real time: {@link System#nanoTime()}, {@link Instant#now()} and Bucket4j's {@link BlockingStrategy#PARKING}. */
    static TimeSource system() {
        return SystemTime.INSTANCE;
    }

    /** The real time source. */
    enum SystemTime implements TimeSource {
        INSTANCE;

        @Override
        public long currentTimeNanos() {
            return System.nanoTime();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            if (nanos > 0) {
                BlockingStrategy.PARKING.park(nanos);
            }
        }
    }
}

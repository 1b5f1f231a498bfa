package io.geminidigest.app;

import java.time.Clock;
import java.time.Duration;

import io.geminidigest.job.JobStore;
import io.geminidigest.job.StoreCompaction;

/**
 * The store's upkeep: compacting the embedded H2 file (route {@code store-maintenance}, every
 * {@code store.maintenance-seconds}; {@link StoreCompaction}, nothing on PostgreSQL), and removing the finished jobs
 * older than {@code store.finished-retention-days} (route {@code store-retention}, hourly; none when it is 0).
 * Together they keep the file about the size of the jobs kept.
 */
public final class StoreMaintenance {

    private final JobStore jobs;
    private final StoreCompaction compaction;
    private final Duration retention;
    private final Clock clock;

    /**
     * @param retention how long finished jobs are kept; zero keeps them for ever
     */
    public StoreMaintenance(JobStore jobs, StoreCompaction compaction, Duration retention, Clock clock) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("store.finished-retention-days must not be negative: " + retention);
        }
        this.jobs = jobs;
        this.compaction = compaction;
        this.retention = retention;
        this.clock = clock;
    }

    public StoreCompaction.Result compact() {
        return compaction.compact();
    }

    /** Removes the finished jobs past the retention (with their replies); returns how many. */
    public int removeExpired() {
        return retention.isZero() ? 0 : jobs.removeFinishedBefore(clock.instant().minus(retention));
    }
}

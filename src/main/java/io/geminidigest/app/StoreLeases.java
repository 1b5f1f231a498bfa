package io.geminidigest.app;

import io.geminidigest.job.ContentIndex;
import io.geminidigest.job.JobStore;

/**
 * The store's heartbeat (route {@code store-heartbeat}, every {@code store.heartbeat-seconds}): renews the leases of
 * this instance's claimed documents and running or parked jobs, so that no other instance takes them back while this
 * one works, and queues again the jobs of an instance whose leases expired (it died).
 */
public final class StoreLeases {

    private final ContentIndex index;
    private final JobStore jobs;

    public StoreLeases(ContentIndex index, JobStore jobs) {
        this.index = index;
        this.jobs = jobs;
    }

    /** Renews this instance's leases; returns how many jobs of dead instances were queued again. */
    public int renew() {
        index.renewLeases();
        jobs.renewLeases();
        return jobs.requeueExpired();
    }
}

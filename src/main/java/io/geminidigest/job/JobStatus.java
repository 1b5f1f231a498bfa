package io.geminidigest.job;

/** The life of a job. */
public enum JobStatus {
    /** Recorded durably, waiting its turn. */
    QUEUED,
    /** Being processed (progress: chunks or segments done of total). */
    RUNNING,
    /** Waiting for a quota reset (per-day quota, spend cap). */
    PARKED,
    /** Finished with a result. */
    DONE,
    /** Finished with an error report. */
    FAILED,
    /** Cancelled while queued. */
    CANCELLED;

    public boolean isFinal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}

package io.geminidigest.app;

/** Whether the start-up preflight passed, and what it said: part of {@code /health/ready}. */
public final class Readiness {

    private volatile Boolean preflightPassed;
    private volatile String preflightMessage = "not run yet";

    public void preflight(boolean passed, String message) {
        this.preflightPassed = passed;
        this.preflightMessage = message;
    }

    /** Null while the preflight has not finished. */
    public Boolean preflightPassed() {
        return preflightPassed;
    }

    public String preflightMessage() {
        return preflightMessage;
    }
}

package io.geminidigest.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geminidigest.output.Sidecar;

/**
 * Counts what a run did (documents ok, failed, duplicate, estimated; tokens; cost), decides when a {@code --once} run
 * is complete (the folder consumer found nothing new and no document is in flight), and computes the exit code.
 */
public final class RunTracker {

    private static final Logger LOG = LoggerFactory.getLogger(RunTracker.class);

    /** Exit codes of a {@code --once} run. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_SOME_FAILED = 1;
    public static final int EXIT_CONFIGURATION = 2;

    private final long startNanos = System.nanoTime();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger estimated = new AtomicInteger();
    private final AtomicLong tokensIn = new AtomicLong();
    private final AtomicLong tokensOut = new AtomicLong();
    private final AtomicLong tokensThinking = new AtomicLong();
    private final DoubleAdder cost = new DoubleAdder();
    private final AtomicReference<String> fatal = new AtomicReference<>();
    private volatile Runnable onComplete = () -> { };
    private volatile boolean once;
    private volatile boolean completed;

    public void setOnce(boolean once) {
        this.once = once;
    }

    public boolean isOnce() {
        return once;
    }

    /** What to do when a {@code --once} run is complete (stop Camel Main). */
    public void setOnComplete(Runnable onComplete) {
        this.onComplete = onComplete;
    }

    public void started() {
        inFlight.incrementAndGet();
    }

    public void succeeded(Sidecar sidecar) {
        switch (sidecar.status()) {
            case Sidecar.ESTIMATED -> estimated.incrementAndGet();
            case Sidecar.DUPLICATE -> duplicates.incrementAndGet();
            default -> ok.incrementAndGet();
        }
        if (sidecar.totals() != null && !Sidecar.ESTIMATED.equals(sidecar.status())) {
            tokensIn.addAndGet(sidecar.totals().promptTokens());
            tokensOut.addAndGet(sidecar.totals().outputTokens());
            tokensThinking.addAndGet(sidecar.totals().thinkingTokens());
            if (sidecar.costUsd() != null) {
                cost.add(sidecar.costUsd());
            }
        }
    }

    public void failed() {
        failed.incrementAndGet();
    }

    /** A document left the pipeline (whatever its outcome). */
    public void finished() {
        inFlight.decrementAndGet();
    }

    /** The folder consumer polled and found nothing new. */
    public void idle() {
        if (once && inFlight.get() == 0) {
            complete();
        }
    }

    /** Nothing can succeed (bad key, unknown model): stop taking work; a --once run exits with 2. */
    public void fatal(String message) {
        if (fatal.compareAndSet(null, message)) {
            LOG.error(message);
            complete();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public boolean isFatal() {
        return fatal.get() != null;
    }

    public int exitCode() {
        if (fatal.get() != null) {
            return EXIT_CONFIGURATION;
        }
        return failed.get() > 0 ? EXIT_SOME_FAILED : EXIT_OK;
    }

    private synchronized void complete() {
        if (!completed) {
            completed = true;
            Thread t = new Thread(onComplete, "gemini-digest-complete");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The one line printed at the end of a run. */
    public String summaryLine() {
        Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
        StringBuilder sb = new StringBuilder("gemini-digest: ");
        sb.append(ok.get()).append(" ok, ").append(failed.get()).append(" failed");
        if (duplicates.get() > 0) {
            sb.append(", ").append(duplicates.get()).append(" duplicate");
        }
        if (estimated.get() > 0) {
            sb.append(", ").append(estimated.get()).append(" estimated only (no API key)");
        }
        sb.append("; tokens ").append(tokensIn.get()).append(" in, ").append(tokensOut.get()).append(" out (")
                .append(tokensThinking.get()).append(" thinking); cost $")
                .append(String.format(java.util.Locale.ROOT, "%.4f", cost.sum()))
                .append("; ").append(String.format(java.util.Locale.ROOT, "%.1f", wall.toMillis() / 1000.0))
                .append(" s");
        if (fatal.get() != null) {
            sb.append("; stopped: ").append(fatal.get());
        }
        return sb.toString();
    }

    public int okCount() {
        return ok.get();
    }

    public int failedCount() {
        return failed.get();
    }

    public int duplicateCount() {
        return duplicates.get();
    }

    public int estimatedCount() {
        return estimated.get();
    }
}

package io.geminidigest.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.job.Job;
import io.geminidigest.job.JobRecord;
import io.geminidigest.job.JobRequest;
import io.geminidigest.job.JobStore;
import io.geminidigest.job.Spool;
import io.geminidigest.limits.Parking;
import io.geminidigest.output.ErrorReport;
import io.geminidigest.output.Sidecar;

/**
 * Feeds the job store's QUEUED jobs to the pipeline, and keeps the store's statuses in step with the pipeline (the
 * route files call it by name, {@code jobs}):
 * <ul>
 * <li>{@link #dispatchable()}: the oldest queued jobs that fit the free slots ({@code ingest.concurrency});</li>
 * <li>{@link #start(Exchange)}: QUEUED → RUNNING, and the exchange properties the pipeline reads;</li>
 * <li>{@link #recordFolder(Exchange)}: a folder job is recorded as it starts (its file is its durable record);</li>
 * <li>{@link #done(Exchange)} / {@link #failed(Exchange)}: the final status, the metrics, and whoever waits.</li>
 * </ul>
 * Exchange properties: {@code jobId} (the store's id of the exchange's job), {@code job}, {@code sourceName}.
 */
public final class JobDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest.jobs");

    public static final String JOB_ID = "jobId";

    private final JobStore store;
    private final Spool spool;
    private final JobMetrics metrics;
    private final ObjectMapper json;
    private final int concurrency;
    private final int maxQueued;
    private final JobOptions.Defaults defaults;
    /** Jobs handed to the pipeline by this process and not finished yet. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<JobRecord>> waiters = new ConcurrentHashMap<>();

    /** @param defaults the configured options: a request's options equal to them are kept as absent */
    public JobDispatcher(JobStore store, Spool spool, JobMetrics metrics, ObjectMapper json, int concurrency,
            int maxQueued, JobOptions.Defaults defaults) {
        this.store = store;
        this.spool = spool;
        this.metrics = metrics;
        this.json = json;
        this.concurrency = concurrency;
        this.maxQueued = maxQueued;
        this.defaults = defaults;
    }

    public JobStore store() {
        return store;
    }

    public Spool spool() {
        return spool;
    }

    private volatile java.util.function.LongConsumer backlogListener = n -> { };

    /** Told the number of queued jobs whenever it may have changed (the message consumers pause over a bound). */
    public void onBacklog(java.util.function.LongConsumer listener) {
        this.backlogListener = listener;
    }

    private volatile Runnable wake = () -> { };

    /**
     * Told when the dispatcher should look at the queued jobs now rather than at its next tick: a job was accepted or
     * a slot became free. Wired to the dispatcher route's queue of one, so wake-ups coalesce.
     */
    public void onWake(Runnable wake) {
        this.wake = wake;
    }

    private void backlogChanged() {
        backlogListener.accept(store.count(io.geminidigest.job.JobStatus.QUEUED, null));
    }

    /** Whether the local backlog is full (new requests are refused with 429 until it drains). */
    public boolean backlogFull() {
        return store.count(io.geminidigest.job.JobStatus.QUEUED, null) >= maxQueued;
    }

    /**
     * Accepts a spooled request (see {@link JobStore#accept(JobRequest)}) with its options canonical (those equal to
     * the configured default left out, {@link JobOptions.Defaults#canonical}): the same content with the same
     * effective options is the same job, with other options another ({@link io.geminidigest.job.JobIdentity}). A
     * duplicate's spool file goes.
     */
    public JobStore.Accepted accept(JobRequest request) {
        JobRequest canonical = new JobRequest(request.source(), request.messageId(), request.name(),
                request.contentType(), request.spooled(), defaults.canonical(request.options()), request.replyTo(),
                request.correlationId());
        JobStore.Accepted accepted = store.accept(canonical);
        if (accepted.duplicate()) {
            spool.discard(request.spooled());
        } else {
            metrics.accepted(request.source());
            backlogChanged();
            wake.run();
        }
        return accepted;
    }

    /** The queued jobs to start now: as many as there are free slots, oldest first. */
    public synchronized List<JobRecord> dispatchable() {
        int free = concurrency - inFlight.size();
        if (free <= 0) {
            return List.of();
        }
        List<JobRecord> next = store.queued(free + inFlight.size()).stream()
                .filter(j -> !inFlight.contains(j.id())).limit(free).toList();
        next.forEach(j -> inFlight.add(j.id()));
        if (!next.isEmpty()) {
            backlogChanged();
        }
        return next;
    }

    /**
     * Starts the job in the body (a {@link JobRecord}): marks it RUNNING and sets the exchange properties the
     * pipeline reads; false when it is no longer queued (cancelled meanwhile).
     */
    public boolean start(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        JobRecord record = exchange.getMessage().getMandatoryBody(JobRecord.class);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange e) {
                inFlight.remove(record.id());
                wake.run();
            }
        });
        if (!store.markRunning(record.id())) {
            return false;
        }
        Job job = record.toJob();
        exchange.setProperty(JOB_ID, record.id());
        exchange.setProperty(PipelineSupport.JOB, job);
        exchange.setProperty("sourceName", job.name());
        // the job's options, applied by the pipeline (PipelineSupport#options)
        exchange.setProperty("jobOptionsJson", record.optionsJson());
        // the spool file stays where it is whatever happens (the job record says how it ended)
        exchange.setProperty("archiveTo", job.file().toString());
        exchange.setProperty("archiveFailed", job.file().toString());
        exchange.setProperty("archiveStay", job.file().toString());
        return true;
    }

    /** Records the folder job of the exchange (property {@code job}) as RUNNING, and its id as {@code jobId}. */
    public void recordFolder(Exchange exchange) {
        Job job = exchange.getProperty(PipelineSupport.JOB, Job.class);
        store.recordRunning(job.id(), new JobRequest("folder", null, job.name(), null, job.file(), Map.of(), null,
                null), job.sha256(), job.bytes());
        exchange.setProperty(JOB_ID, job.id());
        metrics.accepted("folder");
    }

    /** Progress of the job's summary (property {@code summaryRun}): Gemini calls answered of the calls known. */
    public void progress(Exchange exchange) {
        String id = exchange.getProperty(JOB_ID, String.class);
        io.geminidigest.summarize.SummaryRun run = exchange.getProperty("summaryRun",
                io.geminidigest.summarize.SummaryRun.class);
        if (id != null && run != null) {
            int done = run.answers().size();
            store.progress(id, done, done + (run.isFinished() ? 0 : run.getPending().size()));
        }
    }

    /** The pipeline wrote the sidecar (property {@code sidecar}): the job is DONE with it as result. */
    public void done(Exchange exchange) throws JsonProcessingException {
        String id = exchange.getProperty(JOB_ID, String.class);
        Sidecar sidecar = exchange.getProperty("sidecar", Sidecar.class);
        if (id == null || sidecar == null) {
            return;
        }
        boolean estimate = Sidecar.ESTIMATED.equals(sidecar.status());
        Sidecar.Totals t = sidecar.totals();
        JobStore.Tokens tokens = t == null || estimate ? new JobStore.Tokens(0, 0, 0)
                : new JobStore.Tokens(t.promptTokens(), t.outputTokens(), t.thinkingTokens());
        double cost = estimate || sidecar.costUsd() == null ? 0 : sidecar.costUsd();
        if (!store.markDone(id, json.writeValueAsString(sidecar), tokens, cost)) {
            takenOver(id);
            return;
        }
        finished(id, exchange);
    }

    /** The job failed (property {@code errorReport}): FAILED with the report and what it was billed before. */
    public void failed(Exchange exchange) throws JsonProcessingException {
        String id = exchange.getProperty(JOB_ID, String.class);
        ErrorReport report = exchange.getProperty("errorReport", ErrorReport.class);
        if (id == null) {
            return;
        }
        Sidecar.Totals t = report == null ? null : report.totals();
        JobStore.Tokens tokens = t == null ? new JobStore.Tokens(0, 0, 0)
                : new JobStore.Tokens(t.promptTokens(), t.outputTokens(), t.thinkingTokens());
        double cost = report == null || report.costUsd() == null ? 0 : report.costUsd();
        if (!store.markFailed(id, report == null ? null : json.writeValueAsString(report), tokens, cost)) {
            takenOver(id);
            return;
        }
        finished(id, exchange);
    }

    /**
     * This instance lost the job: it stalled past its lease and another instance took the job over and runs it (with
     * the spooled input, which is left alone). What this instance wrote is not recorded and owes no reply.
     */
    private void takenOver(String id) {
        LOG.warn("job {}: this instance's lease on it ran out and another instance took it over; this run's outcome is "
                + "not recorded (the other instance's is)", id);
    }

    private void finished(String id, Exchange exchange) {
        store.find(id).ifPresent(job -> {
            if (!"folder".equals(job.source())) {
                spool.discard(Path.of(job.spoolPath()));
            }
            metrics.finished(job);
            CompletableFuture<JobRecord> waiter = waiters.remove(id);
            if (waiter != null) {
                waiter.complete(job);
            }
        });
        LOG.debug("job {} finished", id);
    }

    /** Waits up to {@code timeout} for the job to reach a final status; returns it as it is then. */
    public Optional<JobRecord> awaitFinal(String id, Duration timeout) throws InterruptedException {
        CompletableFuture<JobRecord> waiter = waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
        Optional<JobRecord> now = store.find(id);
        if (now.isEmpty() || now.get().status().isFinal()) {
            waiters.remove(id, waiter);
            return now;
        }
        try {
            return Optional.of(waiter.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return store.find(id);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Cancels a queued job; its spool file goes. */
    public boolean cancel(String id) {
        boolean cancelled = store.cancel(id);
        if (cancelled) {
            store.find(id).ifPresent(j -> {
                spool.discard(Path.of(j.spoolPath()));
                metrics.finished(j);
            });
        }
        return cancelled;
    }

    /** Parking listener: jobs in flight wait for the reset as PARKED, and run again after it. */
    public void onParking(Optional<Parking> parking) {
        for (String id : inFlight) {
            if (parking.isPresent()) {
                store.markParked(id);
            } else {
                store.markRunning(id);
            }
        }
    }
}

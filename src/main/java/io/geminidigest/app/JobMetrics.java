package io.geminidigest.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.geminidigest.job.JobRecord;
import io.geminidigest.job.JobStatus;
import io.geminidigest.job.JobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Job metrics: {@code jobs} (gauge by status and source, read from the store when scraped), {@code jobs.queue.depth}
 * (queued jobs waiting for the dispatcher), {@code jobs.accepted} (by source), {@code jobs.latency} (end-to-end, from
 * accepted to final, by source and status) and {@code jobs.cost.usd} (by source).
 */
public final class JobMetrics {

    private final MeterRegistry registry;
    private final MultiGauge byStatus;
    private JobStore store;
    private volatile long queueDepth;

    public JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.byStatus = MultiGauge.builder("jobs").description("jobs by status and source").register(registry);
        io.micrometer.core.instrument.Gauge.builder("jobs.queue.depth", this, m -> m.queueDepth)
                .description("jobs queued for the dispatcher").register(registry);
    }

    /** Where the per-status gauges are read from. */
    public void setStore(JobStore store) {
        this.store = store;
    }

    /** Reads the counts from the store into the gauges; called before each scrape. */
    public void refresh() {
        if (store == null) {
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        long queued = 0;
        for (JobStore.StatusCount c : store.counts()) {
            rows.add(MultiGauge.Row.of(Tags.of("status", c.status().name().toLowerCase(java.util.Locale.ROOT),
                    "source", c.source()), c.count()));
            if (c.status() == JobStatus.QUEUED && !"folder".equals(c.source())) {
                queued += c.count();
            }
        }
        byStatus.register(rows, true);
        queueDepth = queued;
    }

    void accepted(String source) {
        Counter.builder("jobs.accepted").tag("source", source).register(registry).increment();
    }

    void finished(JobRecord job) {
        String status = job.status().name().toLowerCase(java.util.Locale.ROOT);
        Timer.builder("jobs.latency").description("from accepted to a final status").tags("source", job.source(),
                "status", status).register(registry).record(Duration.between(job.createdAt(), job.updatedAt()));
        if (job.costUsd() > 0) {
            Counter.builder("jobs.cost.usd").description("cost of finished jobs").tag("source", job.source())
                    .register(registry).increment(job.costUsd());
        }
    }
}

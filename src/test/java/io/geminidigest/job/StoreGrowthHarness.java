package io.geminidigest.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Measures the embedded store file ({@code store.mv.db}) through the real store API: N jobs accepted (queued), then
 * run to DONE the way the application does (claimed, progress, content index claim and completion, DONE with a
 * realistic result, the reply claimed and sent), printing the file size after each phase and per operation.
 * <p>
 * Run {@link #main} with {@code target/classes:target/test-classes} and the test class path (as {@code bench/run.sh}
 * builds it); {@code -Dcompact-mb=N} compacts as route {@code store-maintenance} does (N MB a run). Also used by
 * {@code StoreCompactionTest}.
 */
public final class StoreGrowthHarness {

    /** A sidecar of a summarized document, as the pipeline stores it in {@code result_json} (about 4 KB). */
    static final String RESULT_JSON = resultJson();

    private final Path dir;
    private final String url;
    private final JdbcJobStore store;
    private final JdbcContentIndex index;

    StoreGrowthHarness(Path dir, String url) {
        this.dir = dir;
        this.url = url;
        InstanceLease lease = new InstanceLease("harness", Duration.ofSeconds(90), Clock.systemUTC());
        this.index = new JdbcContentIndex(url, "", "", lease);
        this.store = new JdbcJobStore(url, "", "", lease);
    }

    JdbcJobStore store() {
        return store;
    }

    /**
     * The application's embedded store URL ({@code DigestConfiguration#defaultStoreUrl}) with another H2 retention
     * time, or, when {@code retention} is null, the URL used before the store was compacted (H2's 45 s).
     */
    static String url(Path dir, Integer retention) {
        String url = io.geminidigest.app.DigestConfiguration.defaultStoreUrl(dir);
        String base = url.substring(0, url.indexOf(";RETENTION_TIME="));
        return retention == null ? base : base + ";RETENTION_TIME=" + retention;
    }

    /** The store file's size in bytes. */
    long fileSize() throws IOException {
        return Files.size(dir.resolve("store.mv.db"));
    }

    /** Accepts jobs {@code from} to {@code to - 1}: QUEUED, each with a reply owed. */
    void accept(int from, int to) {
        for (int i = from; i < to; i++) {
            store.accept(id(i), request(i), sha(i), 1234);
        }
    }

    /** Runs the queued jobs {@code from} to {@code to - 1} to DONE, as the pipeline and the reply route do. */
    void finish(int from, int to) {
        for (int i = from; i < to; i++) {
            String id = id(i);
            store.markRunning(id);
            index.claim(sha(i), "doc-" + i + ".txt");
            for (int p = 1; p <= 3; p++) {
                store.progress(id, p, 3);
            }
            index.complete(sha(i), "doc-" + i + ".txt", "doc-" + i + ".txt.summary.md");
            store.markDone(id, RESULT_JSON, new JobStore.Tokens(12000, 800, 0), 0.0123);
            List<JobReply> replies = store.claimReplies(id, Duration.ofSeconds(30), 100);
            replies.forEach(r -> store.replySent(r.id()));
        }
    }

    /** The compaction the store-maintenance route runs, or none (-Dcompact-mb=0); prints what it did. */
    static Runnable compaction(String url) {
        int mb = Integer.getInteger("compact-mb", 0);
        if (mb <= 0) {
            return () -> { };
        }
        StoreCompaction compaction = new StoreCompaction(url, "", "", mb * 1024 * 1024);
        return () -> {
            long t = System.nanoTime();
            StoreCompaction.Result r = compaction.compact();
            System.out.printf("  compaction: %,d -> %,d B in %.0f ms, fill rates %d%% file, %d%% chunks%n",
                    r.before(), r.after(), (System.nanoTime() - t) / 1e6, r.fileFillRate(), r.chunksFillRate());
        };
    }

    void close() {
        store.close();
        index.close();
    }

    static String id(int i) {
        return String.format("job-%08d-%s", i, "x".repeat(20));
    }

    static String sha(int i) {
        return String.format("%064x", (long) i * 2654435761L);
    }

    static JobRequest request(int i) {
        return new JobRequest("http", "msg-" + i, "doc-" + i + ".txt", "text/plain",
                Path.of("/var/lib/gemini-digest/spool/" + id(i)), Map.of("language", "English"), "reply-queue",
                "corr-" + i);
    }

    /** extra: "old" (45 s retention, as before), "default" (the application's URL), or a retention in ms. */
    private static String urlFor(Path dir, String extra) {
        return extra.equals("old") ? url(dir, null) : extra.isEmpty() || extra.equals("default")
                ? io.geminidigest.app.DigestConfiguration.defaultStoreUrl(dir) : url(dir, (Integer) Integer.valueOf(extra));
    }

    private static void soak(int seconds, int perSecond, int compactEvery, String extra) throws Exception {
        Path dir = Files.createTempDirectory("store-soak");
        String url = urlFor(dir, extra);
        StoreGrowthHarness h = new StoreGrowthHarness(dir, url);
        Runnable maintain = compaction(url);
        boolean finish = !Boolean.getBoolean("soak.accept-only");
        long start = System.nanoTime();
        int done = 0;
        long nextCompaction = compactEvery;
        long nextReport = 10;
        while (true) {
            long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
            if (elapsed >= seconds) {
                break;
            }
            long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
            if (done < due) {
                h.accept(done, done + 1);
                if (finish) {
                    h.finish(done, done + 1);
                }
                done++;
            } else {
                Thread.sleep(5);
            }
            if (compactEvery > 0 && elapsed >= nextCompaction) {
                maintain.run();
                nextCompaction += compactEvery;
            }
            if (elapsed >= nextReport) {
                System.out.printf("%4d s: %,d jobs, file %,d B%n", elapsed, done, h.fileSize());
                nextReport += 10;
            }
        }
        System.out.printf("end: %,d jobs, file %,d B (%.1f KB/job)%n", done, h.fileSize(),
                h.fileSize() / 1024.0 / done);
        h.close();
    }

    private static String resultJson() {
        StringBuilder b = new StringBuilder("{\"status\":\"done\",\"source\":\"doc.txt\",\"model\":\"gemini-2.5-flash\","
                + "\"totals\":{\"promptTokens\":12000,\"outputTokens\":800,\"thinkingTokens\":0},\"calls\":[");
        for (int c = 0; c < 24; c++) {
            b.append(c == 0 ? "" : ",").append("{\"chunk\":").append(c).append(",\"promptTokens\":500,"
                    + "\"outputTokens\":33,\"finishReason\":\"STOP\",\"millis\":1234,\"retries\":0,"
                    + "\"model\":\"gemini-2.5-flash\",\"sha\":\"0123456789abcdef0123456789\"}");
        }
        return b.append("],\"costUsd\":0.0123}").toString();
    }

    /**
     * args: {@code jobs [old|default|retention-ms]}, or {@code soak seconds jobs-per-second
     * compact-every-seconds [old|default|retention-ms]}: jobs accepted and finished at a steady rate, the file size every 10 s.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("batches")) {
            // StoreCompactionTest's shape: batches accepted and finished, compacted after each (-Dcompact-mb)
            int n = Integer.parseInt(args[1]);
            int batch = Integer.parseInt(args[2]);
            Path dir = Files.createTempDirectory("store-batches");
            String url = urlFor(dir, args.length > 3 ? args[3] : "");
            StoreGrowthHarness h = new StoreGrowthHarness(dir, url);
            Runnable maintain = compaction(url);
            long t = System.nanoTime();
            for (int i = 0; i < n; i += batch) {
                h.accept(i, i + batch);
                h.finish(i, i + batch);
                maintain.run();
            }
            System.out.printf("%d jobs in batches of %d: file %,d B (%.1f KB/job), %.0f ms%n", n, batch, h.fileSize(),
                    h.fileSize() / 1024.0 / n, (System.nanoTime() - t) / 1e6);
            h.close();
            return;
        }
        if (args.length > 0 && args[0].equals("soak")) {
            soak(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? args[4] : "");
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String extra = args.length > 1 ? args[1] : "";
        Path dir = Files.createTempDirectory("store-growth");
        String url = urlFor(dir, extra);
        System.out.println("url: " + url + ", result_json " + RESULT_JSON.length() + " chars");
        StoreGrowthHarness h = new StoreGrowthHarness(dir, url);
        long empty = h.fileSize();
        long t0 = System.nanoTime();
        Runnable maintain = compaction(url);
        int every = Integer.getInteger("every", 250);
        for (int i = 0; i < n; i += every) {
            h.accept(i, Math.min(n, i + every));
            maintain.run();
        }
        long queued = h.fileSize();
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i += every) {
            h.finish(i, Math.min(n, i + every));
            maintain.run();
        }
        long finished = h.fileSize();
        long t2 = System.nanoTime();
        // a second round on the same store: does the file keep growing with the same live data doubled?
        for (int i = n; i < 2 * n; i += every) {
            h.accept(i, Math.min(2 * n, i + every));
            h.finish(i, Math.min(2 * n, i + every));
            maintain.run();
        }
        long second = h.fileSize();
        System.out.printf("empty %,d B%n", empty);
        System.out.printf("%d queued: %,d B (%.1f KB/job, %.0f ms)%n", n, queued, (queued - empty) / 1024.0 / n,
                (t1 - t0) / 1e6);
        System.out.printf("%d finished: %,d B (+%.1f KB/job, %.0f ms)%n", n, finished,
                (finished - queued) / 1024.0 / n, (t2 - t1) / 1e6);
        System.out.printf("another %d accepted and finished: %,d B%n", n, second);
        h.close();
        System.out.printf("after close: %,d B%n", h.fileSize());
        // cost of one operation alone, on a fresh store (a reopened one first fills the space freed at its opening)
        Path fresh = Files.createTempDirectory("store-growth-ops");
        url = urlFor(fresh, extra);
        dir = fresh;
        StoreGrowthHarness o = new StoreGrowthHarness(dir, url);
        int k = Math.max(100, n / 4);
        int base = 0;
        long s0 = o.fileSize();
        o.accept(base, base + k);
        long s1 = o.fileSize();
        for (int i = base; i < base + k; i++) {
            o.store.markRunning(id(i));
        }
        long s2 = o.fileSize();
        for (int i = base; i < base + k; i++) {
            o.store.progress(id(i), 1, 3);
        }
        long s3 = o.fileSize();
        for (int i = base; i < base + k; i++) {
            o.store.markDone(id(i), RESULT_JSON, new JobStore.Tokens(1, 1, 0), 0.0);
        }
        long s4 = o.fileSize();
        for (int i = base; i < base + k; i++) {
            o.store.renewLeases();
        }
        long s5 = o.fileSize();
        System.out.printf("per operation (%d each, KB/op): accept %.1f, markRunning %.1f, progress %.1f, "
                + "markDone %.1f, renewLeases (nothing held) %.1f%n", k, (s1 - s0) / 1024.0 / k,
                (s2 - s1) / 1024.0 / k, (s3 - s2) / 1024.0 / k, (s4 - s3) / 1024.0 / k, (s5 - s4) / 1024.0 / k);
        o.close();
    }
}

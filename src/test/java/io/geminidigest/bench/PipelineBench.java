package io.geminidigest.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.extract.DocumentExtractor;
import io.geminidigest.extract.ExtractionLimits;
import io.geminidigest.extract.InProcessExtractor;
import io.geminidigest.extract.IsolatedExtractor;
import io.geminidigest.testing.FakeGemini;

/**
 * Throughput of the whole path against a zero-latency fake, beside Tika extraction alone on the same files, and the
 * peak heap of the application's JVM for a book-length input.
 *
 * <ol>
 *   <li><b>Whole path</b>: {@code rounds} distinct copies of the 13 samples ({@link BenchDocuments#SAMPLES}) are
 *       summarized by the real application ({@code --once}, shipped settings, preset tier3) against a
 *       {@link FakeGemini} without limits; wall time from start-up to exit gives documents/s and input MB/s; the
 *       sidecars give the per-document extraction and summarization times.</li>
 *   <li><b>Tika alone</b>: the same files through {@link IsolatedExtractor} (worker JVMs, as in production) and
 *       {@link InProcessExtractor}, on 1 and 2 threads, after a warm-up document per worker.</li>
 *   <li><b>Peak heap</b>: the application in a fresh {@code java -Xmx512m} on an empty folder (baseline), on
 *       moby-dick (1.2 MB) and on moby-dick three times (3.7 MB); the child prints the peak heap from the memory
 *       MXBeans. Extraction runs in separate worker JVMs whose heap ({@code extract.worker-heap}) is not included.
 *   </li>
 * </ol>
 * Usage: {@code PipelineBench [rounds]} (default 3). {@code PipelineBench --heap-child <baseUrl> <dir>} is the child.
 */
public final class PipelineBench {

    static final double MB = 1_000_000.0;
    static final String HEAP_LINE = "BENCH-HEAP ";
    static final String CHILD_HEAP = "512m";

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--heap-child")) {
            heapChild(args[1], Path.of(args[2]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path root = Files.createTempDirectory("bench-pipeline");
        BenchReport report = new BenchReport("pipeline");
        List<Path> files = BenchDocuments.writeSampleSet(root.resolve("files"), rounds);
        long bytes = BenchDocuments.totalBytes(files);
        report.figure("input", "documents", files.size(), rounds + " copies of " + BenchDocuments.SAMPLES.size()
                + " samples").figure("input", "bytes", bytes, String.format("%.2f MB", bytes / MB));

        wholePath(report, root.resolve("app"), rounds, files.size(), bytes);
        tikaAlone(report, files, bytes);
        peakHeap(report, root.resolve("heap"));
        report.write();
        System.exit(0); // Camel and the fake leave non-daemon threads behind
    }

    // ------------------------------------------------------------------------------------------------ whole path

    private static void wholePath(BenchReport report, Path root, int rounds, int documents, long bytes)
            throws Exception {
        try (FakeGemini fake = FakeGemini.start()) {
            BenchApp app = new BenchApp(root).against(fake.baseUrl(), FakeGemini.KEY).set("ratelimit.preset", "tier3");
            BenchDocuments.writeSampleSet(app.in(), rounds);
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            int exit = app.once(600);
            double seconds = (System.nanoTime() - t0) / 1e9;

            String s = "whole path";
            report.detail(s, "settings", "shipped (ingest.concurrency=2, extract.workers=2, summarize.concurrency=8), "
                    + "preset tier3, fake without limits or latency");
            report.figure(s, "exit code", exit, null)
                    .figure(s, "documents ok", app.tracker().okCount(), "of " + documents)
                    .figure(s, "generate calls", fake.count("generateContent"), null)
                    .figure(s, "wall time", BenchReport.round(seconds), "s, start-up to exit")
                    .figure(s, "documents/s", BenchReport.round(documents / seconds), null)
                    .figure(s, "input MB/s", BenchReport.round(bytes / MB / seconds), null);
            List<JsonNode> sidecars = app.sidecars();
            long[] extract = sidecars.stream().mapToLong(j -> j.path("timings").path("extractMillis").asLong()).toArray();
            long[] summarize = sidecars.stream().mapToLong(j -> j.path("timings").path("summarizeMillis").asLong())
                    .toArray();
            long[] total = sidecars.stream().mapToLong(j -> j.path("timings").path("totalMillis").asLong()).toArray();
            report.figure(s, "sidecars", sidecars.size(), null);
            // steady state: from the first document finished to the last (leaves out start-up and cold workers)
            List<Instant> finished = sidecars.stream().map(j -> Instant.parse(j.path("timings").path("finishedAt")
                    .asText())).sorted().toList();
            double steady = Duration.between(finished.get(0), finished.get(finished.size() - 1)).toNanos() / 1e9;
            report.figure(s, "first document finished after", BenchReport.round(Duration.between(started,
                    finished.get(0)).toNanos() / 1e9), "s (Camel start-up, worker JVMs, first parses)")
                    .figure(s, "steady documents/s", BenchReport.round((finished.size() - 1) / steady),
                            "first to last document finished");
            quantiles(report, s, "extractMillis", extract);
            quantiles(report, s, "summarizeMillis", summarize);
            quantiles(report, s, "totalMillis", total);
        }
    }

    private static void quantiles(BenchReport report, String section, String name, long[] values) {
        report.figure(section, name + " median", BenchReport.quantile(values, 0.5), "ms per document")
                .figure(section, name + " p95", BenchReport.quantile(values, 0.95), "ms per document");
    }

    // ------------------------------------------------------------------------------------------------ Tika alone

    private static void tikaAlone(BenchReport report, List<Path> files, long bytes) throws Exception {
        for (int threads : new int[] { 1, 2 }) {
            try (IsolatedExtractor isolated = new IsolatedExtractor(ExtractionLimits.defaults().withWorkers(threads),
                    null)) {
                extractAll(report, "tika isolated, " + threads + " worker JVM(s), " + threads + " thread(s)",
                        isolated, files, bytes, threads);
            }
        }
        // in this JVM the parsers' JIT state carries over from run to run: the first in-process pass still compiles
        // parsers, so 1 thread is measured again at the end, warm
        String[] labels = { "first pass", "", "warm JVM" };
        int[] threadCounts = { 1, 2, 1 };
        for (int i = 0; i < threadCounts.length; i++) {
            int threads = threadCounts[i];
            try (InProcessExtractor inProcess = new InProcessExtractor(ExtractionLimits.defaults())) {
                extractAll(report, "tika in-process, " + threads + " thread(s)"
                        + (labels[i].isEmpty() ? "" : ", " + labels[i]), inProcess, files, bytes, threads);
            }
        }
    }

    private static void extractAll(BenchReport report, String section, DocumentExtractor extractor, List<Path> files,
            long bytes, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // warm-up: one document per thread (starts the worker JVMs, loads and compiles the parsers)
            List<Future<?>> warm = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Path f = files.get(i);
                warm.add(pool.submit(() -> extractor.extract(f, f.getFileName().toString())));
            }
            for (Future<?> w : warm) {
                w.get();
            }
            long t0 = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (Path f : files) {
                done.add(pool.submit(() -> extractor.extract(f, f.getFileName().toString()).stats().chars()));
            }
            long chars = 0;
            for (Future<Long> d : done) {
                chars += d.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            report.figure(section, "wall time", BenchReport.round(seconds), "s")
                    .figure(section, "documents/s", BenchReport.round(files.size() / seconds), null)
                    .figure(section, "input MB/s", BenchReport.round(bytes / MB / seconds), null)
                    .detail(section, "characters extracted", chars);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------------ peak heap

    private static void peakHeap(BenchReport report, Path root) throws Exception {
        String moby = BenchDocuments.sampleText("moby-dick.txt");
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("empty folder (baseline)", null);
        inputs.put("moby-dick", moby);
        inputs.put("moby-dick x3", moby + "\n\n" + moby + "\n\n" + moby);
        try (FakeGemini fake = FakeGemini.start()) {
            int n = 0;
            for (Map.Entry<String, String> input : inputs.entrySet()) {
                Path dir = root.resolve("child-" + n++);
                Files.createDirectories(dir.resolve("in"));
                long bytes = 0;
                if (input.getValue() != null) {
                    byte[] content = input.getValue().getBytes(StandardCharsets.UTF_8);
                    bytes = content.length;
                    BenchDocuments.write(dir.resolve("in"), "book.txt", content);
                }
                JsonNode child = runHeapChild(fake.baseUrl(), dir);
                String s = "peak heap: " + input.getKey();
                report.figure(s, "input", bytes, String.format("bytes (%.2f MB)", bytes / MB))
                        .figure(s, "documents ok", child.path("ok").asInt(), null)
                        .figure(s, "peak heap (sum of pool peaks)",
                                BenchReport.round(child.path("peakHeapSumBytes").asLong() / MB), "MB, -Xmx"
                                        + CHILD_HEAP + ", " + child.path("gc").asText())
                        .figure(s, "peak old generation", BenchReport.round(child.path("peakOldBytes").asLong() / MB),
                                "MB")
                        .figure(s, "heap used after full GC at the end",
                                BenchReport.round(child.path("usedAfterGcBytes").asLong() / MB), "MB")
                        .figure(s, "wall time", BenchReport.round(child.path("seconds").asDouble()), "s")
                        .detail(s, "pools", child.path("pools"));
            }
        }
        report.detail(null, "heap note", "peak heap is the application JVM only; extraction runs in separate worker "
                + "JVMs with their own heap (extract.worker-heap, 768m shipped), not counted here. The sum of pool "
                + "peaks over-states the true peak (pools peak at different times) and includes garbage not yet "
                + "collected.");
    }

    private static JsonNode runHeapChild(String baseUrl, Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(java.toString(), "-Xmx" + CHILD_HEAP, "-cp",
                System.getProperty("java.class.path"), PipelineBench.class.getName(), "--heap-child", baseUrl,
                dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        List<String> lines = Files.readAllLines(log);
        String line = lines.stream().filter(l -> l.startsWith(HEAP_LINE)).findFirst().orElseThrow(
                () -> new IllegalStateException("heap child exited with " + exit + " without figures:\n"
                        + String.join("\n", lines)));
        return BenchApp.JSON.readTree(line.substring(HEAP_LINE.length()));
    }

    /** In the child JVM: runs the application once on {@code dir/in}, then prints the heap figures. */
    private static void heapChild(String baseUrl, Path dir) throws Exception {
        BenchApp app = new BenchApp(dir).against(baseUrl, FakeGemini.KEY).set("ratelimit.preset", "tier3");
        long t0 = System.nanoTime();
        app.once(600);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long sum = 0;
        long old = 0;
        Map<String, Long> pools = new LinkedHashMap<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                long peak = pool.getPeakUsage().getUsed();
                pools.put(pool.getName(), peak);
                sum += peak;
                if (pool.getName().contains("Old") || pool.getName().contains("Tenured")) {
                    old += peak;
                }
            }
        }
        System.gc();
        long usedAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("ok", app.tracker().okCount());
        figures.put("seconds", seconds);
        figures.put("peakHeapSumBytes", sum);
        figures.put("peakOldBytes", old);
        figures.put("usedAfterGcBytes", usedAfterGc);
        figures.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        figures.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName())
                .collect(Collectors.joining(" + ")));
        figures.put("pools", pools);
        System.out.println(HEAP_LINE + BenchApp.JSON.writeValueAsString(figures));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}

package io.geminidigest.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings every test and benchmark run of the application starts from: the shipped configuration with only
 * folders and timings changed. One place, so the end-to-end harness, the route tests and the benchmarks agree.
 */
public final class TestSettings {

    private TestSettings() {
    }

    /** {@code in/} and {@code out/} under {@code root} (created), watched and written with 100 ms timings. */
    public static Map<String, String> folders(Path root) {
        Path in = root.resolve("in");
        Path out = root.resolve("out");
        try {
            Files.createDirectories(in);
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ingest.dir", in.toString());
        p.put("output.dir", out.toString());
        p.put("ingest.poll-delay", "100");
        p.put("ingest.read-lock-check-interval", "100");
        p.put("ingest.read-lock-min-age", "100");
        return p;
    }

    /**
     * {@link #folders} plus short retries and circuit-breaker wait, one small extraction worker, and the tier3
     * preset (the shipped default is the free tier, 5 requests a minute: tests that are not about limits run
     * unthrottled).
     */
    public static Map<String, String> quick(Path root) {
        Map<String, String> p = folders(root);
        p.put("gemini.retry.initial-delay-ms", "10");
        p.put("gemini.retry.max-delay-ms", "100");
        p.put("gemini.circuit.wait-seconds", "1");
        p.put("extract.workers", "1");
        p.put("extract.worker-heap", "512m");
        p.put("ratelimit.preset", "tier3");
        return p;
    }
}

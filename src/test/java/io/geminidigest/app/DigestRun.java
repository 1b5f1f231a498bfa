package io.geminidigest.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.main.Main;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.testing.FakeGemini;

/**
 * Runs the real application (Camel Main with the real route files) on temporary folders, against the fake Gemini
 * server, for end-to-end tests. Settings are the shipped ones, with only timings shortened.
 */
final class DigestRun {

    static final ObjectMapper JSON = new ObjectMapper();

    final Path in;
    final Path out;
    final Map<String, String> properties = new HashMap<>();
    RunTracker tracker;
    private Main main;
    private CompletableFuture<Void> running;

    DigestRun(Path root) {
        this.in = root.resolve("in");
        this.out = root.resolve("out");
        properties.putAll(io.geminidigest.testing.TestSettings.quick(root));
        // no HTTP server unless a test asks for one (HttpJobsApiTest)
        properties.put("http.enabled", "false");
        properties.put("jobs.poll-ms", "100");
        // the embedded message broker on a free port: test runs side by side never collide on 61616
        properties.put("broker.port", Integer.toString(freePort()));
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    DigestRun against(FakeGemini fake) {
        properties.put("gemini.base-url", fake.baseUrl());
        properties.put("gemini.api-key", FakeGemini.KEY);
        return this;
    }

    DigestRun set(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Copies a test sample into the input folder (under {@code as}, which may contain sub-folders). */
    DigestRun drop(String sample, String as) {
        Path target = in.resolve(as);
        String resource = sample.startsWith("/") ? sample : "/samples/" + sample;
        try (InputStream s = DigestRun.class.getResourceAsStream(resource)) {
            if (s == null) {
                throw new IllegalArgumentException("no test sample " + sample);
            }
            Files.createDirectories(target.getParent());
            // written beside, then moved: the drop is atomic as a careful user's would be
            Path tmp = target.resolveSibling("." + target.getFileName() + ".copying");
            Files.copy(s, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    DigestRun drop(String sample) {
        return drop(sample, sample.contains("/") ? sample.substring(sample.lastIndexOf('/') + 1) : sample);
    }

    DigestRun dropText(String name, String text) {
        try {
            Path target = in.resolve(name);
            Files.createDirectories(target.getParent());
            Files.writeString(target, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Runs {@code --once} to completion; returns the exit code the command line would return. */
    int once() throws Exception {
        properties.put("run.once", "true");
        tracker = new RunTracker();
        main = GeminiDigest.create(new CommandLine(Map.copyOf(properties), true, false), tracker, meters);
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        f.get(240, TimeUnit.SECONDS);
        return tracker.exitCode();
    }

    /** Starts watching (no --once) in the background. */
    DigestRun startWatching() {
        tracker = new RunTracker();
        try {
            main = GeminiDigest.create(new CommandLine(Map.copyOf(properties), false, false), tracker, meters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        running = CompletableFuture.runAsync(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return this;
    }

    void stop() throws Exception {
        if (main != null) {
            main.completed();
        }
        if (running != null) {
            running.get(60, TimeUnit.SECONDS);
        }
    }

    /** The application's meter registry (after a run). */
    io.micrometer.core.instrument.MeterRegistry meters() {
        return meters;
    }

    private final io.micrometer.core.instrument.MeterRegistry meters =
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);

    /** The running application's Camel context (after {@link #startWatching()}). */
    org.apache.camel.CamelContext camel() {
        return main.getCamelContext();
    }

    /** The background run of {@link #startWatching()}: completes (exceptionally, if start-up failed) when it ends. */
    CompletableFuture<Void> running() {
        return running;
    }

    Path output(String name) {
        return out.resolve(name);
    }

    JsonNode json(String name) throws IOException {
        return JSON.readTree(out.resolve(name).toFile());
    }

    /** Every regular file under the input folder that is not in .done or .failed. */
    List<Path> leftInInput() throws IOException {
        try (Stream<Path> s = Files.walk(in)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !in.relativize(p).toString().startsWith(".done"))
                    .filter(p -> !in.relativize(p).toString().startsWith(".failed")).toList();
        }
    }
}

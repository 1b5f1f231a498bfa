package io.geminidigest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.app.CommandLine;
import io.geminidigest.app.GeminiDigest;
import io.geminidigest.app.RunTracker;

/**
 * Runs the real application (Camel Main with the real route files) once ({@code --once}) on an input and an output
 * folder, for the benchmarks. A public copy of the few lines of the test harness {@code io.geminidigest.app.DigestRun}
 * that the benchmarks need: shipped settings, with only the folder polling shortened.
 */
public final class BenchApp {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path in;
    private final Path out;
    private final Map<String, String> properties = new HashMap<>();
    private RunTracker tracker;
    private java.util.function.Consumer<CamelContext> beforeStart = c -> { };
    private Main main;
    private CompletableFuture<Void> running;

    /** Input and output folders under {@code root} ({@code in/}, {@code out/}). */
    public BenchApp(Path root) {
        this.in = root.resolve("in");
        this.out = root.resolve("out");
        properties.putAll(io.geminidigest.testing.TestSettings.folders(root));
        properties.put("gemini.api-key", "");
    }

    /** Points the application at a fake (or any) Gemini server. */
    public BenchApp against(String baseUrl, String apiKey) {
        properties.put("gemini.base-url", baseUrl);
        properties.put("gemini.api-key", apiKey);
        return this;
    }

    public BenchApp set(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Called with the configured Camel context before its routes start (e.g. to listen to a bean). */
    public BenchApp beforeStart(java.util.function.Consumer<CamelContext> hook) {
        this.beforeStart = hook;
        return this;
    }

    public Path in() {
        return in;
    }

    public Path out() {
        return out;
    }

    public RunTracker tracker() {
        return tracker;
    }

    /** Runs {@code --once} to completion (at most {@code timeout}); returns the command line's exit code. */
    public int once(long timeoutSeconds) throws Exception {
        properties.put("run.once", "true");
        tracker = new RunTracker();
        Main main = GeminiDigest.create(new CommandLine(Map.copyOf(properties), true, false), tracker);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStart(BaseMainSupport m) {
                beforeStart.accept(m.getCamelContext());
            }
        });
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        f.get(timeoutSeconds, TimeUnit.SECONDS);
        return tracker.exitCode();
    }

    /** Starts the long-running mode (no {@code --once}: folder watcher, HTTP server, broker) in the background. */
    public BenchApp watch() throws IOException {
        properties.put("run.once", "false");
        tracker = new RunTracker();
        main = GeminiDigest.create(new CommandLine(Map.copyOf(properties), false, false), tracker);
        running = CompletableFuture.runAsync(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return this;
    }

    /** The Camel context of the application started by {@link #watch()}. */
    public org.apache.camel.CamelContext camel() {
        return main.getCamelContext();
    }

    /** Stops the application started by {@link #watch()} (at most {@code timeoutSeconds}). */
    public void stop(long timeoutSeconds) throws Exception {
        if (main != null) {
            main.completed();
        }
        if (running != null) {
            running.get(timeoutSeconds, TimeUnit.SECONDS);
        }
    }

    /** The JSON sidecars ({@code *.summary.json}) written to the output folder. */
    public List<JsonNode> sidecars() throws IOException {
        List<JsonNode> result = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".summary.json")).sorted().toList()) {
                result.add(JSON.readTree(p.toFile()));
            }
        }
        return result;
    }
}

package io.geminidigest.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.main.Main;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The command-line entry point: {@code java -jar gemini-digest.jar [--in DIR] [--out DIR] [--once]}.
 */
public final class GeminiDigest {

    private GeminiDigest() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine cli;
        try {
            cli = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(RunTracker.EXIT_CONFIGURATION);
            return;
        }
        if (cli.help()) {
            System.out.println(CommandLine.USAGE);
            return;
        }
        RunTracker tracker = new RunTracker();
        Main main = create(cli, tracker, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        try {
            main.run();
        } catch (Exception e) {
            // a configuration the application refuses (e.g. an open HTTP server without tokens): one clear line
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            System.err.println("gemini-digest: could not start: " + cause.getMessage());
            System.exit(RunTracker.EXIT_CONFIGURATION);
            return;
        }
        if (cli.once()) {
            System.out.println(tracker.summaryLine());
        }
        System.exit(tracker.exitCode());
    }

    /** The route file of the HTTP API (loaded only when the server runs). */
    static final String HTTP_ROUTES_FILE = "ingest-http.camel.yaml";

    /**
     * Whether the HTTP server runs: {@code http.enabled} (command line, GEMINI_DIGEST_CONFIG file, system property,
     * HTTP_ENABLED) when set; otherwise on in long-running mode, and in {@code --once} mode only when asked for with
     * {@code --http-port}.
     */
    static boolean httpEnabled(CommandLine cli, Properties overrides) {
        String set = overrides.getProperty("http.enabled", System.getProperty("http.enabled",
                System.getenv("HTTP_ENABLED")));
        if (set != null && !set.isBlank()) {
            return Boolean.parseBoolean(set.strip());
        }
        return !cli.once() || cli.overrides().containsKey("http.port");
    }

    /** Builds Camel Main with the application's configuration; also used by the tests. */
    public static Main create(CommandLine cli, RunTracker tracker) throws IOException {
        return create(cli, tracker, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Builds Camel Main with the given meter registry (where the gateway's counters go). */
    public static Main create(CommandLine cli, RunTracker tracker, io.micrometer.core.instrument.MeterRegistry meters)
            throws IOException {
        Main main = new Main();
        Properties overrides = new Properties();
        String external = System.getenv("GEMINI_DIGEST_CONFIG");
        if (external != null && !external.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(external))) {
                overrides.load(in);
            }
        }
        overrides.putAll(cli.overrides());
        boolean http = httpEnabled(cli, overrides);
        overrides.put("camel.server.enabled", Boolean.toString(http));
        if (!http) {
            // the REST routes need the server
            overrides.put("camel.main.routes-exclude-pattern", "**/" + HTTP_ROUTES_FILE);
        }
        main.setOverrideProperties(overrides);
        main.configure().addConfiguration(new DigestConfiguration(tracker, meters));
        main.addMainListener(new Startup(tracker));
        tracker.setOnComplete(main::completed);
        return main;
    }
}

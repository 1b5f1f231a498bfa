package io.geminidigest.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.main.Main;

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
        Main main = create(cli, tracker);
        main.run();
        if (cli.once()) {
            System.out.println(tracker.summaryLine());
        }
        System.exit(tracker.exitCode());
    }

    /** Builds Camel Main with the application's configuration; also used by the tests. */
    public static Main create(CommandLine cli, RunTracker tracker) throws IOException {
        return create(cli, tracker, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
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
        main.setOverrideProperties(overrides);
        main.configure().addConfiguration(new DigestConfiguration(tracker, meters));
        main.addMainListener(new Startup(tracker));
        tracker.setOnComplete(main::completed);
        return main;
    }
}

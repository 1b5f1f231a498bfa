package io.geminidigest.app;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line: {@code [--in DIR] [--out DIR] [--once] [--http-port PORT] [--help]}. Everything else is configuration
 * (application.properties, environment variables).
 *
 * @param overrides properties the command line sets (they win over application.properties)
 * @param once      process what is in the input folder, then exit
 * @param help      print usage and exit
 */
public record CommandLine(Map<String, String> overrides, boolean once, boolean help) {

    public static final String USAGE = """
            Usage: java -jar gemini-digest.jar [--in DIR] [--out DIR] [--once] [--http-port PORT]

              --in DIR    folder to watch for documents (default: data-in)
              --out DIR   folder for summaries and sidecars (default: data-out)
              --once      process what is in the input folder, print a summary line and exit:
                          0 when every document succeeded, 1 when some failed, 2 on a configuration error
              --http-port PORT
                          port of the HTTP jobs API, health and metrics (default 8080, on 127.0.0.1);
                          the server runs when watching, and with --once only when this is given
              --help      this text

            Without GEMINI_API_KEY the documents are extracted, chunked and estimated (tokens, cost), but not sent.
            Settings: src/main/resources/application.properties; any key can be set as an environment variable
            (gemini.model -> GEMINI_MODEL) or in a file named by GEMINI_DIGEST_CONFIG.
            """;

    public static CommandLine parse(String... args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean once = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--in" -> overrides.put("ingest.dir", value(args, ++i, a));
                case "--out" -> overrides.put("output.dir", value(args, ++i, a));
                case "--http-port" -> overrides.put("http.port", port(args, ++i, a));
                case "--once" -> once = true;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown argument: " + a + "\n\n" + USAGE);
            }
        }
        if (once) {
            overrides.put("run.once", "true");
        }
        return new CommandLine(Map.copyOf(overrides), once, help);
    }

    private static String port(String[] args, int i, String option) {
        if (i >= args.length || !args[i].matches("\\d{1,5}") || Integer.parseInt(args[i]) > 65535) {
            throw new IllegalArgumentException(option + " needs a port number (0-65535)\n\n" + USAGE);
        }
        return args[i];
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a folder\n\n" + USAGE);
        }
        return args[i];
    }
}

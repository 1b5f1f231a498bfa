package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Parsing of the command line, and when the HTTP server runs. */
class CommandLineTest {

    @Test
    void httpPortIsASettingAndAsksForTheServerInOnceMode() {
        CommandLine cli = CommandLine.parse("--once", "--http-port", "9090");
        assertThat(cli.overrides()).containsEntry("http.port", "9090").containsEntry("run.once", "true");
        assertThat(GeminiDigest.httpEnabled(cli, props(cli.overrides()))).isTrue();
        assertThatThrownBy(() -> CommandLine.parse("--http-port", "http")).hasMessageContaining("port number");
        assertThatThrownBy(() -> CommandLine.parse("--http-port")).hasMessageContaining("port number");
    }

    @Test
    void theServerRunsWhenWatchingAndNotInOnceModeUnlessAsked() {
        CommandLine once = CommandLine.parse("--once");
        assertThat(GeminiDigest.httpEnabled(once, props(once.overrides()))).isFalse();
        CommandLine watching = CommandLine.parse();
        assertThat(GeminiDigest.httpEnabled(watching, props(watching.overrides()))).isTrue();
        assertThat(GeminiDigest.httpEnabled(watching, props(Map.of("http.enabled", "false")))).isFalse();
    }

    private static Properties props(Map<String, String> map) {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }
}

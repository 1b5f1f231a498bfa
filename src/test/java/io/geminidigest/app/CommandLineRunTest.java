package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.geminidigest.testing.FakeGemini;

/**
 * The command line as a user runs it: a separate JVM, the key and the base URL from the environment
 * ({@code GEMINI_API_KEY}, {@code GEMINI_BASE_URL}, {@code GEMINI_MODEL}), exit codes, the summary line, and the key in
 * no log line and no output file.
 */
class CommandLineRunTest {

    /** A key shaped like a real one, so masking by shape is exercised too. */
    static final String SECRET_KEY = "AIzaFAKEtestKEY0123456789abcdefghijklmn";

    FakeGemini fake;

    @TempDir
    Path root;

    @BeforeEach
    void start() {
        fake = FakeGemini.start().validKey(SECRET_KEY);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    record Result(int exit, String output) {
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GeminiDigest.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().remove("GEMINI_API_KEY");
        pb.environment().putAll(env);
        pb.environment().put("RATELIMIT_PRESET", "tier3");
        pb.environment().put("INGEST_READ_LOCK_MIN_AGE", "100");
        pb.environment().put("INGEST_READ_LOCK_CHECK_INTERVAL", "100");
        pb.environment().put("BROKER_PORT", Integer.toString(DigestRun.freePort()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private void drop(String sample) throws IOException {
        Files.createDirectories(root.resolve("in"));
        Files.copy(getClass().getResourceAsStream("/samples/" + sample), root.resolve("in").resolve(sample));
    }

    private String everythingWritten() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".json")
                    || f.toString().endsWith(".md")).toList()) {
                sb.append(Files.readString(f));
            }
        }
        return sb.toString();
    }

    @Test
    void summarizesWithTheKeyFromTheEnvironmentAndNeverShowsIt() throws Exception {
        drop("french.utf8.txt");
        drop("alice.txt");

        Result r = run(Map.of("GEMINI_API_KEY", SECRET_KEY, "GEMINI_BASE_URL", fake.baseUrl()),
                "--in", "in", "--out", "out", "--once");

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("gemini-digest: 2 ok, 0 failed");
        assertThat(r.output()).doesNotContain(SECRET_KEY).doesNotContain(SECRET_KEY.substring(4, 20));
        assertThat(root.resolve("out/alice.txt.summary.md")).exists();
        assertThat(everythingWritten()).doesNotContain(SECRET_KEY);
        assertThat(fake.requests()).allMatch(req -> SECRET_KEY.equals(req.header("x-goog-api-key")));
    }

    @Test
    void aWrongKeyExitsWithTwoAndOneClearLineWithoutTouchingTheInput() throws Exception {
        drop("alice.txt");
        String wrong = "AIzaWRONGkeyWRONGkeyWRONGkeyWRONGkey1234";

        Result r = run(Map.of("GEMINI_API_KEY", wrong, "GEMINI_BASE_URL", fake.baseUrl()),
                "--in", "in", "--out", "out", "--once");

        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("API key is not valid").contains("GEMINI_API_KEY");
        assertThat(r.output()).doesNotContain(wrong);
        assertThat(root.resolve("in/alice.txt")).exists();
        assertThat(root.resolve("in/.failed")).doesNotExist();
    }

    @Test
    void anUnknownModelFromTheEnvironmentExitsWithTwo() throws Exception {
        drop("alice.txt");

        Result r = run(Map.of("GEMINI_API_KEY", SECRET_KEY, "GEMINI_BASE_URL", fake.baseUrl(), "GEMINI_MODEL",
                "gemini-9-imaginary"), "--in", "in", "--out", "out", "--once");

        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("gemini-9-imaginary").contains("GEMINI_MODEL");
        assertThat(root.resolve("in/alice.txt")).exists();
    }

    @Test
    void withoutAKeyItEstimatesAndSaysHowToSetTheKey() throws Exception {
        drop("alice.txt");

        Result r = run(Map.of("GEMINI_BASE_URL", fake.baseUrl()), "--in", "in", "--out", "out", "--once");

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("GEMINI_API_KEY is not set").contains("1 estimated only");
        assertThat(fake.requests()).isEmpty();
        assertThat(root.resolve("out/alice.txt.summary.json")).exists();
    }

    @Test
    void aMistypedArgumentPrintsUsageAndExitsWithTwo() throws Exception {
        Result r = run(Map.of(), "--inn", "x");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output()).contains("unknown argument: --inn").contains("Usage:");
    }
}

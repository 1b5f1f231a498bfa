package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.Fault;
import io.geminidigest.testing.RecordedRequest;

/**
 * The gateway under real limits, against a fake that enforces rolling-window quotas like the real API, with both
 * clocks sped up ({@code ratelimit.time-scale}).
 */
class RateLimitedGatewayTest {

    /**
     * A "minute" lasts 600 ms. The pacing test uses a slower clock (3 s): on a loaded 2-core machine the time between
     * admitting a request and its arrival at the server varies by tens of milliseconds, which is noise against a
     * 60 s window but not against a 600 ms one.
     */
    private static final double SCALE = 0.01;
    private static final double PACING_SCALE = 0.05;

    FakeGemini fake;

    @TempDir
    Path root;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    private DigestRun run(double scale, int rpm, int tpm) {
        return new DigestRun(root).against(fake).set("ratelimit.preset", "tier1")
                .set("ratelimit.time-scale", Double.toString(scale))
                .set("ratelimit.requests-per-minute", Integer.toString(rpm))
                .set("ratelimit.tokens-per-minute", Integer.toString(tpm))
                .set("ratelimit.requests-per-day", "0").set("ingest.concurrency", "4");
    }

    /** Documents of 5K to 20K tokens, cut from the novel. */
    private static void dropDocuments(DigestRun run, int count) throws Exception {
        String moby = new String(RateLimitedGatewayTest.class.getResourceAsStream("/samples/moby-dick.txt")
                .readAllBytes(), StandardCharsets.UTF_8);
        int at = 0;
        for (int i = 0; i < count; i++) {
            int length = 20_000 + (i * 7_919) % 60_000;
            run.dropText("doc-" + i + ".txt", moby.substring(at, at + length));
            at += length;
        }
    }

    @Test
    void withLimitsAtTheServersOwnOurPacingCausesNo429() throws Exception {
        fake = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(PACING_SCALE)).limits(60, 32_000, 0);
        DigestRun run = run(PACING_SCALE, 60, 32_000);
        dropDocuments(run, 12);

        assertThat(run.once()).isEqualTo(0);

        assertThat(run.tracker.okCount()).isEqualTo(12);
        assertThat(fake.countStatus(429)).as("429s caused by our own pacing").isZero();
        assertThat(fake.maxPromptTokensSeen()).isLessThanOrEqualTo(32_000);
    }

    @Test
    void aServerWhoseRealLimitIsLowerThanConfiguredIsAdaptedToAndEverythingCompletes() throws Exception {
        fake = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(SCALE)).limits(60, 20_000, 0);
        DigestRun run = run(SCALE, 60, 32_000).set("chunk.pricing-cliff-tokens", "21000")
                .set("chunk.cliff-margin", "0").set("gemini.retry.max-attempts", "30");
        dropDocuments(run, 8);

        assertThat(run.once()).isEqualTo(0);

        assertThat(run.tracker.okCount()).isEqualTo(8);
        assertThat(fake.countStatus(429)).as("the server did push back").isPositive();
        assertThat(run.leftInInput()).isEmpty();
    }

    @Test
    void aPerDayQuotaParksWithoutFailingAnythingAndResumesAfterTheReset() throws Exception {
        double scale = 0.0001; // a "day" lasts 8.6 s
        fake = FakeGemini.start();
        fake.failNext(Fault.quotaPerDay());
        DigestRun run = run(scale, 0, 0).drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(0);

        assertThat(run.tracker.failedCount()).isZero();
        assertThat(run.in.resolve(".failed")).doesNotExist();
        assertThat(run.json("french.utf8.txt.summary.json").path("status").asText()).isEqualTo("ok");
        assertThat(fake.count("generateContent")).isEqualTo(2);
        // the status a person or a health check reads: parked, then taking work again
        JsonNode status = DigestRun.JSON.readTree(run.out.resolve(".gemini-digest/status.json").toFile());
        assertThat(status.path("parked").asBoolean()).isFalse();
    }

    @Test
    void tenPercentServerErrorsAndFivePercentDroppedConnectionsStillCompleteEveryDocument() throws Exception {
        fake = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(SCALE)).randomFaults(7, 0.10, 0.05);
        DigestRun run = run(SCALE, 0, 0).set("gemini.retry.max-attempts", "10")
                .set("gemini.circuit.minimum-calls", "100");
        dropDocuments(run, 15);
        for (int i = 0; i < 15; i++) {
            run.dropText("small-" + i + ".txt", "A short note number " + i + " about whales and ships.");
        }

        assertThat(run.once()).isEqualTo(0);

        assertThat(run.tracker.okCount()).isEqualTo(30);
        assertThat(fake.statusCounts().keySet()).as("faults were injected").anyMatch(s -> s >= 500 || s == 0);
    }

    @Test
    void theCircuitOpensOnARunOfServerErrorsThenRecovers() throws Exception {
        fake = FakeGemini.start();
        fake.failNext(Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503),
                Fault.status(503));
        DigestRun run = run(1.0, 0, 0).set("gemini.circuit.minimum-calls", "5")
                .set("gemini.circuit.sliding-window", "10").set("gemini.circuit.wait-seconds", "2")
                .set("gemini.retry.max-attempts", "20").drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(0);

        assertThat(run.json("french.utf8.txt.summary.json").path("status").asText()).isEqualTo("ok");
        // retries come within 100 ms; a pause of the breaker's wait shows it was open and calls waited for it
        List<RecordedRequest> calls = fake.requests().stream().filter(RecordedRequest::isGenerate).toList();
        int firstPause = -1;
        for (int i = 1; i < calls.size() && firstPause < 0; i++) {
            if (Duration.between(calls.get(i - 1).at(), calls.get(i).at()).toMillis() >= 1_800) {
                firstPause = i;
            }
        }
        // five calls in the window (the preflight's success and four failures, or five failures) open it; a failed
        // half-open probe may open it again later
        assertThat(firstPause).as("calls paused while the circuit was open, after a run of failures")
                .isBetween(4, 5);
        assertThat(calls.size()).isBetween(6, 7);
    }

    @Test
    void aParkedModelFallsBackToTheNextConfiguredModelAndTheSidecarSaysWhichAnswered() throws Exception {
        fake = FakeGemini.start().model("gemini-2.5-flash", 1_048_576, 65_536);
        fake.failNext(Fault.quotaPerDay());
        DigestRun run = run(1.0, 0, 0).set("gemini.fallback-models", "gemini-2.5-flash").drop("french.utf8.txt")
                .drop("alice.txt");

        assertThat(run.once()).isEqualTo(0);

        JsonNode calls = run.json("french.utf8.txt.summary.json").path("calls");
        JsonNode other = run.json("alice.txt.summary.json").path("calls");
        // the day quota hit one call; that call and every later one went to the fallback, without waiting for the reset
        assertThat(calls.get(0).path("model").asText() + other.get(0).path("model").asText())
                .contains("gemini-2.5-flash");
        assertThat(fake.requests().stream().filter(RecordedRequest::isGenerate).map(RecordedRequest::model).toList())
                .containsSubsequence("gemini-3-pro-preview", "gemini-2.5-flash");
        assertThat(run.tracker.failedCount()).isZero();
    }

    @Test
    void aModelStillOverloadedAfterItsRetriesFallsBack() throws Exception {
        fake = FakeGemini.start().model("gemini-2.5-flash", 1_048_576, 65_536);
        fake.failNext(Fault.status(503), Fault.status(503));
        DigestRun run = run(1.0, 0, 0).set("gemini.fallback-models", "gemini-2.5-flash")
                .set("gemini.retry.max-attempts", "2").set("gemini.circuit.minimum-calls", "100")
                .drop("french.utf8.txt");

        assertThat(run.once()).isEqualTo(0);

        JsonNode call = run.json("french.utf8.txt.summary.json").path("calls").get(0);
        assertThat(call.path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(fake.count("generateContent")).isEqualTo(3);
    }
}

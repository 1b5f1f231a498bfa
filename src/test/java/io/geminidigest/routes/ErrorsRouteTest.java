package io.geminidigest.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import org.apache.camel.BeanInject;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.app.JobOptions;
import io.geminidigest.app.PipelineSupport;
import io.geminidigest.app.RunTracker;
import io.geminidigest.extract.ExtractionException;
import io.geminidigest.extract.ExtractionFailure;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.job.Job;

/**
 * routes/errors.camel.yaml alone: the route configuration {@code document-errors} applied to a test entry route that
 * opts into it like the folder ingest does (same exchange properties), with a mock pipeline that fails on demand;
 * and the {@code document-failed} route with the production beans.
 */
@CamelMainTest(properties = "camel.main.routes-include-pattern=classpath:routes/errors.camel.yaml")
class ErrorsRouteTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    Path in;
    Path out;
    final RunTracker tracker = new RunTracker();

    @Produce("direct:test-entry")
    ProducerTemplate entry;

    @EndpointInject("mock:pipeline")
    MockEndpoint pipelineMock;

    @BeanInject("pipeline")
    PipelineSupport pipeline;

    @Configure
    void configure(MainConfigurationProperties configuration) {
        var settings = RouteTestSupport.settings(root);
        in = Path.of(settings.get("ingest.dir"));
        out = Path.of(settings.get("output.dir"));
        RouteTestSupport.wire(configuration, settings, tracker);
        configuration.addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                // what ingest-folder does around direct:process-job, without the file consumer
                from("direct:test-entry").routeId("test-entry").routeConfigurationId("document-errors")
                        .bean(tracker, "started")
                        .setProperty("archiveDone", simple("{{ingest.dir}}/.done/${exchangeProperty.sourceName}"))
                        .setProperty("archiveFailed", simple("{{ingest.dir}}/.failed/${exchangeProperty.sourceName}"))
                        .setProperty("archiveStay", simple("{{ingest.dir}}/${exchangeProperty.sourceName}"))
                        .setProperty("archiveTo", exchangeProperty("archiveFailed"))
                        .setProperty("claim", method("pipeline", "claim(${exchangeProperty.job})"))
                        .to("mock:pipeline")
                        .setProperty("archiveTo", exchangeProperty("archiveDone"));
            }
        });
    }

    private Exchange failWith(String name, String sha256, Exception failure) {
        pipelineMock.whenAnyExchangeReceived(e -> {
            throw failure;
        });
        Job job = new Job(UUID.randomUUID().toString(), "folder", name, in.resolve(name), sha256, 10, Instant.now());
        return entry.send(e -> {
            e.setProperty("job", job);
            e.setProperty("sourceName", name);
        });
    }

    private boolean released(String sha256) {
        Job probe = new Job(UUID.randomUUID().toString(), "folder", "probe.txt", in.resolve("probe.txt"), sha256, 1,
                Instant.now());
        return pipeline.claim(probe, JobOptions.NONE).isNew();
    }

    @Test
    void anOrdinaryFailureWritesAnErrorReportAndArchivesToFailed() throws Exception {
        Exchange done = failWith("sub/dir/report.pdf", "11".repeat(32), new IllegalStateException("unexpected"));

        // handled: the folder consumer commits, and moves the input where archiveTo says
        assertThat(done.getException()).isNull();
        assertThat(done.getProperty("archiveTo", String.class)).isEqualTo(in + "/.failed/sub/dir/report.pdf");
        Path error = out.resolve("sub/dir/report.pdf.error.json");
        assertThat(error).exists();
        JsonNode report = JSON.readTree(error.toFile());
        assertThat(report.path("status").asText()).isEqualTo("failed");
        assertThat(report.path("source").asText()).isEqualTo("sub/dir/report.pdf");
        assertThat(report.path("sha256").asText()).isEqualTo("11".repeat(32));
        assertThat(report.path("stage").asText()).isEqualTo("pipeline");
        assertThat(report.path("outcome").asText()).isEqualTo("internal-error");
        assertThat(report.path("message").asText()).contains("IllegalStateException: unexpected");
        assertThat(report.path("movedTo").asText()).isEqualTo(in + "/.failed/sub/dir/report.pdf");
        try (var files = Files.walk(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".writing-"));
        }
        assertThat(released("11".repeat(32))).isTrue();
        assertThat(tracker.failedCount()).isEqualTo(1);
        assertThat(tracker.inFlight()).isZero();
        assertThat(tracker.isFatal()).isFalse();
    }

    @Test
    void anExtractionFailureIsReportedWithItsKindAndAdvice() throws Exception {
        Exchange done = failWith("locked.pdf", "22".repeat(32), new RuntimeException("wrapped by a bean call",
                new ExtractionException(ExtractionFailure.ENCRYPTED, "locked.pdf", "application/pdf",
                        "the document is password protected")));

        assertThat(done.getException()).isNull();
        JsonNode report = JSON.readTree(out.resolve("locked.pdf.error.json").toFile());
        assertThat(report.path("stage").asText()).isEqualTo("extract");
        assertThat(report.path("outcome").asText()).isEqualTo("encrypted");
        assertThat(report.path("advice").asText()).isEqualTo(ExtractionFailure.ENCRYPTED.advice());
    }

    @Test
    void aGeminiFailureOfOneDocumentIsAnOrdinaryFailure() throws Exception {
        Exchange done = failWith("blocked.txt", "33".repeat(32),
                new GeminiException(GeminiErrorKind.BLOCKED_PROMPT, "the prompt was blocked: OTHER"));

        assertThat(done.getException()).isNull();
        JsonNode report = JSON.readTree(out.resolve("blocked.txt.error.json").toFile());
        assertThat(report.path("stage").asText()).isEqualTo("summarize");
        assertThat(report.path("outcome").asText()).isEqualTo("blocked-prompt");
        assertThat(done.getProperty("archiveTo", String.class)).isEqualTo(in + "/.failed/blocked.txt");
        assertThat(tracker.isFatal()).isFalse();
        assertThat(tracker.failedCount()).isEqualTo(1);
    }

    @Test
    void aFatalGeminiFailureLeavesTheInputInPlaceAndStopsTheRun() throws Exception {
        Exchange done = failWith("in-place.txt", "44".repeat(32),
                new GeminiException(GeminiErrorKind.INVALID_API_KEY, "API key not valid. Please pass a valid API key."));

        // not handled: the folder consumer rolls back and leaves the input where it is
        assertThat(done.getException()).isInstanceOf(GeminiException.class);
        assertThat(done.getProperty("archiveTo", String.class)).isEqualTo(in + "/in-place.txt");
        assertThat(out.resolve("in-place.txt.error.json")).doesNotExist();
        assertThat(released("44".repeat(32))).isTrue();
        assertThat(tracker.isFatal()).isTrue();
        assertThat(tracker.exitCode()).isEqualTo(RunTracker.EXIT_CONFIGURATION);
        assertThat(tracker.failedCount()).isZero();
        assertThat(tracker.inFlight()).isZero();
    }
}

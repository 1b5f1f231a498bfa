package io.geminidigest.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.geminidigest.app.RunTracker;
import io.geminidigest.job.Job;

/**
 * routes/ingest-folder.camel.yaml with the error handling it opts into (routes/errors.camel.yaml); the job pipeline
 * (direct:process-job) is a mock.
 */
@CamelMainTest(properties = "camel.main.routes-include-pattern=classpath:routes/ingest-folder.camel.yaml,classpath:routes/errors.camel.yaml",
        advices = @AdviceRouteMapping(route = "ingest-folder",
        advice = IngestFolderRouteTest.MockPipeline.class))
class IngestFolderRouteTest {

    /** The pipeline replaced by a mock endpoint. */
    public static class MockPipeline extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToUri("direct:process-job").replace().to("mock:process-job");
        }
    }

    @TempDir
    Path root;

    Path in;
    Path out;
    final RunTracker tracker = new RunTracker();

    @BeanInject
    CamelContext context;

    @EndpointInject("mock:process-job")
    MockEndpoint processJob;

    @Configure
    void configure(MainConfigurationProperties configuration) {
        var settings = RouteTestSupport.settings(root);
        // a key: not estimate-only mode, so inputs are moved (no call reaches Gemini: the pipeline is a mock)
        settings.put("gemini.api-key", "route-test-key");
        in = Path.of(settings.get("ingest.dir"));
        out = Path.of(settings.get("output.dir"));
        RouteTestSupport.wire(configuration, settings, tracker);
    }

    private void startIngest() throws Exception {
        // not started with Camel: production starts it after the preflight
        assertThat(context.getRouteController().getRouteStatus("ingest-folder").isStopped()).isTrue();
        context.getRouteController().startRoute("ingest-folder");
    }

    @Test
    void aDroppedFileBecomesOneJobAndIsMovedToDoneUnderItsSubFolders() throws Exception {
        Path dropped = RouteTestSupport.copySample("alice.txt", in.resolve("books/classics/alice.txt"));
        byte[] content = Files.readAllBytes(dropped);
        processJob.expectedMessageCount(1);

        startIngest();

        processJob.assertIsSatisfied(20_000);
        Job job = processJob.getReceivedExchanges().get(0).getProperty("job", Job.class);
        assertThat(job.name()).isEqualTo("books/classics/alice.txt");
        assertThat(job.fileName()).isEqualTo("alice.txt");
        assertThat(job.source()).isEqualTo("folder");
        assertThat(job.bytes()).isEqualTo(content.length);
        assertThat(job.sha256()).isEqualTo(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(processJob.getReceivedExchanges().get(0).getProperty("sourceName", String.class))
                .isEqualTo("books/classics/alice.txt");

        Path done = in.resolve(".done/books/classics/alice.txt");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(done));
        assertThat(dropped).doesNotExist();
        assertThat(done).hasBinaryContent(content);
        assertThat(in.resolve(".failed")).doesNotExist();
        assertThat(tracker.failedCount()).isZero();
    }

    @Test
    void hiddenAndTemporaryFilesAreNeverTaken() throws Exception {
        String[] ignored = { "x.tmp", ".hidden", "~$doc.docx", "a.part", "sub/download.crdownload", "notes.txt~",
                ".hidden-folder/inside.txt" };
        for (String name : ignored) {
            Path p = in.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "not a document yet: " + name);
        }
        RouteTestSupport.copySample("french.utf8.txt", in.resolve("z-real.txt"));
        processJob.expectedMessageCount(1);

        startIngest();

        processJob.assertIsSatisfied(20_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(in.resolve(".done/z-real.txt")));
        // several more polls see the same folder: still only the one document
        NotifyBuilder polls = new NotifyBuilder(context).fromRoute("ingest-folder").whenDone(5).create();
        assertThat(polls.matches(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(processJob.getReceivedExchanges()).hasSize(1);
        assertThat(processJob.getReceivedExchanges().get(0).getProperty("job", Job.class).name())
                .isEqualTo("z-real.txt");
        for (String name : ignored) {
            assertThat(in.resolve(name)).as(name).exists();
        }
    }

    @Test
    void aFailedJobMovesTheInputToFailedAndWritesAnErrorReport() throws Exception {
        Path dropped = RouteTestSupport.copySample("alice.txt", in.resolve("reports/2025/q1.txt"));
        processJob.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("the pipeline broke");
        });
        processJob.expectedMessageCount(1);

        startIngest();

        processJob.assertIsSatisfied(20_000);
        Path failed = in.resolve(".failed/reports/2025/q1.txt");
        Path error = out.resolve("reports/2025/q1.txt.error.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(failed) && Files.exists(error));
        assertThat(dropped).doesNotExist();
        assertThat(in.resolve(".done")).doesNotExist();

        JsonNode report = new ObjectMapper().readTree(error.toFile());
        assertThat(report.path("source").asText()).isEqualTo("reports/2025/q1.txt");
        assertThat(report.path("outcome").asText()).isEqualTo("internal-error");
        assertThat(report.path("message").asText()).contains("the pipeline broke");
        assertThat(report.path("movedTo").asText()).endsWith(".failed/reports/2025/q1.txt");
        await().atMost(Duration.ofSeconds(5)).until(() -> tracker.failedCount() == 1 && tracker.inFlight() == 0);
        try (var files = Files.walk(out)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch(n -> n.startsWith(".writing-"));
        }
    }
}

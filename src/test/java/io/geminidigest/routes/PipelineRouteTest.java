package io.geminidigest.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.geminidigest.app.GeminiAccess;
import io.geminidigest.app.JobOptions;
import io.geminidigest.app.PipelineSupport;
import io.geminidigest.app.RunTracker;
import io.geminidigest.job.Claim;
import io.geminidigest.job.Job;

/** routes/pipeline.camel.yaml alone: every step it hands work to is a mock endpoint. */
@CamelMainTest(properties = "camel.main.routes-include-pattern=classpath:routes/pipeline.camel.yaml",
        advices = { @AdviceRouteMapping(route = "process-job", advice = PipelineRouteTest.MockJobSteps.class),
                @AdviceRouteMapping(route = "process-document", advice = PipelineRouteTest.MockDocumentSteps.class) })
class PipelineRouteTest {

    /** The steps process-job hands work to, replaced by mock:<name>. */
    public static class MockJobSteps extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToUri("direct:write-duplicate").replace().to("mock:write-duplicate");
            weaveByToUri("direct:process-media").replace().to("mock:process-media");
        }
    }

    /** The steps process-document hands work to, replaced by mock:<name>. */
    public static class MockDocumentSteps extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            for (String step : List.of("extract-document", "summarize-document", "write-estimate", "write-summary",
                    "process-media")) {
                weaveByToUri("direct:" + step).replace().to("mock:" + step);
            }
        }
    }

    static final List<String> STEPS = List.of("write-duplicate", "extract-document", "summarize-document",
            "write-estimate", "write-summary", "process-media");

    @TempDir
    Path root;

    @BeanInject
    CamelContext context;

    @Produce("direct:process-job")
    ProducerTemplate processJob;

    @BeanInject("pipeline")
    PipelineSupport pipeline;

    @EndpointInject("mock:write-duplicate")
    MockEndpoint writeDuplicate;

    @EndpointInject("mock:extract-document")
    MockEndpoint extract;

    @EndpointInject("mock:summarize-document")
    MockEndpoint summarize;

    @EndpointInject("mock:write-estimate")
    MockEndpoint writeEstimate;

    @EndpointInject("mock:write-summary")
    MockEndpoint writeSummary;

    final List<String> order = new CopyOnWriteArrayList<>();

    @Configure
    void configure(MainConfigurationProperties configuration) {
        RouteTestSupport.wire(configuration, RouteTestSupport.settings(root), new RunTracker());
    }

    /** A key is configured: summaries, not estimates (no call is made, every step is a mock). */
    @ReplaceInRegistry
    GeminiAccess geminiAccess() {
        return new GeminiAccess(true, "gemini-3-pro-preview");
    }

    @BeforeEach
    void recordTheOrderOfSteps() {
        for (String step : STEPS) {
            context.getEndpoint("mock:" + step, MockEndpoint.class).whenAnyExchangeReceived(e -> order.add(step));
        }
    }

    private Job job(String name, String sha256) {
        Path file = root.resolve(name);
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.writeString(file, "Some text of a document.");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Job(UUID.randomUUID().toString(), "folder", name, file, sha256, 10, Instant.now());
    }

    private Exchange process(Job job) {
        return processJob.send(e -> e.setProperty("job", job));
    }

    @Test
    void onlyThePipelineRouteIsLoaded() {
        assertThat(context.getRoutes()).extracting(org.apache.camel.Route::getRouteId)
                .containsExactlyInAnyOrder("process-job", "process-document", RouteTestSupport.JOB_FINISHED_STUB);
    }

    @Test
    void newContentIsExtractedSummarizedAndWritten() throws Exception {
        Exchange done = process(job("a/new.txt", "aa".repeat(32)));

        assertThat(done.getException()).isNull();
        assertThat(order).containsExactly("extract-document", "summarize-document", "write-summary");
        assertThat(done.getProperty("claim", Claim.class).isNew()).isTrue();
        assertThat(done.getProperty("startedAt")).isNotNull();
        Job seen = writeSummary.getReceivedExchanges().get(0).getProperty("job", Job.class);
        assertThat(seen.name()).isEqualTo("a/new.txt");
        MockEndpoint.assertIsSatisfied(writeDuplicate, writeEstimate);
    }

    @Test
    void contentAlreadySummarizedGoesToTheDuplicateWriterOnly() throws Exception {
        Job first = job("first.txt", "bb".repeat(32));
        pipeline.claim(first, JobOptions.NONE);
        pipeline.complete(first, JobOptions.NONE);
        writeDuplicate.expectedMessageCount(1);

        Exchange done = process(job("later/copy.txt", first.sha256()));

        assertThat(done.getException()).isNull();
        writeDuplicate.assertIsSatisfied();
        assertThat(order).containsExactly("write-duplicate");
        Claim claim = done.getProperty("claim", Claim.class);
        assertThat(claim.state()).isEqualTo(Claim.State.DONE);
        assertThat(claim.source()).isEqualTo("first.txt");
    }

    @Test
    void contentBeingSummarizedUnderAnotherNameIsADuplicateToo() {
        Job first = job("busy.txt", "cc".repeat(32));
        assertThat(pipeline.claim(first, JobOptions.NONE).isNew()).isTrue();

        Exchange done = process(job("copy-of-busy.txt", first.sha256()));

        assertThat(done.getException()).isNull();
        assertThat(order).containsExactly("write-duplicate");
        assertThat(done.getProperty("claim", Claim.class).state()).isEqualTo(Claim.State.BUSY);
    }

    @Test
    void aFailingStepStopsTheJobAndReachesTheCaller() {
        extract.whenAnyExchangeReceived(e -> {
            order.add("extract-document");
            throw new IllegalStateException("cannot read");
        });

        Exchange done = process(job("broken.txt", "ee".repeat(32)));

        // no error handler here: the entry route's error handling (errors.camel.yaml) decides
        assertThat(done.getException()).isInstanceOf(IllegalStateException.class).hasMessage("cannot read");
        assertThat(order).containsExactly("extract-document");
    }

    @Test
    void aPictureTakesTheMediaPathWhateverItsName() throws Exception {
        Job job = job("photo.pdf", "ee".repeat(32));
        java.nio.file.Files.write(job.file(), getClass().getResourceAsStream("/samples/hostile/png-named.pdf")
                .readAllBytes());

        Exchange done = process(job);

        assertThat(done.getException()).isNull();
        assertThat(order).containsExactly("process-media");
        assertThat(done.getProperty("detectedType", String.class)).isEqualTo("image/png");
    }
}

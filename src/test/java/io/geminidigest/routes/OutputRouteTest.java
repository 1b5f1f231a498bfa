package io.geminidigest.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
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
import io.geminidigest.extract.DocumentMetadata;
import io.geminidigest.extract.Extracted;
import io.geminidigest.extract.ExtractionStats;
import io.geminidigest.gemini.GeminiRest.UsageMetadata;
import io.geminidigest.gemini.GenerateResult;
import io.geminidigest.job.Claim;
import io.geminidigest.job.Job;
import io.geminidigest.summarize.ChunkPlan;
import io.geminidigest.summarize.ChunkPlanner;
import io.geminidigest.summarize.MapReduceSummarizer;
import io.geminidigest.summarize.SummaryInput;
import io.geminidigest.summarize.SummaryRun;

/** routes/output.camel.yaml alone: each write route called on its direct: endpoint with the properties it reads. */
@CamelMainTest(properties = "camel.main.routes-include-pattern=classpath:routes/output.camel.yaml")
class OutputRouteTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TEXT = "Alice was beginning to get very tired of sitting by her sister on the bank.";

    @TempDir
    Path root;

    Path in;
    Path out;
    final RunTracker tracker = new RunTracker();

    @BeanInject
    CamelContext context;

    @Produce
    ProducerTemplate template;

    @BeanInject("pipeline")
    PipelineSupport pipeline;

    @BeanInject("mapReduce")
    MapReduceSummarizer mapReduce;

    @BeanInject("chunkPlanner")
    ChunkPlanner chunkPlanner;

    @Configure
    void configure(MainConfigurationProperties configuration) {
        var settings = RouteTestSupport.settings(root);
        in = Path.of(settings.get("ingest.dir"));
        out = Path.of(settings.get("output.dir"));
        RouteTestSupport.wire(configuration, settings, tracker);
    }

    private Job job(String name, String sha256) {
        return new Job(UUID.randomUUID().toString(), "folder", name, in.resolve(name), sha256, TEXT.length(),
                Instant.now());
    }

    private static Extracted extracted() {
        return new Extracted(TEXT, new DocumentMetadata("text/plain", "Alice", "Lewis Carroll", "en", null, "UTF-8"),
                new ExtractionStats(TEXT.length(), false, 12, 0));
    }

    private Exchange send(String uri, Map<String, Object> properties) {
        Exchange sent = template.send(uri, e -> properties.forEach(e::setProperty));
        assertThat(sent.getException()).isNull();
        return sent;
    }

    private List<String> leftoverTempFiles() throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".writing-")).toList();
        }
    }

    @Test
    void writesTheSummaryAndItsSidecarUnderTheSameSubFoldersAndRecordsTheContent() throws Exception {
        Job job = job("a/b/report.txt", "ab".repeat(32));
        Claim claim = pipeline.claim(job, JobOptions.NONE);
        assertThat(claim.isNew()).isTrue();
        Extracted extracted = extracted();
        ChunkPlan plan = chunkPlanner.plan(TEXT);
        SummaryRun run = mapReduce.start(new SummaryInput(job.name(), "Alice", "en", TEXT), plan);
        mapReduce.next(run, List.of(new GenerateResult(job.name() + " summary", "gemini-3-pro-preview",
                "gemini-3-pro-preview-001", "  Alice sits by the river, bored.  ", "STOP",
                new UsageMetadata(120, 10, 30, 160, 0, List.of()), 42, "resp-1")));
        assertThat(run.isFinished()).isTrue();
        // a stale error report of an earlier try
        Files.createDirectories(out.resolve("a/b"));
        Files.writeString(out.resolve("a/b/report.txt.error.json"), "{}");

        send("direct:write-summary", Map.of("job", job, "claim", claim, "extracted", extracted, "plan", plan,
                "summaryRun", run, "startedAt", new Date(), "extractMillis", 12L));

        assertThat(out.resolve("a/b/report.txt.summary.md")).hasContent("Alice sits by the river, bored.\n");
        JsonNode sidecar = JSON.readTree(out.resolve("a/b/report.txt.summary.json").toFile());
        assertThat(sidecar.path("status").asText()).isEqualTo("ok");
        assertThat(sidecar.path("source").asText()).isEqualTo("a/b/report.txt");
        assertThat(sidecar.path("sha256").asText()).isEqualTo(job.sha256());
        assertThat(sidecar.path("modelVersion").asText()).isEqualTo("gemini-3-pro-preview-001");
        assertThat(sidecar.path("totals").path("calls").asInt()).isEqualTo(1);
        assertThat(sidecar.path("totals").path("promptTokens").asLong()).isEqualTo(120);
        assertThat(sidecar.path("costUsd").asDouble()).isPositive();
        assertThat(out.resolve("a/b/report.txt.error.json")).doesNotExist();
        assertThat(leftoverTempFiles()).isEmpty();
        assertThat(out.resolve("report.txt.summary.md")).doesNotExist();
        // the content is now known as summarized
        Claim again = pipeline.claim(job("elsewhere/copy.txt", job.sha256()), JobOptions.NONE);
        assertThat(again.state()).isEqualTo(Claim.State.DONE);
        assertThat(again.source()).isEqualTo("a/b/report.txt");
        assertThat(tracker.okCount()).isEqualTo(1);
    }

    @Test
    void overwritesAnEarlierSummaryOfTheSameName() throws Exception {
        Files.writeString(out.resolve("notes.txt.summary.md"), "an old summary that is much longer than the new one");
        Job job = job("notes.txt", "cd".repeat(32));
        Claim claim = pipeline.claim(job, JobOptions.NONE);
        ChunkPlan plan = chunkPlanner.plan(TEXT);
        SummaryRun run = mapReduce.start(new SummaryInput(job.name(), null, null, TEXT), plan);
        mapReduce.next(run, List.of(new GenerateResult("s", "m", "v", "New.", "STOP",
                new UsageMetadata(5, 1, 0, 6, 0, List.of()), 1, "r")));

        send("direct:write-summary", Map.of("job", job, "claim", claim, "extracted", extracted(), "plan", plan,
                "summaryRun", run, "startedAt", new Date(), "extractMillis", 1L));

        assertThat(out.resolve("notes.txt.summary.md")).hasContent("New.\n");
        assertThat(leftoverTempFiles()).isEmpty();
    }

    @Test
    void aDuplicateGetsASidecarThatNamesTheFirstInput() throws Exception {
        Job first = job("first.txt", "ef".repeat(32));
        pipeline.claim(first, JobOptions.NONE);
        pipeline.complete(first, JobOptions.NONE);
        Job copy = job("copies/second.txt", first.sha256());
        Claim claim = pipeline.claim(copy, JobOptions.NONE);
        assertThat(claim.state()).isEqualTo(Claim.State.DONE);

        send("direct:write-duplicate", Map.of("job", copy, "claim", claim, "startedAt", new Date()));

        JsonNode sidecar = JSON.readTree(out.resolve("copies/second.txt.summary.json").toFile());
        assertThat(sidecar.path("status").asText()).isEqualTo("duplicate");
        assertThat(sidecar.path("duplicateOf").asText()).isEqualTo("first.txt");
        assertThat(sidecar.path("totals").path("calls").asInt()).isZero();
        assertThat(out.resolve("copies/second.txt.summary.md")).doesNotExist();
        assertThat(leftoverTempFiles()).isEmpty();
        assertThat(tracker.duplicateCount()).isEqualTo(1);
    }

    @Test
    void anEstimateGetsAnEstimateSidecarAndReleasesTheContent() throws Exception {
        Job job = job("est/book.txt", "12".repeat(32));
        Claim claim = pipeline.claim(job, JobOptions.NONE);
        ChunkPlan plan = chunkPlanner.plan(TEXT);

        send("direct:write-estimate", Map.of("job", job, "claim", claim, "extracted", extracted(), "plan", plan,
                "startedAt", new Date(), "extractMillis", 3L));

        JsonNode sidecar = JSON.readTree(out.resolve("est/book.txt.summary.json").toFile());
        assertThat(sidecar.path("status").asText()).isEqualTo("estimated");
        assertThat(sidecar.path("totals").path("calls").asInt()).isEqualTo(1);
        assertThat(sidecar.path("costUsd").asDouble()).isPositive();
        assertThat(out.resolve("est/book.txt.summary.md")).doesNotExist();
        assertThat(leftoverTempFiles()).isEmpty();
        // released: the same content may be summarized later
        assertThat(pipeline.claim(job("est/again.txt", job.sha256()), JobOptions.NONE).isNew()).isTrue();
        assertThat(tracker.estimatedCount()).isEqualTo(1);
    }
}

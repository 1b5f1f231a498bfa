package io.geminidigest.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geminidigest.extract.Extracted;
import io.geminidigest.job.Claim;
import io.geminidigest.job.ContentIndex;
import io.geminidigest.job.Job;
import io.geminidigest.job.JobIdentity;
import io.geminidigest.output.ErrorReport;
import io.geminidigest.summarize.SummaryInput;

/**
 * Small steps of the job pipeline that the route files call by name: claiming and releasing content, and the names of
 * the outputs. Exchange properties it reads: {@code job}, {@code claim}.
 */
public final class PipelineSupport {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest.pipeline");

    public static final String JOB = "job";
    public static final String CLAIM = "claim";

    public static final String OPTIONS = "jobOptions";

    private final ContentIndex index;
    private final Path outputDir;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final java.util.Set<String> promptTemplates;

    public PipelineSupport(ContentIndex index, Path outputDir) {
        this(index, outputDir, new com.fasterxml.jackson.databind.ObjectMapper(), java.util.Set.of());
    }

    /** @param promptTemplates the names of the prompt templates a job may choose */
    public PipelineSupport(ContentIndex index, Path outputDir, com.fasterxml.jackson.databind.ObjectMapper json,
            java.util.Set<String> promptTemplates) {
        this.index = index;
        this.outputDir = outputDir;
        this.json = json;
        this.promptTemplates = java.util.Set.copyOf(promptTemplates);
    }

    /**
     * The job's options (stored as JSON; none for folder jobs), checked again as they are applied: an option that
     * cannot be applied (a prompt template removed from the configuration since) fails the job with the reason.
     */
    public JobOptions options(String optionsJson) {
        return JobOptions.fromJson(optionsJson, json, promptTemplates);
    }

    /** {@code task=transcribe} takes audio and video only: anything else fails with the reason, not a summary. */
    public void checkTask(JobOptions options, String detectedType) {
        if (options != null && options.transcribeOnly()
                && !(detectedType.startsWith("audio/") || detectedType.startsWith("video/"))) {
            throw new JobOptions.InvalidOptionsException("task 'transcribe' takes audio or video; this input is "
                    + detectedType + " (ask for task 'summarize')");
        }
    }

    /** What summarization takes of the job's options. */
    public static io.geminidigest.summarize.SummaryInput.Options summaryOptions(JobOptions options) {
        return options == null ? io.geminidigest.summarize.SummaryInput.Options.NONE
                : new io.geminidigest.summarize.SummaryInput.Options(options.model(), options.language(),
                        options.prompt());
    }

    /**
     * The key of the job's content in the processed-content index: the content's SHA-256 for a job without options
     * that change the result, else one of its own for content and options ({@link JobIdentity#contentKey}), so the
     * same content in another language (model, template, task) is not a duplicate of the first.
     */
    public static String contentKey(Job job, JobOptions options) {
        return JobIdentity.contentKey(job.sha256(), options == null ? java.util.Map.of() : options.asMap());
    }

    public Claim claim(Job job, JobOptions options) {
        return index.claim(contentKey(job, options), job.name());
    }

    /** After the outputs are written: the content is summarized; a stale error report of an earlier try goes. */
    public void complete(Job job, JobOptions options) throws IOException {
        index.complete(contentKey(job, options), job.name(), job.name() + ".summary.md");
        Files.deleteIfExists(outputDir.resolve(job.name() + ".error.json"));
    }

    /** The job failed, or only an estimate was made: the same content may be tried again. */
    public void release(Exchange exchange) {
        Job job = exchange.getProperty(JOB, Job.class);
        Claim claim = exchange.getProperty(CLAIM, Claim.class);
        if (job != null && claim != null && claim.isNew()) {
            index.release(contentKey(job, exchange.getProperty(OPTIONS, JobOptions.class)));
        }
    }

    public SummaryInput summaryInput(Job job, Extracted extracted, JobOptions options) {
        return new SummaryInput(job.name(), extracted.metadata().title(), extracted.metadata().language(),
                extracted.text(), summaryOptions(options));
    }

    /** Audio and video while the transcription path is not available: a named outcome, never a silent skip. */
    public void notTranscribable(Job job, String type) throws io.geminidigest.extract.ExtractionException {
        throw new io.geminidigest.extract.ExtractionException(io.geminidigest.extract.ExtractionFailure.UNSUPPORTED_TYPE,
                job.fileName(), type, "audio and video transcription is not available in this build");
    }

    /** Wall time of a step that started at {@code start}. */
    public long millisSince(java.util.Date start) {
        return System.currentTimeMillis() - start.getTime();
    }

    /** Logs one line for a failed document. */
    public void logFailure(ErrorReport report) {
        LOG.warn("{} failed ({}): {} -> {}", report.source(), report.outcome(), report.message(), report.movedTo());
    }

    public void logSuccess(Job job, io.geminidigest.output.Sidecar sidecar) {
        LOG.info("{}: {} ({} calls, {} tokens in, {} out, ${})", job.name(), sidecar.status(),
                sidecar.totals().calls(), sidecar.totals().promptTokens(), sidecar.totals().outputTokens(),
                sidecar.costUsd());
    }
}

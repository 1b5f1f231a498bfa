package io.geminidigest.app;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.geminidigest.chunk.Chunk;
import io.geminidigest.extract.DocumentMetadata;
import io.geminidigest.extract.Extracted;
import io.geminidigest.extract.ExtractionException;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GenerateResult;
import io.geminidigest.gemini.PriceTable;
import io.geminidigest.gemini.Secrets;
import io.geminidigest.job.Claim;
import io.geminidigest.job.Job;
import io.geminidigest.limits.RetryPolicy;
import io.geminidigest.output.ErrorReport;
import io.geminidigest.output.Sidecar;
import io.geminidigest.output.Sidecar.CallInfo;
import io.geminidigest.output.Sidecar.ChunkingInfo;
import io.geminidigest.output.Sidecar.DocumentInfo;
import io.geminidigest.output.Sidecar.ExtractionInfo;
import io.geminidigest.output.Sidecar.Timings;
import io.geminidigest.output.Sidecar.Totals;
import io.geminidigest.summarize.ChunkPlan;
import io.geminidigest.summarize.SummaryRun;

/**
 * Builds what the output step writes: the summary Markdown, the JSON sidecar (for a summary, an estimate or a
 * duplicate) and the error report. Pure: no I/O.
 */
public final class Reports {

    private final PriceTable prices;
    private final String model;
    private final int estimatedMapOutputTokens;
    private final int estimatedReduceOutputTokens;

    public Reports(PriceTable prices, String model, int estimatedMapOutputTokens, int estimatedReduceOutputTokens) {
        this.prices = prices;
        this.model = model;
        this.estimatedMapOutputTokens = estimatedMapOutputTokens;
        this.estimatedReduceOutputTokens = estimatedReduceOutputTokens;
    }

    /** The summary file: the summary itself, with a one-line header naming the source. */
    public String summaryMarkdown(Job job, SummaryRun run) {
        return run.summary().strip() + "\n";
    }

    public Sidecar summarySidecar(Job job, Extracted extracted, ChunkPlan plan, SummaryRun run, Instant startedAt,
            Long extractMillis) {
        Billed billed = billed(run.answers());
        List<String> warnings = warnings(extracted);
        return new Sidecar(Sidecar.OK, job.name(), job.sha256(), job.bytes(), extracted.metadata().detectedType(),
                document(extracted), extraction(extracted),
                run.input().options().model() != null ? run.input().options().model() : model, billed.version,
                chunking(plan, run.levels()),
                billed.calls, billed.totals(), round(billed.cost), timings(startedAt, extractMillis),
                warnings.isEmpty() ? null : warnings, null, null, null);
    }

    /** The calls of a sidecar, with their sums: every billed request, discarded answers included. */
    private final class Billed {
        final List<CallInfo> calls = new ArrayList<>();
        final java.util.Map<String, Long> byModality = new java.util.LinkedHashMap<>();
        long in;
        long out;
        long thinking;
        double cost;
        int discarded;
        String version;

        void add(GenerateResult result) {
            for (GenerateResult r : result.billed()) {
                var u = r.usage();
                double c = prices.cost(u.promptTokenCount(), u.billedOutputTokens());
                calls.add(new CallInfo(r.label(), r.model(), r.modelVersion(), u.promptTokenCount(),
                        u.candidatesTokenCount(), u.thoughtsTokenCount(), r.latencyMillis(), r.finishReason(),
                        round(c), null, r.discarded()));
                in += u.promptTokenCount();
                out += u.candidatesTokenCount();
                thinking += u.thoughtsTokenCount();
                cost += c;
                discarded += r.isDiscarded() ? 1 : 0;
                version = r.modelVersion() != null ? r.modelVersion() : version;
                u.promptTokensDetails().forEach(d -> byModality.merge(d.modality(), (long) d.tokenCount(), Long::sum));
            }
        }

        Totals totals() {
            return new Totals(calls.size(), in, out, thinking, discarded == 0 ? null : discarded);
        }
    }

    private Billed billed(List<GenerateResult> results) {
        Billed b = new Billed();
        results.forEach(b::add);
        return b;
    }

    /**
     * No API key: what the summary would take. Map calls are known (one per chunk, or one for the whole document);
     * the reduce levels are estimated from the configured output sizes.
     */
    public Sidecar estimateSidecar(Job job, Extracted extracted, ChunkPlan plan, int templateTokens,
            Instant startedAt, Long extractMillis) {
        List<CallInfo> calls = new ArrayList<>();
        long in = 0;
        long out = 0;
        double cost = 0;
        int n = plan.chunks().size();
        for (Chunk c : plan.chunks()) {
            int prompt = c.estimatedTokens() + templateTokens;
            int output = n == 1 ? estimatedReduceOutputTokens : estimatedMapOutputTokens;
            double callCost = prices.cost(prompt, output);
            calls.add(new CallInfo(n == 1 ? "summary" : "map " + (c.index() + 1) + "/" + n, model, null, prompt, output, 0,
                    0, null, round(callCost), true));
            in += prompt;
            out += output;
            cost += callCost;
        }
        int levels = 1;
        if (n > 1) {
            // summaries are combined in groups that fit the budget until one remains
            int parts = n;
            while (parts > 1) {
                int perGroup = Math.max(2, plan.budget().tokens() / Math.max(1, estimatedMapOutputTokens));
                int groups = (parts + perGroup - 1) / perGroup;
                levels++;
                for (int g = 0; g < groups; g++) {
                    int members = Math.min(perGroup, parts - g * perGroup);
                    int prompt = members * estimatedMapOutputTokens + templateTokens;
                    int output = groups == 1 ? estimatedReduceOutputTokens : estimatedMapOutputTokens;
                    double callCost = prices.cost(prompt, output);
                    calls.add(new CallInfo("reduce " + (g + 1) + "/" + groups + " (level " + levels + ")", model, null,
                            prompt, output, 0, 0, null, round(callCost), true));
                    in += prompt;
                    out += output;
                    cost += callCost;
                }
                parts = groups;
            }
        }
        List<String> warnings = warnings(extracted);
        return new Sidecar(Sidecar.ESTIMATED, job.name(), job.sha256(), job.bytes(),
                extracted.metadata().detectedType(), document(extracted), extraction(extracted), model, null,
                chunking(plan, levels), calls, new Totals(calls.size(), in, out, 0), round(cost),
                timings(startedAt, extractMillis), warnings.isEmpty() ? null : warnings,
                "GEMINI_API_KEY is not set: nothing was sent to Gemini; tokens and cost are estimates "
                        + "(thinking tokens not included). The input was left in place.",
                null, null);
    }

    public Sidecar duplicateSidecar(Job job, Claim claim, Instant startedAt) {
        String note = claim.state() == Claim.State.DONE
                ? "the same content was already summarized as " + claim.source() + "; nothing was sent to Gemini"
                : "the same content is being summarized right now as " + claim.source()
                        + "; nothing was sent to Gemini";
        return new Sidecar(Sidecar.DUPLICATE, job.name(), job.sha256(), job.bytes(), null, null, null, null, null,
                null, List.of(), new Totals(0, 0, 0, 0), 0.0, timings(startedAt, null), null, note, claim.source(),
                null);
    }

    /** The summary file of a picture or a scanned PDF: Gemini's reading as it came. */
    public String visualMarkdown(VisualReader.Reading reading) {
        return reading.answer().text().strip() + "\n";
    }

    /** The sidecar of a picture or a scanned PDF read by Gemini. */
    public Sidecar visualSidecar(Job job, String detectedType, VisualReader.Reading reading, Instant startedAt) {
        GenerateResult r = reading.answer();
        Billed billed = billed(List.of(r));
        java.util.Map<String, Long> byModality = billed.byModality;
        String kind = "application/pdf".equals(detectedType) ? "scanned-pdf"
                : detectedType.startsWith("video/") ? "video-without-sound" : "image";
        return new Sidecar(Sidecar.OK, job.name(), job.sha256(), job.bytes(), detectedType, null, null, model,
                r.modelVersion(), null,
                billed.calls, billed.totals(), round(billed.cost),
                timings(startedAt, null), null, null, null,
                new Sidecar.MediaInfo(kind, detectedType, null, null, null, null, null, null, null, reading.inline(),
                        reading.uploadedAs() == null ? null : List.of(reading.uploadedAs()),
                        reading.upload() == null ? null : List.of(uploadInfo(reading.upload())),
                        byModality.isEmpty() ? null : byModality, null, null));
    }

    /** No API key: what reading a picture or a scanned PDF would cost. */
    public Sidecar visualEstimate(Job job, String detectedType, int promptTokens, Instant startedAt) {
        int output = estimatedReduceOutputTokens;
        double cost = prices.cost(promptTokens, output);
        String kind = "application/pdf".equals(detectedType) ? "scanned-pdf"
                : detectedType.startsWith("video/") ? "video-without-sound" : "image";
        return new Sidecar(Sidecar.ESTIMATED, job.name(), job.sha256(), job.bytes(), detectedType, null, null, model,
                null, null, List.of(new CallInfo(kind, model, null, promptTokens, output, 0, 0, null, round(cost),
                        true)),
                new Totals(1, promptTokens, output, 0), round(cost), timings(startedAt, null), null,
                "GEMINI_API_KEY is not set: nothing was sent to Gemini; tokens and cost are estimates. "
                        + "The input was left in place.",
                null, new Sidecar.MediaInfo(kind, detectedType, null, null, null, null, null, null, null, null, null,
                        null, null, null, null));
    }

    /** The sidecar of a transcribed recording: transcription calls, then the summary's calls. */
    public Sidecar mediaSidecar(Job job, String detectedType, MediaTranscriber.Transcription t, SummaryRun run,
            Instant startedAt) {
        // every billed request: the transcription calls (discarded answers included), then the summary's
        List<GenerateResult> all = new ArrayList<>(t.calls());
        all.addAll(run.answers());
        Billed billed = billed(all);
        java.util.Map<String, Long> byModality = billed.byModality;
        List<String> warnings = new ArrayList<>();
        if (t.alignment().hasWarning()) {
            warnings.add(t.alignment().warning());
        }
        String kind = t.info().hasVideo() ? "video" : "audio";
        var alignment = t.alignment();
        long sent = t.sent().stream().mapToLong(io.geminidigest.media.Segment::durationMs).sum();
        var alignmentInfo = new Sidecar.Alignment(alignment.cues().size(), alignment.cuesRetimed(),
                alignment.largestCorrectionMs(), Math.round(alignment.shareOfCueTimeOnSpeech() * 1000) / 1000.0,
                t.speech().speechMillis(), sent);
        String note = null;
        return new Sidecar(Sidecar.OK, job.name(), job.sha256(), job.bytes(), detectedType, null, null,
                run.input().options().model() != null ? run.input().options().model() : model, billed.version,
                null, billed.calls, billed.totals(), round(billed.cost), timings(startedAt, null),
                warnings.isEmpty() ? null : warnings, note, null,
                new Sidecar.MediaInfo(kind, detectedType, t.info().durationMillis(), t.sent().size(), t.plan().size(),
                        t.splitOverBudget(), t.splitAtOutputLimit(), t.countTokensCalls(), t.budgetTokens(),
                        t.uploads().isEmpty(),
                        t.uploads().isEmpty() ? null : t.uploads().stream().map(u -> u.file().name()).toList(),
                        t.uploads().isEmpty() ? null : t.uploads().stream().map(Reports::uploadInfo).toList(),
                        byModality.isEmpty() ? null : byModality, t.localMillis(), alignmentInfo));
    }

    /** No API key: what transcribing a recording would take (planned segments, audio tokens, cost). */
    public Sidecar mediaEstimate(Job job, String detectedType, io.geminidigest.media.MediaInfo info,
            List<io.geminidigest.media.Segment> plan, Instant startedAt) {
        List<CallInfo> calls = new ArrayList<>();
        long in = 0;
        long out = 0;
        double cost = 0;
        for (var seg : plan) {
            int prompt = (int) seg.estimatedTokens() + 300;
            int output = (int) Math.max(200, seg.durationMs() / 1000 * 8);
            double c = prices.cost(prompt, output);
            calls.add(new CallInfo("transcribe " + seg.startMs() + "-" + seg.endMs() + " ms", model, null, prompt,
                    output, 0, 0, null, round(c), true));
            in += prompt;
            out += output;
            cost += c;
        }
        return new Sidecar(Sidecar.ESTIMATED, job.name(), job.sha256(), job.bytes(), detectedType, null, null, model,
                null, null, calls, new Totals(calls.size(), in, out, 0), round(cost), timings(startedAt, null), null,
                "GEMINI_API_KEY is not set: nothing was sent to Gemini; tokens and cost are estimates of the "
                        + "transcription (the summary of the transcript comes on top). The input was left in place.",
                null, new Sidecar.MediaInfo(info.hasVideo() ? "video" : "audio", detectedType, info.durationMillis(),
                        plan.size(), plan.size(), null, null, null, null, null, null, null, null, null, null));
    }

    /** An upload's figures for the sidecar: names, size, timings; never the session URL (it is a credential). */
    static Sidecar.UploadInfo uploadInfo(GeminiFiles.Active a) {
        return new Sidecar.UploadInfo(a.file().name(), a.displayName(), a.bytes(), a.uploadMillis(),
                a.processingMillis(), a.reused(), a.resumes());
    }

    /** A readable error for any failure of a document. */
    public ErrorReport errorReport(Job job, String sourceName, Throwable failure, String stage, String movedTo) {
        return errorReport(job, sourceName, failure, stage, movedTo, null);
    }

    /**
     * As above, for a job with options: a model of its own that does not exist, or that the API key may not use, is
     * named as the job's choice, with what to do.
     */
    public ErrorReport errorReport(Job job, String sourceName, Throwable failure, String stage, String movedTo,
            JobOptions options) {
        return errorReport(job, sourceName, failure, stage, movedTo, options, null);
    }

    /**
     * As above, with what the job was billed before it failed ({@code spend}; {@code null}: the answers the failure
     * itself carries): its calls, totals and cost as in the sidecar, absent when nothing was billed.
     */
    public ErrorReport errorReport(Job job, String sourceName, Throwable failure, String stage, String movedTo,
            JobOptions options, JobSpend spend) {
        Classified c = classify(failure);
        if (isJobModelRefused(failure, options)) {
            GeminiErrorKind kind = ((GeminiException) RetryPolicy.unwrap(failure)).kind();
            c = kind == GeminiErrorKind.PERMISSION_DENIED
                    ? new Classified("summarize", c.outcome, "the model '" + options.model() + "' chosen for this "
                            + "job refused the configured API key (" + c.message + ")", "send the job again without a "
                            + "model (the configured model, " + model + ") or with a model this key may use; or give "
                            + "the key's project access to '" + options.model() + "' (Google AI Studio)")
                    : new Classified("summarize", c.outcome, "the model '" + options.model() + "' chosen for this "
                            + "job does not exist or cannot generate content (" + c.message + ")", "send the job "
                            + "again with a model listed by GET /v1beta/models, or without one (the configured model, "
                            + model + ")");
        }
        Billed billed = billed(spend != null ? spend.billed() : billedBy(failure));
        boolean spent = !billed.calls.isEmpty();
        return new ErrorReport("failed", job != null ? job.name() : sourceName, job != null ? job.sha256() : null,
                stage != null ? stage : c.stage, c.outcome, Secrets.mask(c.message), c.advice, movedTo,
                spent ? billed.calls : null, spent ? billed.totals() : null, spent ? round(billed.cost) : null,
                Instant.now().toString());
    }

    /** The billed answers a failure carries (those of the failed call that were answered but not used). */
    private static List<GenerateResult> billedBy(Throwable failure) {
        Throwable t = RetryPolicy.unwrap(failure);
        return t instanceof GeminiException g ? g.billed() : List.of();
    }

    /** Whether a failure means nothing can succeed until the user fixes the configuration. */
    public boolean isFatal(Throwable failure) {
        Throwable t = RetryPolicy.unwrap(failure);
        return t instanceof GeminiException g && g.kind().handling() == GeminiErrorKind.Handling.FATAL_CONFIGURATION;
    }

    /**
     * As {@link #isFatal(Throwable)}, except that a model the job chose itself ({@code options.model}, not the
     * configured one) that does not exist (404) or that the key may not use (403) fails that job only: the
     * configuration is fine. A 403 on the configured model, or on a call that is not on the job's model (an upload),
     * is the key's and stays fatal.
     */
    public boolean isFatal(Throwable failure, JobOptions options) {
        return isFatal(failure) && !isJobModelRefused(failure, options);
    }

    /** The failure is a 404 or 403 of the call on the model the job chose itself, which is not the configured one. */
    boolean isJobModelRefused(Throwable failure, JobOptions options) {
        if (options == null || options.model() == null || options.model().equals(model)) {
            return false;
        }
        Throwable t = RetryPolicy.unwrap(failure);
        if (!(t instanceof GeminiException g)
                || (g.kind() != GeminiErrorKind.MODEL_NOT_FOUND && g.kind() != GeminiErrorKind.PERMISSION_DENIED)) {
            return false;
        }
        // the refused call's model; a MODEL_NOT_FOUND that names none can only be the job's own model
        String refused = g.model() != null ? g.model()
                : g.kind() == GeminiErrorKind.MODEL_NOT_FOUND ? options.model() : null;
        return options.model().equals(refused);
    }

    record Classified(String stage, String outcome, String message, String advice) {
    }

    static Classified classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ExtractionException e) {
                return new Classified("extract", kebab(e.failure().name()), e.getMessage(), e.failure().advice());
            }
            if (t instanceof JobOptions.InvalidOptionsException o) {
                return new Classified("options", "invalid-options", o.getMessage(),
                        "send the job again with options that are offered (see the README: per-job options)");
            }
            if (t instanceof GeminiException g) {
                return new Classified("summarize", kebab(g.kind().name()), g.summary(), g.kind().advice());
            }
            if (t instanceof io.geminidigest.media.MediaException m) {
                return new Classified("media", kebab(m.kind().name()), m.getMessage(), m.advice());
            }
        }
        Throwable t = RetryPolicy.unwrap(failure);
        if (t instanceof java.io.IOException) {
            return new Classified("summarize", "network", t.getClass().getSimpleName() + ": " + t.getMessage(),
                    GeminiErrorKind.NETWORK.advice());
        }
        return new Classified("pipeline", "internal-error",
                failure.getClass().getSimpleName() + ": " + failure.getMessage(),
                "this is a bug in gemini-digest: report it with this file; move the input back to retry");
    }

    private static String kebab(String enumName) {
        return enumName.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static List<String> warnings(Extracted extracted) {
        List<String> w = new ArrayList<>();
        if (extracted.stats().truncated()) {
            w.add("the text was cut at extract.max-chars (" + extracted.stats().chars() + " characters kept)");
        }
        return w;
    }

    private static DocumentInfo document(Extracted e) {
        DocumentMetadata m = e.metadata();
        return new DocumentInfo(m.title(), m.author(), m.language(), m.pageCount(), m.encoding());
    }

    private static ExtractionInfo extraction(Extracted e) {
        return new ExtractionInfo(e.stats().chars(), e.stats().truncated(), e.stats().millis(),
                e.stats().embeddedDocuments());
    }

    private static ChunkingInfo chunking(ChunkPlan plan, int levels) {
        return new ChunkingInfo(plan.budget().tokens(), plan.budget().limitedBy(), plan.chunks().size(),
                plan.estimatedTokens(), plan.chunks().stream().map(Chunk::estimatedTokens).toList(), levels);
    }

    private static Timings timings(Instant startedAt, Long extractMillis) {
        Instant now = Instant.now();
        long total = Duration.between(startedAt, now).toMillis();
        long extract = extractMillis == null ? 0 : extractMillis;
        return new Timings(startedAt.toString(), now.toString(), extract, Math.max(0, total - extract), total);
    }

    private static double round(double usd) {
        return Math.round(usd * 1_000_000d) / 1_000_000d;
    }
}

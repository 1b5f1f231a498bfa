package io.geminidigest.output;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The JSON written beside every summary ({@code <name>.summary.json}): what was read, how it was cut, every call
 * with its tokens and latency, totals, cost and warnings. Never holds the API key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "status", "source", "sha256", "bytes", "detectedType", "document", "extraction", "model",
        "modelVersion", "media", "chunking", "calls", "totals", "costUsd", "timings", "warnings", "note",
        "duplicateOf" })
public record Sidecar(String status, String source, String sha256, long bytes, String detectedType,
        DocumentInfo document, ExtractionInfo extraction, String model, String modelVersion, ChunkingInfo chunking,
        List<CallInfo> calls, Totals totals, Double costUsd, Timings timings, List<String> warnings, String note,
        String duplicateOf, MediaInfo media) {

    /** {@code ok}: summarized; {@code estimated}: no API key, figures are estimates; {@code duplicate}: see duplicateOf. */
    public static final String OK = "ok";
    public static final String ESTIMATED = "estimated";
    public static final String DUPLICATE = "duplicate";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DocumentInfo(String title, String author, String language, Integer pageCount, String encoding) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExtractionInfo(long chars, boolean truncated, long millis, Integer embeddedDocuments) {
    }

    public record ChunkingInfo(int budgetTokens, String budgetLimitedBy, int chunkCount, int estimatedTokens,
            List<Integer> tokensPerChunk, int levels) {
    }

    /**
     * One request. {@code discarded}: null for an answer that was used; else the request was answered and billed but
     * its answer not used, and why: {@code output-truncated} (cut off at {@code MAX_TOKENS}: a media segment is then
     * split and redone), {@code invalid-transcript} (not valid JSON of the schema: asked again with a repair prompt),
     * {@code network} (answered without a finish reason: retried), {@code answer-refused}, {@code blocked-prompt}.
     * Its tokens and cost are in the totals: they are what Google bills.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CallInfo(String label, String model, String modelVersion, int promptTokens, int outputTokens, int thinkingTokens,
            long latencyMillis, String finishReason, Double costUsd, Boolean estimated, String discarded) {

        public CallInfo(String label, String model, String modelVersion, int promptTokens, int outputTokens,
                int thinkingTokens, long latencyMillis, String finishReason, Double costUsd, Boolean estimated) {
            this(label, model, modelVersion, promptTokens, outputTokens, thinkingTokens, latencyMillis, finishReason,
                    costUsd, estimated, null);
        }
    }

    /**
     * Media inputs: what kind, how long, how it was sent (inline or uploaded, with the uploads' timings), how it was
     * cut, tokens by modality.
     *
     * @param segments                  segments transcribed: the requests whose answers make the transcript, after
     *                                  the splits below (for an estimate: the planned segments)
     * @param plannedSegments           segments planned from the estimate (tokens per second of audio)
     * @param segmentsSplitOverBudget   segments that {@code countTokens} found over the budget, split before sending
     * @param segmentsSplitAtOutputLimit segments whose answer stopped at {@code MAX_TOKENS}, split and redone
     * @param countTokensCalls          segments confirmed with {@code countTokens} (estimate near the budget)
     * @param budgetTokens              media tokens one request may carry (the chunk budget)
     * @param uploads                   file names of the uploads ({@code files/...})
     * @param uploadTimings             per upload: bytes, milliseconds, reused or resumed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MediaInfo(String kind, String mimeType, Long durationMillis, Integer segments,
            Integer plannedSegments, Integer segmentsSplitOverBudget, Integer segmentsSplitAtOutputLimit,
            Integer countTokensCalls, Integer budgetTokens, Boolean inline, List<String> uploads,
            List<UploadInfo> uploadTimings, java.util.Map<String, Long> promptTokensByModality, Long localMillis,
            Alignment alignment) {
    }

    /**
     * One upload through the Files API: the file's name on the server and its display name, its size, the
     * milliseconds of the upload and of the wait until {@code ACTIVE} (0 for a reused upload), whether an earlier
     * upload of the same content was reused, how often the upload was resumed after a dropped connection.
     */
    public record UploadInfo(String file, String displayName, long bytes, long uploadMillis, long processingMillis,
            boolean reused, int resumes) {
    }

    /**
     * How well the transcript's times could be trusted: cues re-timed onto the detected speech, the largest
     * correction, the share of cue time that lies on speech; a warning in {@code warnings} when most were re-timed.
     */
    public record Alignment(int cues, int cuesRetimed, long largestCorrectionMillis, double shareOfCueTimeOnSpeech,
            long speechMillis, long sentMillis) {
    }

    /**
     * Sums over {@code calls}, discarded ones included (they are billed); {@code discardedCalls}: how many of the calls
     * were discarded (absent when none).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Totals(int calls, long promptTokens, long outputTokens, long thinkingTokens,
            Integer discardedCalls) {

        public Totals(int calls, long promptTokens, long outputTokens, long thinkingTokens) {
            this(calls, promptTokens, outputTokens, thinkingTokens, null);
        }
    }

    public record Timings(String startedAt, String finishedAt, long extractMillis, long summarizeMillis,
            long totalMillis) {
    }
}

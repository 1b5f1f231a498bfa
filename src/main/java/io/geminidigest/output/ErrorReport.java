package io.geminidigest.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The readable error written as {@code <name>.error.json} when an input fails: what failed, why, and what the user
 * can do. The same structure answers failed requests on every other way in.
 *
 * @param status   always {@code failed}
 * @param source   the input's name
 * @param sha256   its content hash, when it could be read
 * @param stage    where it failed: {@code ingest}, {@code extract}, {@code summarize}, {@code output}
 * @param outcome  the named outcome, e.g. {@code encrypted}, {@code timeout}, {@code output-truncated}
 * @param message  what happened, in words (never containing a secret)
 * @param advice   what the user can do
 * @param movedTo  where the input was moved
 * @param calls    the billed requests made before it failed (as in the sidecar, the answers not used included);
 *                 absent when nothing was billed
 * @param totals   their sums, as in the sidecar; absent when nothing was billed
 * @param costUsd  what they cost, as in the sidecar; absent when nothing was billed
 * @param at       when (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "status", "source", "sha256", "stage", "outcome", "message", "advice", "movedTo", "calls",
        "totals", "costUsd", "at" })
public record ErrorReport(String status, String source, String sha256, String stage, String outcome, String message,
        String advice, String movedTo, java.util.List<Sidecar.CallInfo> calls, Sidecar.Totals totals, Double costUsd,
        String at) {

    /** A failure before anything was billed. */
    public ErrorReport(String status, String source, String sha256, String stage, String outcome, String message,
            String advice, String movedTo, String at) {
        this(status, source, sha256, stage, outcome, message, advice, movedTo, null, null, null, at);
    }
}

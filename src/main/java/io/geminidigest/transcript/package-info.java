/**
 * Transcripts of recordings: the structured-output schema and prompts sent to Gemini, the parser of its
 * answers, the joiner of per-segment transcripts, the {@link io.geminidigest.transcript.Aligner} that moves
 * the model's unreliable timestamps onto locally detected speech, and subtitle writers (SRT, WebVTT,
 * Markdown, JSON).
 *
 * <p>Plain Java and Jackson only: no Camel and no Gemini client classes, so everything here is testable
 * offline. All times are milliseconds.
 */
package io.geminidigest.transcript;

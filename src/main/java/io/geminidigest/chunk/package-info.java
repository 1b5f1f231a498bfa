/**
 * Sizing and splitting text for Gemini requests, in plain Java (no Camel, no I/O, no API classes).
 *
 * <ul>
 *   <li>{@link io.geminidigest.chunk.TokenEstimator}: a fast local token estimate, calibrated for
 *       prose, code, CJK and other scripts;</li>
 *   <li>{@link io.geminidigest.chunk.ChunkBudget}: how many tokens of text one request may carry
 *       (pricing cliff, model input limit, tokens-per-minute quota);</li>
 *   <li>{@link io.geminidigest.chunk.TextChunker}: splits a document into {@link io.geminidigest.chunk.Chunk}s
 *       within the budget, on the best boundaries, with optional overlap and exact-count confirmation;</li>
 *   <li>{@link io.geminidigest.chunk.TextPacker}: groups partial summaries for the reduce step.</li>
 * </ul>
 */
package io.geminidigest.chunk;

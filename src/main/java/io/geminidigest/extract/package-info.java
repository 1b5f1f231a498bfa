/**
 * Text extraction: turns a document file into plain text plus metadata with Apache Tika, safely.
 *
 * <ul>
 *   <li>{@link io.geminidigest.extract.DocumentExtractor} is the entry point; production code uses
 *       {@link io.geminidigest.extract.IsolatedExtractor} (child JVMs, survives hangs and out-of-memory),
 *       tests and benchmarks may use {@link io.geminidigest.extract.InProcessExtractor}.</li>
 *   <li>{@link io.geminidigest.extract.TikaExtraction} is the parsing core, under
 *       {@link io.geminidigest.extract.ExtractionLimits} (size, characters, time, archive depth, count and
 *       expansion).</li>
 *   <li>Every failure is an {@link io.geminidigest.extract.ExtractionException} with an
 *       {@link io.geminidigest.extract.ExtractionFailure} kind and advice for the user.</li>
 *   <li>{@link io.geminidigest.extract.TypeDetector} detects media types cheaply, for routing.</li>
 * </ul>
 *
 * <p>Depends on Tika and Jackson only; not on Camel or on the Gemini client.
 */
package io.geminidigest.extract;

package io.geminidigest.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The line-based JSON protocol between {@link IsolatedExtractor} and {@link ExtractionWorker}:
 * one request object per line on the worker's stdin, one response object per line on its stdout.
 * The worker first writes a {@code {"ready":true}} line once Tika is loaded. Text travels in a temp
 * file named in the response, not through the pipe.
 */
final class WorkerProtocol {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private WorkerProtocol() {
    }

    /** Extract the file at {@code path}, known as {@code name}, under {@code limits}. */
    record Request(long id, String path, String name, WireLimits limits) {
    }

    /** {@link ExtractionLimits} with the timeout in milliseconds, so that it needs no Jackson time module. */
    record WireLimits(int maxChars, boolean truncateOverLimit, long timeoutMillis, long maxBytes,
                      int maxEmbeddedDepth, int maxEmbeddedCount, long maxCompressionRatio, String workerHeap,
                      int workers, String pdfPassword) {

        static WireLimits of(ExtractionLimits l) {
            return new WireLimits(l.maxChars(), l.truncateOverLimit(), l.timeout().toMillis(), l.maxBytes(),
                    l.maxEmbeddedDepth(), l.maxEmbeddedCount(), l.maxCompressionRatio(), l.workerHeap(),
                    l.workers(), l.pdfPassword());
        }

        ExtractionLimits toLimits() {
            return new ExtractionLimits(maxChars, truncateOverLimit, Duration.ofMillis(timeoutMillis), maxBytes,
                    maxEmbeddedDepth, maxEmbeddedCount, maxCompressionRatio, workerHeap, workers, pdfPassword);
        }
    }

    /**
     * A worker line: the ready signal, a result (text in {@code textFile}) or a failure.
     */
    record Response(Long id, Boolean ready, String textFile, DocumentMetadata metadata, ExtractionStats stats,
                    ExtractionFailure failure, String detectedType, String reason) {

        static Response readySignal() {
            return new Response(null, true, null, null, null, null, null, null);
        }

        static Response success(long id, String textFile, DocumentMetadata metadata, ExtractionStats stats) {
            return new Response(id, null, textFile, metadata, stats, null, null, null);
        }

        static Response failed(long id, ExtractionFailure failure, String detectedType, String reason) {
            return new Response(id, null, null, null, null, failure, detectedType, reason);
        }

        boolean isReady() {
            return Boolean.TRUE.equals(ready);
        }
    }

    static String write(Object message) {
        try {
            return JSON.writeValueAsString(message); // never contains a raw line break
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(String line, Class<T> type) throws IOException {
        return JSON.readValue(line, type);
    }
}

package io.geminidigest.gemini;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The Files API's resumable upload protocol: the payloads of its three calls and what the server answers.
 * <ol>
 * <li>{@link Start}: {@code POST /upload/v1beta/files} with {@code X-Goog-Upload-Protocol: resumable},
 * {@code X-Goog-Upload-Command: start} and the total size and type; the answer's {@code X-Goog-Upload-URL} is the
 * session.</li>
 * <li>{@link Chunk}: {@code POST <session>} with {@code X-Goog-Upload-Command: upload} ({@code upload, finalize} for the
 * last) and {@code X-Goog-Upload-Offset}; the answer's {@code X-Goog-Upload-Status} is {@code active} or
 * {@code final} (then the body holds the file).</li>
 * <li>{@link Query}: {@code X-Goog-Upload-Command: query} after a failure: {@code X-Goog-Upload-Size-Received} says
 * where to resume.</li>
 * </ol>
 */
public final class Upload {

    private Upload() {
    }

    /** Starts a session for {@code totalBytes} of {@code mimeType}. */
    public record Start(String displayName, String mimeType, long totalBytes) {
    }

    /** One chunk of the file, at {@code offset}; {@code last} finalizes the upload. */
    public record Chunk(String sessionUrl, long offset, byte[] data, boolean last) {
        public Chunk {
            Objects.requireNonNull(sessionUrl, "sessionUrl");
        }
    }

    /** Asks the session how many bytes it has. */
    public record Query(String sessionUrl) {
    }

    /**
     * What the server said about a session.
     *
     * @param sessionUrl   the session ({@code X-Goog-Upload-URL}), known after start
     * @param status       {@code active}, {@code final} or {@code cancelled}
     * @param sizeReceived bytes the server has ({@code X-Goog-Upload-Size-Received}), or -1
     * @param granularity  chunk granularity ({@code X-Goog-Upload-Chunk-Granularity}), or 0
     * @param file         the file, once final
     */
    public record Status(String sessionUrl, String status, long sizeReceived, long granularity, FileResource file) {
        public boolean isFinal() {
            return "final".equalsIgnoreCase(status);
        }
    }

    /** A file of the Files API. {@code sizeBytes} comes as a string (int64). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileResource(String name, String displayName, String mimeType, String sizeBytes, String createTime,
            String expirationTime, String sha256Hash, String uri, String state, FileError error) {

        public boolean isActive() {
            return "ACTIVE".equals(state);
        }

        public boolean isFailed() {
            return "FAILED".equals(state);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileError(int code, String message) {
    }

    /** {@code {"file": {...}}}: the body of the start call and of the final answer. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileEnvelope(FileResource file) {
    }

    /** The start call's JSON body: only the display name. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartBody(DisplayName file) {
    }

    public record DisplayName(String displayName) {
    }
}

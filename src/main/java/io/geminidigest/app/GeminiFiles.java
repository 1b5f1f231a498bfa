package io.geminidigest.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.Upload;
import io.geminidigest.gemini.Upload.FileResource;
import io.geminidigest.job.UploadRegistry;
import io.geminidigest.limits.RetryPolicy;

/**
 * The Files API, through the gateway route: resumable uploads in chunks (resumed with {@code query} after a dropped
 * connection, not started over), waiting until a file is {@code ACTIVE}, reuse of a file still alive on the server
 * for the same content, and deletion. Uploads and polls are not generation calls: the limiter lets them pass; their
 * number at a time is bounded by the media route's concurrency.
 * <p>
 * This bean sequences gateway calls (I/O): it is the media path's client of the Files API, named for it.
 */
public final class GeminiFiles {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest.files");

    /** Settings of the Files API client. */
    public record Settings(int chunkBytes, Duration pollInitial, Duration pollMax, Duration processingDeadline,
            int maxResumes, Duration reuseMargin) {
    }

    /**
     * A file ready for use, and what it took: its bytes, the milliseconds of the upload and of the wait until
     * {@code ACTIVE} (both 0 when an earlier upload was reused), how often the upload was resumed after a dropped
     * connection.
     */
    public record Active(FileResource file, String displayName, long bytes, long uploadMillis, long processingMillis,
            boolean reused, int resumes) {
    }

    /** What an upload gave: the file resource (not yet ACTIVE), and how often it was resumed. */
    public record Sent(FileResource file, int resumes) {
    }

    private final ProducerTemplate gateway;
    private final UploadRegistry registry;
    private final Settings settings;

    public GeminiFiles(ProducerTemplate gateway, UploadRegistry registry, Settings settings) {
        this.gateway = gateway;
        this.registry = registry;
        this.settings = settings;
    }

    /**
     * The file for this content on the server, ACTIVE: reused when an earlier upload of the same bytes is still alive,
     * otherwise uploaded and waited for.
     */
    public Active activeFile(Path file, String mimeType, String displayName, String sha256)
            throws IOException, InterruptedException {
        long bytes = Files.size(file);
        Optional<UploadRegistry.Uploaded> known = registry.find(sha256, settings.reuseMargin());
        if (known.isPresent()) {
            try {
                FileResource f = get(known.get().fileName());
                if (f.isActive()) {
                    LOG.info("{}: reusing upload {} (same content, alive until {})", displayName, f.name(),
                            f.expirationTime());
                    return new Active(f, displayName, bytes, 0, 0, true, 0);
                }
            } catch (GeminiException e) {
                if (RetryPolicy.kindOf(e) != GeminiErrorKind.FILE_UNAVAILABLE) {
                    throw e;
                }
            }
            registry.forget(sha256);
        }
        long t0 = System.nanoTime();
        Sent sent = upload(file, mimeType, displayName);
        long t1 = System.nanoTime();
        FileResource active = waitActive(sent.file());
        long t2 = System.nanoTime();
        registry.remember(new UploadRegistry.Uploaded(sha256, active.name(), active.uri(), active.mimeType(),
                expiry(active)));
        return new Active(active, displayName, bytes, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, false,
                sent.resumes());
    }

    /** Uploads in chunks; after a failed chunk asks the session how much arrived and resumes from there. */
    public Sent upload(Path file, String mimeType, String displayName) throws IOException {
        long total = Files.size(file);
        Upload.Status session = call(GeminiCall.files(displayName + " upload start", GeminiCall.Kind.UPLOAD_START,
                null, new Upload.Start(displayName, mimeType, total)), Upload.Status.class);
        long chunk = settings.chunkBytes();
        if (session.granularity() > 0) {
            chunk = Math.max(session.granularity(), chunk / session.granularity() * session.granularity());
        }
        long offset = 0;
        int resumes = 0;
        try (var channel = Files.newByteChannel(file)) {
            while (true) {
                long end = Math.min(total, offset + chunk);
                if (end < total && session.granularity() > 0) {
                    // every chunk but the last ends on a multiple of the granularity (also after a resume)
                    end = Math.max(offset + session.granularity(), end / session.granularity() * session.granularity());
                    end = Math.min(end, total);
                }
                int length = (int) (end - offset);
                boolean last = end >= total;
                byte[] data = new byte[length];
                channel.position(offset);
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data);
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    // fill the chunk
                }
                try {
                    Upload.Status s = call(GeminiCall.files(displayName + " upload @" + offset,
                            GeminiCall.Kind.UPLOAD_CHUNK, null,
                            new Upload.Chunk(session.sessionUrl(), offset, data, last)), Upload.Status.class);
                    if (s.isFinal()) {
                        if (s.file() == null) {
                            throw new GeminiException(GeminiErrorKind.UNEXPECTED_RESPONSE,
                                    "the upload was finalized without a file resource");
                        }
                        LOG.info("{}: uploaded {} bytes as {}{}", displayName, total, s.file().name(),
                                resumes > 0 ? " (resumed " + resumes + " time(s))" : "");
                        return new Sent(s.file(), resumes);
                    }
                    offset += length;
                } catch (RuntimeException e) {
                    if (!RetryPolicy.isRetryable(e) || ++resumes > settings.maxResumes()) {
                        throw e;
                    }
                    Upload.Status q = call(GeminiCall.files(displayName + " upload query",
                            GeminiCall.Kind.UPLOAD_QUERY, null, new Upload.Query(session.sessionUrl())),
                            Upload.Status.class);
                    if (q.isFinal() && q.file() != null) {
                        return new Sent(q.file(), resumes);
                    }
                    LOG.warn("{}: upload interrupted at {} bytes ({}); resuming at {} bytes", displayName, offset,
                            GatewaySupport.describe(e), q.sizeReceived());
                    offset = Math.max(0, q.sizeReceived());
                }
            }
        }
    }

    /** Polls until ACTIVE, with backoff, until the processing deadline; FAILED is a named failure. */
    public FileResource waitActive(FileResource file) throws InterruptedException {
        Instant deadline = Instant.now().plus(settings.processingDeadline());
        Duration wait = settings.pollInitial();
        FileResource f = file;
        while (!f.isActive()) {
            if (f.isFailed()) {
                throw new GeminiException(GeminiErrorKind.FILE_PROCESSING_FAILED,
                        f.name() + " failed processing" + (f.error() != null ? ": " + f.error().message() : ""));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new GeminiException(GeminiErrorKind.DEADLINE_EXCEEDED, f.name() + " was still " + f.state()
                        + " after " + settings.processingDeadline().toSeconds() + " s (media.processing-deadline-seconds)");
            }
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2).compareTo(settings.pollMax()) > 0 ? settings.pollMax() : wait.multipliedBy(2);
            f = get(f.name());
        }
        return f;
    }

    public FileResource get(String name) {
        return call(GeminiCall.files("get " + name, GeminiCall.Kind.GET_FILE, name, null), FileResource.class);
    }

    /** Deletes a file; a file already gone is fine. */
    public void delete(String name, String sha256) {
        try {
            call(GeminiCall.files("delete " + name, GeminiCall.Kind.DELETE_FILE, name, null), Boolean.class);
        } catch (GeminiException e) {
            if (RetryPolicy.kindOf(e) != GeminiErrorKind.FILE_UNAVAILABLE) {
                LOG.warn("could not delete {}: {}", name, e.summary());
            }
        }
        if (sha256 != null) {
            registry.forget(sha256);
        }
    }

    private <T> T call(GeminiCall call, Class<T> type) {
        try {
            return gateway.requestBody("direct:gemini-gateway", call, type);
        } catch (CamelExecutionException e) {
            Throwable t = RetryPolicy.unwrap(e);
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new GeminiException(GeminiErrorKind.NETWORK, GatewaySupport.describe(t));
        }
    }

    private static Instant expiry(FileResource f) {
        try {
            return f.expirationTime() == null ? Instant.now().plus(Duration.ofHours(47))
                    : Instant.parse(f.expirationTime());
        } catch (RuntimeException e) {
            return Instant.now().plus(Duration.ofHours(47));
        }
    }

}

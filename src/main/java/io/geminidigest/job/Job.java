package io.geminidigest.job;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One unit of work, whatever the way in: an input (spooled to local disk), identified by its content hash.
 *
 * @param id         unique id of this job
 * @param source     the way in ({@code folder}, later {@code jms}, {@code http}, ...)
 * @param name       the input's name relative to its source, with sub-folders (e.g. {@code a/b/report.pdf}); outputs
 *                   are named after it
 * @param file       where the input's bytes are on local disk
 * @param sha256     hex SHA-256 of the content: the identity used against double billing
 * @param bytes      size of the content
 * @param receivedAt when the job was accepted
 */
public record Job(String id, String source, String name, Path file, String sha256, long bytes, Instant receivedAt) {

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        name = name.replace('\\', '/');
    }

    /** The last path element of {@link #name()}: what a person calls the file. */
    public String fileName() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }
}

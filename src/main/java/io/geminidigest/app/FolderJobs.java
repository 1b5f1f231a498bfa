package io.geminidigest.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import org.apache.camel.Exchange;

import io.geminidigest.job.ContentHasher;
import io.geminidigest.job.Job;

/** Turns a file taken by the folder consumer into a {@link Job}: name relative to the input folder, size, hash. */
public final class FolderJobs {

    private final ContentHasher hasher;

    public FolderJobs(ContentHasher hasher) {
        this.hasher = hasher;
    }

    public Job fromFile(Exchange exchange) throws java.io.IOException {
        String relative = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        Path file = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath();
        return new Job(UUID.randomUUID().toString(), "folder", relative, file, hasher.sha256(file), Files.size(file),
                Instant.now());
    }
}

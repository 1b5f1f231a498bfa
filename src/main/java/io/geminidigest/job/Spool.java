package io.geminidigest.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Local copies of inputs that arrive as bytes (HTTP, brokers): {@code <state.dir>/spool/<job id>}, written under a
 * temporary name and renamed, so a spool file is always complete. A job is accepted only after its bytes are here.
 */
public final class Spool {

    private final Path dir;

    public Spool(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the stream to a new spool file named by a fresh job id; returns its path. */
    public Path write(InputStream in) throws IOException {
        Files.createDirectories(dir);
        String id = UUID.randomUUID().toString();
        Path tmp = dir.resolve("." + id + ".part");
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Path target = dir.resolve(id);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Moves a file the caller wrote elsewhere (an HTTP upload) into the spool, under a fresh job id. */
    public Path adopt(Path file) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(UUID.randomUUID().toString());
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) { // another file system: copied, then renamed
            Path tmp = dir.resolve("." + target.getFileName() + ".part");
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(file);
        }
        return target;
    }

    public Path write(byte[] bytes) throws IOException {
        return write(new java.io.ByteArrayInputStream(bytes));
    }

    /** Removes a spool file that is no longer needed (a duplicate request, a finished job); never outside the spool. */
    public void discard(Path file) {
        if (file != null && file.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stale spool file costs disk only; nothing refers to it
            }
        }
    }
}

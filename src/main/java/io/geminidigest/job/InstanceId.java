package io.geminidigest.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The id this process holds its store leases under ({@link InstanceLease}): kept in {@code instance-id} in the state
 * folder, so that the same instance restarted after a crash takes its own claims back at once instead of waiting for
 * their leases to run out. The file is locked while the process runs: a second process started on the same state
 * folder (which is not supported: the embedded broker and H2 file live there too) gets a random id of its own
 * ({@link #persistent()} false), so that it never mistakes the first one's live claims for its own.
 */
public final class InstanceId implements AutoCloseable {

    static final String FILE = "instance-id";

    private final String id;
    private final boolean persistent;
    private final FileChannel channel;

    private InstanceId(String id, boolean persistent, FileChannel channel) {
        this.id = id;
        this.persistent = persistent;
        this.channel = channel;
    }

    /** Reads (or creates) the id of the state folder and locks it; a random id when another process holds it. */
    public static InstanceId of(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            Path file = stateDir.resolve(FILE + ".lock");
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already (another application in the same process)
            }
            if (lock == null) {
                channel.close();
                return new InstanceId(UUID.randomUUID().toString(), false, null);
            }
            Path idFile = stateDir.resolve(FILE);
            String id = Files.exists(idFile) ? Files.readString(idFile, StandardCharsets.UTF_8).strip() : "";
            if (id.isEmpty() || id.length() > 128) {
                id = UUID.randomUUID().toString();
                Path tmp = stateDir.resolve(FILE + ".tmp");
                Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, idFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return new InstanceId(id, true, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the instance id in " + stateDir, e);
        }
    }

    public String id() {
        return id;
    }

    /** Whether the id is the state folder's (kept across restarts), rather than a random one for this process. */
    public boolean persistent() {
        return persistent;
    }

    /** Releases the state folder's lock. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing: the lock goes with the process anyway
            }
        }
    }
}

package io.geminidigest.job;

import java.sql.SQLException;

import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;

/**
 * Keeps the embedded H2 store file about the size of its live data (route {@code store-maintenance}, every
 * {@code store.maintenance-seconds}); does nothing on any other database (PostgreSQL reclaims space with its own
 * autovacuum).
 * <p>
 * Why it is needed: H2 writes a new chunk to the file at every commit, and the store commits each change at once
 * ({@code WRITE_DELAY=0}, so that an accepted job is on disk when the call returns). With {@code WRITE_DELAY=0} H2 runs
 * no background thread, and that thread is what normally rewrites chunks that hold only a few live pages and moves
 * chunks into the holes: without it a chunk in which a single page is still live (a finished job's row, an index
 * leaf) stays in the file for ever, and the file grows by every commit for as long as the service runs.
 * <p>
 * Each run first forces what was written to the disk ({@code fsync}), then does that thread's housekeeping with H2's
 * own operations: the live pages of the sparsest chunks (up to {@code maxBytes}) are rewritten into a new chunk and
 * committed, and chunks are moved into the free space towards the start of the file, which is then truncated. H2
 * overwrites a chunk that went out of use only once it is older than its retention time ({@code RETENTION_TIME} of
 * the embedded URL, {@link #RETENTION_MILLIS}); the regular {@code fsync} here is what makes a retention time shorter
 * than H2's default of 45 s safe (H2's default assumes the operating system writes its buffers within 45 s), and the
 * file holds about that many seconds of the latest writes on top of the live data. Commits wait while a run lasts.
 */
public final class StoreCompaction implements AutoCloseable {

    /**
     * What a compaction did: the file size before and after, and H2's fill rates after (percent of the file in
     * chunks, percent of the chunks' space live); all 0 when there is no H2 file to compact.
     */
    public record Result(long before, long after, int fileFillRate, int chunksFillRate) {
    }

    /**
     * H2's retention time in the embedded store's URL: at least three maintenance runs (each one an {@code fsync})
     * pass before a chunk that went out of use may be overwritten.
     */
    public static long retentionMillis(int maintenanceSeconds) {
        return Math.max(15, 3L * maintenanceSeconds) * 1000;
    }

    /** Below this percentage of live data in the chunks, the sparsest ones are rewritten (H2's busy threshold). */
    static final int TARGET_FILL_RATE = 80;

    private final SingleConnection db;
    private final int maxBytes;

    /**
     * @param maxBytes how much one compaction may rewrite, and move, at most (bytes)
     */
    public StoreCompaction(String url, String user, String password, int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("store.compact-max-mb must be above 0: " + maxBytes + " bytes");
        }
        // another database is not touched at all (no connection of its own)
        this.db = url.startsWith("jdbc:h2:") ? new SingleConnection(url, user, password, "store compaction") : null;
        this.maxBytes = maxBytes;
    }

    /** Compacts the embedded H2 file; on another database, or an H2 database that is not an embedded file, nothing. */
    public Result compact() {
        if (db == null) {
            return new Result(0, 0, 0, 0);
        }
        return db.run(c -> {
            MVStore store = embeddedStore(c);
            if (store == null) {
                return new Result(0, 0, 0, 0);
            }
            FileStore<?> file = store.getFileStore();
            long before = file.size();
            // what replaced the chunks that went out of use is on disk before any of them can be overwritten
            store.sync();
            if (store.compact(TARGET_FILL_RATE, maxBytes)) {
                store.commit();
            }
            // Not {@code RandomAccessStore.compactMoveChunks} (moving chunks to truncate the file): run beside committing
            // threads it failed an H2 assertion and closed the database (StoreCompactionTest, once in several runs).
            // The space of rewritten chunks is reused by new ones once the retention time has passed, so the file
            // stays bounded; it does not shrink while the service runs.
            return new Result(before, file.size(), file.getFillRate(), file.getChunksFillRate());
        });
    }
    /** The MVStore of an embedded H2 file database, or null (another database, in-memory or remote H2). */
    private static MVStore embeddedStore(java.sql.Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)) {
            return null;
        }
        Session session = c.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local) || local.getDatabase().getStore() == null) {
            return null;
        }
        MVStore store = local.getDatabase().getStore().getMvStore();
        return store.getFileStore() == null || store.getFileStore().isReadOnly() ? null : store;
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
    }
}

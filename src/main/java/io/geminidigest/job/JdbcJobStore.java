package io.geminidigest.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link JobStore} in the database of the content index: an embedded H2 file by default, PostgreSQL by JDBC URL; the
 * same schema and SQL on both. One connection under a lock (a few statements per job); every change is committed
 * before the method returns, so a job that {@link #accept} returned survives a crash.
 */
public final class JdbcJobStore implements JobStore {

    private static final String COLUMNS = "id, source, source_message_id, name, sha256, bytes, spool_path, "
            + "content_type, options_json, reply_to, correlation_id, status, progress_done, progress_total, "
            + "tokens_in, tokens_out, tokens_thinking, cost_usd, error_json, result_json, created_at, updated_at";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SingleConnection db;

    public JdbcJobStore(String url, String user, String password) {
        this.db = new SingleConnection(url, user, password, "job store");
        run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS jobs ("
                        + " id VARCHAR(64) PRIMARY KEY,"
                        + " source VARCHAR(32) NOT NULL,"
                        + " source_message_id VARCHAR(512),"
                        + " name VARCHAR(4096) NOT NULL,"
                        + " sha256 VARCHAR(64) NOT NULL,"
                        + " bytes BIGINT NOT NULL,"
                        + " spool_path VARCHAR(4096) NOT NULL,"
                        + " content_type VARCHAR(256),"
                        + " options_json VARCHAR(65536),"
                        + " reply_to VARCHAR(1024),"
                        + " correlation_id VARCHAR(512),"
                        + " status VARCHAR(16) NOT NULL,"
                        + " progress_done INTEGER NOT NULL,"
                        + " progress_total INTEGER NOT NULL,"
                        + " tokens_in BIGINT NOT NULL,"
                        + " tokens_out BIGINT NOT NULL,"
                        + " tokens_thinking BIGINT NOT NULL,"
                        + " cost_usd DOUBLE PRECISION NOT NULL,"
                        + " error_json VARCHAR(1000000),"
                        + " result_json VARCHAR(1000000),"
                        + " created_at TIMESTAMP NOT NULL,"
                        + " updated_at TIMESTAMP NOT NULL)");
                // a redelivered message is the same job, also between processes sharing the database
                s.execute("CREATE UNIQUE INDEX IF NOT EXISTS jobs_source_message ON jobs (source, source_message_id)");
                s.execute("CREATE INDEX IF NOT EXISTS jobs_sha256 ON jobs (sha256)");
                s.execute("CREATE INDEX IF NOT EXISTS jobs_status_created ON jobs (status, created_at)");
            }
            return null;
        });
    }

    @Override
    public Accepted accept(String id, JobRequest request, String sha256, long bytes) {
        return run(c -> {
            if (request.messageId() != null) {
                Optional<JobRecord> same = one(c, "WHERE source = ? AND source_message_id = ?", request.source(),
                        request.messageId());
                if (same.isPresent()) {
                    return new Accepted(same.get(), true);
                }
            }
            Optional<JobRecord> sameContent = one(c, "WHERE sha256 = ? AND status NOT IN ('FAILED', 'CANCELLED') "
                    + "ORDER BY created_at DESC", sha256);
            if (sameContent.isPresent()) {
                return new Accepted(sameContent.get(), true);
            }
            try {
                insert(c, id, request, sha256, bytes, JobStatus.QUEUED);
            } catch (SQLException e) {
                if (isDuplicateKey(e) && request.messageId() != null) { // another process accepted it meanwhile
                    return new Accepted(one(c, "WHERE source = ? AND source_message_id = ?", request.source(),
                            request.messageId()).orElseThrow(() -> e), true);
                }
                throw e;
            }
            return new Accepted(one(c, "WHERE id = ?", id).orElseThrow(), false);
        });
    }

    @Override
    public JobRecord recordRunning(String id, JobRequest request, String sha256, long bytes) {
        return run(c -> {
            insert(c, id, request, sha256, bytes, JobStatus.RUNNING);
            return one(c, "WHERE id = ?", id).orElseThrow();
        });
    }

    private static void insert(Connection c, String id, JobRequest r, String sha256, long bytes, JobStatus status)
            throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO jobs (" + COLUMNS + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, NULL, NULL, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now());
            ins.setString(1, id);
            ins.setString(2, r.source());
            ins.setString(3, r.messageId());
            ins.setString(4, r.name());
            ins.setString(5, sha256);
            ins.setLong(6, bytes);
            ins.setString(7, r.spooled().toAbsolutePath().toString());
            ins.setString(8, r.contentType());
            ins.setString(9, optionsJson(r.options()));
            ins.setString(10, r.replyTo());
            ins.setString(11, r.correlationId());
            ins.setString(12, status.name());
            ins.setTimestamp(13, now);
            ins.setTimestamp(14, now);
            ins.executeUpdate();
        }
    }

    @Override
    public Optional<JobRecord> find(String id) {
        return run(c -> one(c, "WHERE id = ?", id));
    }

    @Override
    public Page list(JobStatus status, String source, int page, int size) {
        String where = " WHERE (? IS NULL OR status = ?) AND (? IS NULL OR source = ?)";
        return run(c -> {
            long total;
            try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM jobs" + where)) {
                bindFilter(q, status, source);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<JobRecord> jobs = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs" + where
                    + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")) {
                bindFilter(q, status, source);
                q.setInt(5, size);
                q.setLong(6, (long) page * size);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(read(rs));
                    }
                }
            }
            return new Page(jobs, page, size, total);
        });
    }

    private static void bindFilter(PreparedStatement q, JobStatus status, String source) throws SQLException {
        String s = status == null ? null : status.name();
        q.setString(1, s);
        q.setString(2, s);
        q.setString(3, source);
        q.setString(4, source);
    }

    @Override
    public boolean markRunning(String id) {
        return update("SET status = 'RUNNING' WHERE id = ? AND status IN ('QUEUED', 'PARKED')", id) == 1;
    }

    @Override
    public void progress(String id, int done, int total) {
        run(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE jobs SET progress_done = ?, progress_total = ?, updated_at = ? WHERE id = ?")) {
                u.setInt(1, done);
                u.setInt(2, total);
                u.setTimestamp(3, Timestamp.from(Instant.now()));
                u.setString(4, id);
                return u.executeUpdate();
            }
        });
    }

    @Override
    public void markParked(String id) {
        update("SET status = 'PARKED' WHERE id = ? AND status = 'RUNNING'", id);
    }

    @Override
    public void markDone(String id, String resultJson, Tokens tokens, double costUsd) {
        run(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET status = 'DONE', result_json = ?, "
                    + "tokens_in = ?, tokens_out = ?, tokens_thinking = ?, cost_usd = ?, "
                    + "progress_done = GREATEST(progress_total, 1), progress_total = GREATEST(progress_total, 1), "
                    + "updated_at = ? WHERE id = ?")) {
                u.setString(1, resultJson);
                u.setLong(2, tokens.in());
                u.setLong(3, tokens.out());
                u.setLong(4, tokens.thinking());
                u.setDouble(5, costUsd);
                u.setTimestamp(6, Timestamp.from(Instant.now()));
                u.setString(7, id);
                return u.executeUpdate();
            }
        });
    }

    @Override
    public void markFailed(String id, String errorJson) {
        run(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE jobs SET status = 'FAILED', error_json = ?, updated_at = ? WHERE id = ?")) {
                u.setString(1, errorJson);
                u.setTimestamp(2, Timestamp.from(Instant.now()));
                u.setString(3, id);
                return u.executeUpdate();
            }
        });
    }

    @Override
    public boolean cancel(String id) {
        return update("SET status = 'CANCELLED' WHERE id = ? AND status = 'QUEUED'", id) == 1;
    }

    @Override
    public List<JobRecord> queued(int limit) {
        return run(c -> {
            List<JobRecord> jobs = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE status = 'QUEUED' "
                    + "AND source <> 'folder' ORDER BY created_at, id LIMIT ?")) {
                q.setInt(1, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(read(rs));
                    }
                }
            }
            return jobs;
        });
    }

    @Override
    public long count(JobStatus status, String source) {
        return run(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT COUNT(*) FROM jobs WHERE status = ? AND (? IS NULL OR source = ?)")) {
                q.setString(1, status.name());
                q.setString(2, source);
                q.setString(3, source);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public List<StatusCount> counts() {
        return run(c -> {
            List<StatusCount> counts = new ArrayList<>();
            try (Statement q = c.createStatement();
                    ResultSet rs = q.executeQuery("SELECT status, source, COUNT(*) FROM jobs GROUP BY status, source")) {
                while (rs.next()) {
                    counts.add(new StatusCount(JobStatus.valueOf(rs.getString(1)), rs.getString(2), rs.getLong(3)));
                }
            }
            return counts;
        });
    }

    @Override
    public int requeueUnfinished() {
        return run(c -> {
            Timestamp now = Timestamp.from(Instant.now());
            // a folder job's input is still in the folder: the watcher takes it again, as a new job
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET status = 'FAILED', error_json = ?, "
                    + "updated_at = ? WHERE source = 'folder' AND status IN ('QUEUED', 'RUNNING', 'PARKED')")) {
                u.setString(1, "{\"status\":\"failed\",\"message\":\"interrupted by a restart; the file is "
                        + "taken again from the folder\"}");
                u.setTimestamp(2, now);
                u.executeUpdate();
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET status = 'QUEUED', progress_done = 0, "
                    + "updated_at = ? WHERE status IN ('RUNNING', 'PARKED')")) {
                u.setTimestamp(1, now);
                return u.executeUpdate();
            }
        });
    }

    @Override
    public boolean reachable() {
        return db.reachable();
    }

    /** {@code UPDATE jobs <set and where with one parameter, the id>}; also stamps updated_at. */
    private int update(String setAndWhere, String id) {
        String sql = "UPDATE jobs " + setAndWhere.replaceFirst("^SET ", "SET updated_at = ?, ");
        return run(c -> {
            try (PreparedStatement u = c.prepareStatement(sql)) {
                u.setTimestamp(1, Timestamp.from(Instant.now()));
                u.setString(2, id);
                return u.executeUpdate();
            }
        });
    }

    private static Optional<JobRecord> one(Connection c, String whereAndOrder, String... args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs " + whereAndOrder
                + " LIMIT 1")) {
            for (int i = 0; i < args.length; i++) {
                q.setString(i + 1, args[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static JobRecord read(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                JobStatus.valueOf(rs.getString(12)), rs.getInt(13), rs.getInt(14), rs.getLong(15), rs.getLong(16),
                rs.getLong(17), rs.getDouble(18), rs.getString(19), rs.getString(20), rs.getTimestamp(21).toInstant(),
                rs.getTimestamp(22).toInstant());
    }

    private static String optionsJson(Map<String, String> options) {
        if (options == null || options.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        db.close();
    }

    private <T> T run(SingleConnection.Work<T> work) {
        return db.run(work);
    }

    private static boolean isDuplicateKey(SQLException e) {
        return SingleConnection.isDuplicateKey(e);
    }
}

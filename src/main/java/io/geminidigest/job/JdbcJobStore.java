package io.geminidigest.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
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
 * before the method returns, so a job that {@link #accept} returned survives a crash. The replies jobs owe are the
 * table {@code job_replies} (the outbox), changed in the same transactions as the jobs they answer.
 * <p>
 * Several instances may share one database (PostgreSQL): a running or parked job and a claimed reply carry the
 * {@link InstanceLease#instanceId() instance id} that holds them and a lease, renewed by {@link #renewLeases()} while
 * the instance lives. At start-up an instance takes back only what has no live lease (expired, or its own id's, left
 * by its earlier run); every claim is a conditional UPDATE that one instance alone wins.
 */
public final class JdbcJobStore implements JobStore {

    private static final String COLUMNS = "id, source, source_message_id, name, sha256, bytes, spool_path, "
            + "content_type, options_json, reply_to, correlation_id, status, progress_done, progress_total, "
            + "tokens_in, tokens_out, tokens_thinking, cost_usd, error_json, result_json, created_at, updated_at";

    private static final String REPLY_COLUMNS = "id, job_id, reply_to, correlation_id, source, status, attempts, "
            + "last_error, created_at, sent_at";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SingleConnection db;
    private final InstanceLease lease;

    /** A store for a process of its own (random instance id, 90 s leases, the system clock). */
    public JdbcJobStore(String url, String user, String password) {
        this(url, user, password, InstanceLease.ephemeral(Duration.ofSeconds(90)));
    }

    public JdbcJobStore(String url, String user, String password, InstanceLease lease) {
        this.db = new SingleConnection(url, user, password, "job store");
        this.lease = lease;
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
                // the outbox: the replies jobs owe, made PENDING in the transaction that finishes the job
                s.execute("CREATE TABLE IF NOT EXISTS job_replies ("
                        + " id VARCHAR(64) PRIMARY KEY,"
                        + " job_id VARCHAR(64) NOT NULL,"
                        + " reply_to VARCHAR(1024) NOT NULL,"
                        + " correlation_id VARCHAR(512),"
                        + " source VARCHAR(32) NOT NULL,"
                        + " status VARCHAR(16) NOT NULL,"
                        + " attempts INTEGER NOT NULL,"
                        + " claimed_until TIMESTAMP,"
                        + " last_error VARCHAR(4096),"
                        + " created_at TIMESTAMP NOT NULL,"
                        + " sent_at TIMESTAMP)");
                s.execute("CREATE INDEX IF NOT EXISTS job_replies_job ON job_replies (job_id)");
                s.execute("CREATE INDEX IF NOT EXISTS job_replies_status ON job_replies (status, created_at)");
                // several instances on one database: who holds a running job or a reply being sent, until when
                s.execute("ALTER TABLE jobs ADD COLUMN IF NOT EXISTS lease_owner VARCHAR(128)");
                s.execute("ALTER TABLE jobs ADD COLUMN IF NOT EXISTS lease_until TIMESTAMP");
                s.execute("ALTER TABLE job_replies ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(128)");
            }
            return null;
        });
    }

    @Override
    public Accepted accept(String id, JobRequest request, String sha256, long bytes) {
        try {
            return db.transaction(c -> accept(c, id, request, sha256, bytes));
        } catch (IllegalStateException e) {
            // another process accepted the same message meanwhile (unique index): it is a duplicate of that job
            if (request.messageId() != null && e.getCause() instanceof SQLException sql && isDuplicateKey(sql)) {
                return db.transaction(c -> accept(c, id, request, sha256, bytes));
            }
            throw e;
        }
    }

    /** Job and reply in one transaction: the request's reply is owed as soon as the job (or its duplicate) is. */
    private Accepted accept(Connection c, String id, JobRequest request, String sha256, long bytes)
            throws SQLException {
        Optional<JobRecord> same = Optional.empty();
        if (request.messageId() != null) {
            same = one(c, "WHERE source = ? AND source_message_id = ?", request.source(), request.messageId());
        }
        if (same.isEmpty()) {
            same = sameResult(c, sha256, request.options());
        }
        if (same.isPresent()) {
            owe(c, same.get(), request);
            return new Accepted(same.get(), true);
        }
        insert(c, id, request, sha256, bytes, JobStatus.QUEUED);
        JobRecord job = one(c, "WHERE id = ?", id).orElseThrow();
        owe(c, job, request);
        return new Accepted(job, false);
    }

    /**
     * The newest job of the same content and the same options that change the result ({@link JobIdentity}) that is
     * not failed or cancelled: the same content asked for with other options is another job.
     */
    private static Optional<JobRecord> sameResult(Connection c, String sha256, Map<String, String> options)
            throws SQLException {
        String wanted = null;
        try (PreparedStatement q = c.prepareStatement("SELECT id, options_json FROM jobs WHERE sha256 = ? "
                + "AND status NOT IN ('FAILED', 'CANCELLED') ORDER BY created_at DESC")) {
            q.setString(1, sha256);
            try (ResultSet rs = q.executeQuery()) {
                while (wanted == null && rs.next()) {
                    if (JobIdentity.sameResult(options, readOptions(rs.getString(2)))) {
                        wanted = rs.getString(1);
                    }
                }
            }
        }
        return wanted == null ? Optional.empty() : one(c, "WHERE id = ?", wanted);
    }

    /** Stored options (a JSON object of strings); unreadable ones match no request. */
    private static Map<String, String> readOptions(String optionsJson) {
        if (optionsJson == null || optionsJson.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> m = new java.util.HashMap<>();
            JSON.readTree(optionsJson).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", optionsJson);
        }
    }

    /**
     * Records the reply the request asked for, if it asked for one: WAITING while the job is not finished, PENDING
     * when it is. A request whose reply (same destination, same correlation id) is owed already adds none; one whose
     * reply was sent gets it again.
     */
    private void owe(Connection c, JobRecord job, JobRequest request) throws SQLException {
        if (request.replyTo() == null || request.replyTo().isBlank()) {
            return;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM job_replies WHERE job_id = ? "
                + "AND reply_to = ? AND COALESCE(correlation_id, '') = ? AND status <> 'SENT'")) {
            q.setString(1, job.id());
            q.setString(2, request.replyTo());
            q.setString(3, request.correlationId() == null ? "" : request.correlationId());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
        }
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO job_replies (id, job_id, reply_to, "
                + "correlation_id, source, status, attempts, claimed_until, last_error, created_at, sent_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, NULL)")) {
            ins.setString(1, java.util.UUID.randomUUID().toString());
            ins.setString(2, job.id());
            ins.setString(3, request.replyTo());
            ins.setString(4, request.correlationId());
            ins.setString(5, request.source());
            ins.setString(6, (job.status().isFinal() ? JobReply.Status.PENDING : JobReply.Status.WAITING).name());
            ins.setTimestamp(7, now());
            ins.executeUpdate();
        }
    }

    /** The job's WAITING replies become PENDING (in the transaction that gives the job its final status). */
    private static void repliesDue(Connection c, String jobId) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE job_replies SET status = 'PENDING' WHERE job_id = ? AND status = 'WAITING'")) {
            u.setString(1, jobId);
            u.executeUpdate();
        }
    }

    @Override
    public JobRecord recordRunning(String id, JobRequest request, String sha256, long bytes) {
        return run(c -> {
            insert(c, id, request, sha256, bytes, JobStatus.RUNNING);
            holdLease(c, id);
            return one(c, "WHERE id = ?", id).orElseThrow();
        });
    }

    private void holdLease(Connection c, String id) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE id = ?")) {
            u.setString(1, lease.instanceId());
            u.setTimestamp(2, Timestamp.from(lease.until()));
            u.setString(3, id);
            u.executeUpdate();
        }
    }

    private void insert(Connection c, String id, JobRequest r, String sha256, long bytes, JobStatus status)
            throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO jobs (" + COLUMNS + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, NULL, NULL, ?, ?)")) {
            Timestamp now = now();
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

    /**
     * A queued job, or a job this instance parked: one instance alone wins the conditional UPDATE, and holds the job
     * under its lease.
     */
    @Override
    public boolean markRunning(String id) {
        return run(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET status = 'RUNNING', updated_at = ?, "
                    + "lease_owner = ?, lease_until = ? WHERE id = ? AND (status = 'QUEUED' "
                    + "OR (status = 'PARKED' AND (lease_owner IS NULL OR lease_owner = ?)))")) {
                u.setTimestamp(1, now());
                u.setString(2, lease.instanceId());
                u.setTimestamp(3, Timestamp.from(lease.until()));
                u.setString(4, id);
                u.setString(5, lease.instanceId());
                return u.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int renewLeases() {
        return run(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET lease_until = ? WHERE lease_owner = ? "
                    + "AND status IN ('RUNNING', 'PARKED')")) {
                u.setTimestamp(1, Timestamp.from(lease.until()));
                u.setString(2, lease.instanceId());
                return u.executeUpdate();
            }
        });
    }

    @Override
    public void progress(String id, int done, int total) {
        run(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE jobs SET progress_done = ?, progress_total = ?, updated_at = ? WHERE id = ?")) {
                u.setInt(1, done);
                u.setInt(2, total);
                u.setTimestamp(3, now());
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
    public boolean markDone(String id, String resultJson, Tokens tokens, double costUsd) {
        return finish(id, "status = 'DONE', result_json = ?, progress_done = GREATEST(progress_total, 1), "
                + "progress_total = GREATEST(progress_total, 1)", resultJson, tokens, costUsd);
    }

    @Override
    public boolean markFailed(String id, String errorJson, Tokens tokens, double costUsd) {
        return finish(id, "status = 'FAILED', error_json = ?", errorJson, tokens, costUsd);
    }

    /**
     * A job's end: its final status and report ({@code set} with one parameter, the report), what it was billed, the
     * lease released; its WAITING replies become PENDING in the same transaction. Only while the job is this
     * instance's (or no one's): an instance that stalled past its lease, whose job another instance took over,
     * records nothing and makes no reply due (false).
     */
    private boolean finish(String id, String set, String report, Tokens tokens, double costUsd) {
        return db.transaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET " + set + ", tokens_in = ?, "
                    + "tokens_out = ?, tokens_thinking = ?, cost_usd = ?, updated_at = ?, lease_owner = NULL, "
                    + "lease_until = NULL WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ?)")) {
                u.setString(1, report);
                u.setLong(2, tokens.in());
                u.setLong(3, tokens.out());
                u.setLong(4, tokens.thinking());
                u.setDouble(5, costUsd);
                u.setTimestamp(6, now());
                u.setString(7, id);
                u.setString(8, lease.instanceId());
                if (u.executeUpdate() != 1) {
                    return false;
                }
            }
            repliesDue(c, id);
            return true;
        });
    }

    @Override
    public boolean cancel(String id) {
        return db.transaction(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE jobs SET status = 'CANCELLED', updated_at = ? WHERE id = ? AND status = 'QUEUED'")) {
                u.setTimestamp(1, now());
                u.setString(2, id);
                if (u.executeUpdate() != 1) {
                    return false;
                }
            }
            repliesDue(c, id);
            return true;
        });
    }

    @Override
    public List<JobReply> claimReplies(String jobId, Duration claimFor, int limit) {
        return db.transaction(c -> {
            Timestamp now = now();
            List<JobReply> due = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT " + REPLY_COLUMNS + " FROM job_replies "
                    + "WHERE status = 'PENDING' AND (? IS NULL OR job_id = ?) "
                    + "AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY created_at, id LIMIT ?")) {
                q.setString(1, jobId);
                q.setString(2, jobId);
                q.setTimestamp(3, now);
                q.setInt(4, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        due.add(readReply(rs));
                    }
                }
            }
            List<JobReply> claimed = new ArrayList<>();
            try (PreparedStatement u = c.prepareStatement("UPDATE job_replies SET claimed_until = ?, "
                    + "claimed_by = ?, attempts = attempts + 1 WHERE id = ? AND status = 'PENDING' "
                    + "AND (claimed_until IS NULL OR claimed_until < ?)")) {
                for (JobReply r : due) {
                    u.setTimestamp(1, Timestamp.from(now.toInstant().plus(claimFor)));
                    u.setString(2, lease.instanceId());
                    u.setString(3, r.id());
                    u.setTimestamp(4, now);
                    // another process may have claimed it since the select
                    if (u.executeUpdate() == 1) {
                        claimed.add(new JobReply(r.id(), r.jobId(), r.replyTo(), r.correlationId(), r.source(),
                                r.status(), r.attempts() + 1, r.lastError(), r.createdAt(), r.sentAt()));
                    }
                }
            }
            return claimed;
        });
    }

    @Override
    public void replySent(String replyId) {
        run(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE job_replies SET status = 'SENT', sent_at = ?, "
                    + "claimed_until = NULL, claimed_by = NULL, last_error = NULL WHERE id = ?")) {
                u.setTimestamp(1, now());
                u.setString(2, replyId);
                return u.executeUpdate();
            }
        });
    }

    @Override
    public void replyNotSent(String replyId, String error, Duration retryAfter) {
        run(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE job_replies SET last_error = ?, claimed_until = ? "
                    + "WHERE id = ? AND status = 'PENDING'")) {
                u.setString(1, error == null ? null : error.substring(0, Math.min(error.length(), 4000)));
                u.setTimestamp(2, Timestamp.from(lease.now().plus(retryAfter)));
                u.setString(3, replyId);
                return u.executeUpdate();
            }
        });
    }

    @Override
    public int releaseReplyClaims() {
        return run(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE job_replies SET claimed_until = NULL, "
                    + "claimed_by = NULL WHERE status = 'PENDING' AND claimed_by = ? AND claimed_until IS NOT NULL")) {
                u.setString(1, lease.instanceId());
                return u.executeUpdate();
            }
        });
    }

    @Override
    public List<JobReply> replies(String jobId) {
        return run(c -> {
            List<JobReply> all = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT " + REPLY_COLUMNS + " FROM job_replies "
                    + "WHERE job_id = ? ORDER BY created_at, id")) {
                q.setString(1, jobId);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        all.add(readReply(rs));
                    }
                }
            }
            return all;
        });
    }

    private static JobReply readReply(ResultSet rs) throws SQLException {
        Timestamp sent = rs.getTimestamp(10);
        return new JobReply(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                JobReply.Status.valueOf(rs.getString(6)), rs.getInt(7), rs.getString(8),
                rs.getTimestamp(9).toInstant(), sent == null ? null : sent.toInstant());
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
        return requeue(true);
    }

    @Override
    public int requeueExpired() {
        return requeue(false);
    }

    /**
     * Unfinished jobs without a live lease (expired or never given; with {@code ownToo}, also this instance id's, left
     * by its earlier run) go back to QUEUED; folder jobs among them are closed as FAILED (the watcher takes the file
     * again) and the replies waiting on those are due.
     */
    private int requeue(boolean ownToo) {
        String free = " AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < ?"
                + (ownToo ? " OR lease_owner = ?" : "") + ")";
        return db.transaction(c -> {
            Timestamp now = now();
            // replies waiting on a folder job that is closed below are owed now (with its error)
            try (PreparedStatement u = c.prepareStatement("UPDATE job_replies SET status = 'PENDING' "
                    + "WHERE status = 'WAITING' AND job_id IN (SELECT id FROM jobs WHERE source = 'folder' "
                    + "AND status IN ('QUEUED', 'RUNNING', 'PARKED')" + free + ")")) {
                bindFree(u, 1, now, ownToo);
                u.executeUpdate();
            }
            // a folder job's input is still in the folder: the watcher takes it again, as a new job
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET status = 'FAILED', error_json = ?, "
                    + "updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE source = 'folder' "
                    + "AND status IN ('QUEUED', 'RUNNING', 'PARKED')" + free)) {
                u.setString(1, "{\"status\":\"failed\",\"message\":\"interrupted by a restart; the file is "
                        + "taken again from the folder\"}");
                u.setTimestamp(2, now);
                bindFree(u, 3, now, ownToo);
                u.executeUpdate();
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE jobs SET status = 'QUEUED', progress_done = 0, "
                    + "updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE status IN ('RUNNING', 'PARKED')"
                    + free)) {
                u.setTimestamp(1, now);
                bindFree(u, 2, now, ownToo);
                return u.executeUpdate();
            }
        });
    }

    private void bindFree(PreparedStatement u, int first, Timestamp now, boolean ownToo) throws SQLException {
        u.setTimestamp(first, now);
        if (ownToo) {
            u.setString(first + 1, lease.instanceId());
        }
    }

    /** Finished jobs removed per transaction (a short one: other statements wait on the connection meanwhile). */
    static final int REMOVE_BATCH = 500;

    @Override
    public int removeFinishedBefore(Instant before) {
        String old = "SELECT j.id FROM jobs j WHERE j.status IN ('DONE', 'FAILED', 'CANCELLED') AND j.updated_at < ? "
                + "AND NOT EXISTS (SELECT 1 FROM job_replies o WHERE o.job_id = j.id AND o.status <> 'SENT') "
                + "ORDER BY j.updated_at LIMIT " + REMOVE_BATCH;
        int total = 0;
        int removed;
        do {
            removed = db.transaction(c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement(old)) {
                    q.setTimestamp(1, Timestamp.from(before));
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                try (PreparedStatement r = c.prepareStatement("DELETE FROM job_replies WHERE job_id = ?");
                        PreparedStatement j = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
                    for (String id : ids) {
                        r.setString(1, id);
                        r.addBatch();
                        j.setString(1, id);
                        j.addBatch();
                    }
                    r.executeBatch();
                    j.executeBatch();
                }
                return ids.size();
            });
            total += removed;
        } while (removed == REMOVE_BATCH);
        return total;
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
                u.setTimestamp(1, now());
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

    private Timestamp now() {
        return Timestamp.from(lease.now());
    }

    private <T> T run(SingleConnection.Work<T> work) {
        return db.run(work);
    }

    private static boolean isDuplicateKey(SQLException e) {
        return SingleConnection.isDuplicateKey(e);
    }
}

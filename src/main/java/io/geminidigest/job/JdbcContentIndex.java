package io.geminidigest.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * {@link ContentIndex} in a relational store: an embedded H2 database file by default, PostgreSQL when configured by
 * JDBC URL (the same schema and SQL on both).
 * <p>
 * One connection under a lock ({@link SingleConnection}): the index is touched a few times per document.
 * <p>
 * Several instances may share the database: a claim carries the instance id that holds it and a lease, renewed by
 * {@link #renewLeases()}; a claim whose lease expired may be taken over (a conditional UPDATE one instance wins), and
 * only claims without a live lease are released at start-up.
 */
public final class JdbcContentIndex implements ContentIndex {

    static final String CLAIMED = "claimed";
    static final String DONE = "done";

    private final SingleConnection db;
    private final InstanceLease lease;

    /** An index for a process of its own (random instance id, 90 s leases, the system clock). */
    public JdbcContentIndex(String url, String user, String password) {
        this(url, user, password, InstanceLease.ephemeral(java.time.Duration.ofSeconds(90)));
    }

    public JdbcContentIndex(String url, String user, String password, InstanceLease lease) {
        this.db = new SingleConnection(url, user, password, "content index");
        this.lease = lease;
        withConnection(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS processed_content ("
                        + " sha256 VARCHAR(64) PRIMARY KEY,"
                        + " state VARCHAR(16) NOT NULL,"
                        + " source VARCHAR(4096) NOT NULL,"
                        + " output_ref VARCHAR(4096),"
                        + " updated_at TIMESTAMP NOT NULL)");
                s.execute("ALTER TABLE processed_content ADD COLUMN IF NOT EXISTS lease_owner VARCHAR(128)");
                s.execute("ALTER TABLE processed_content ADD COLUMN IF NOT EXISTS lease_until TIMESTAMP");
            }
            return null;
        });
    }

    @Override
    public Claim claim(String sha256, String source) {
        return withConnection(c -> {
            Timestamp now = Timestamp.from(lease.now());
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT state, source, output_ref, lease_until FROM processed_content WHERE sha256 = ?")) {
                q.setString(1, sha256);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        String state = rs.getString(1);
                        if (DONE.equals(state)) {
                            return new Claim(Claim.State.DONE, rs.getString(2), rs.getString(3));
                        }
                        Timestamp until = rs.getTimestamp(4);
                        if (until != null && !until.before(now)) {
                            return new Claim(Claim.State.BUSY, rs.getString(2), null);
                        }
                        // its holder stopped renewing (it died): taken over, by one instance only
                        return takeOver(c, sha256, source, now) ? Claim.fresh()
                                : new Claim(Claim.State.BUSY, rs.getString(2), null);
                    }
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO processed_content (sha256, state, source, "
                    + "output_ref, updated_at, lease_owner, lease_until) VALUES (?, ?, ?, NULL, ?, ?, ?)")) {
                ins.setString(1, sha256);
                ins.setString(2, CLAIMED);
                ins.setString(3, source);
                ins.setTimestamp(4, now);
                ins.setString(5, lease.instanceId());
                ins.setTimestamp(6, Timestamp.from(lease.until()));
                ins.executeUpdate();
                return Claim.fresh();
            } catch (SQLException e) {
                if (isDuplicateKey(e)) { // another process claimed it between our read and our insert
                    return new Claim(Claim.State.BUSY, source, null);
                }
                throw e;
            }
        });
    }

    private boolean takeOver(Connection c, String sha256, String source, Timestamp now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE processed_content SET source = ?, updated_at = ?, "
                + "lease_owner = ?, lease_until = ? WHERE sha256 = ? AND state = ? "
                + "AND (lease_until IS NULL OR lease_until < ?)")) {
            u.setString(1, source);
            u.setTimestamp(2, now);
            u.setString(3, lease.instanceId());
            u.setTimestamp(4, Timestamp.from(lease.until()));
            u.setString(5, sha256);
            u.setString(6, CLAIMED);
            u.setTimestamp(7, now);
            return u.executeUpdate() == 1;
        }
    }

    @Override
    public void complete(String sha256, String source, String outputRef) {
        withConnection(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE processed_content SET state = ?, source = ?, output_ref = ?, updated_at = ?, "
                    + "lease_owner = NULL, lease_until = NULL WHERE sha256 = ?")) {
                u.setString(1, DONE);
                u.setString(2, source);
                u.setString(3, outputRef);
                u.setTimestamp(4, Timestamp.from(lease.now()));
                u.setString(5, sha256);
                if (u.executeUpdate() == 0) {
                    try (PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO processed_content (sha256, state, source, output_ref, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                        ins.setString(1, sha256);
                        ins.setString(2, DONE);
                        ins.setString(3, source);
                        ins.setString(4, outputRef);
                        ins.setTimestamp(5, Timestamp.from(lease.now()));
                        ins.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void release(String sha256) {
        withConnection(c -> {
            // only this instance's claim (or one from before leases): a claim another instance took over stays
            try (PreparedStatement d = c.prepareStatement("DELETE FROM processed_content WHERE sha256 = ? "
                    + "AND state = ? AND (lease_owner IS NULL OR lease_owner = ?)")) {
                d.setString(1, sha256);
                d.setString(2, CLAIMED);
                d.setString(3, lease.instanceId());
                d.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int renewLeases() {
        return withConnection(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE processed_content SET lease_until = ? WHERE state = ? AND lease_owner = ?")) {
                u.setTimestamp(1, Timestamp.from(lease.until()));
                u.setString(2, CLAIMED);
                u.setString(3, lease.instanceId());
                return u.executeUpdate();
            }
        });
    }

    @Override
    public int releaseUnfinished() {
        return withConnection(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM processed_content WHERE state = ? "
                    + "AND (lease_owner IS NULL OR lease_owner = ? OR lease_until IS NULL OR lease_until < ?)")) {
                d.setString(1, CLAIMED);
                d.setString(2, lease.instanceId());
                d.setTimestamp(3, Timestamp.from(lease.now()));
                return d.executeUpdate();
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }

    private <T> T withConnection(SingleConnection.Work<T> work) {
        return db.run(work);
    }

    private static boolean isDuplicateKey(SQLException e) {
        return SingleConnection.isDuplicateKey(e);
    }
}

package io.geminidigest.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * {@link ContentIndex} in a relational store: an embedded H2 database file by default, PostgreSQL when configured by
 * JDBC URL (the same schema and SQL on both).
 * <p>
 * One connection under a lock ({@link SingleConnection}): the index is touched a few times per document.
 */
public final class JdbcContentIndex implements ContentIndex {

    static final String CLAIMED = "claimed";
    static final String DONE = "done";

    private final SingleConnection db;

    public JdbcContentIndex(String url, String user, String password) {
        this.db = new SingleConnection(url, user, password, "content index");
        withConnection(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS processed_content ("
                        + " sha256 VARCHAR(64) PRIMARY KEY,"
                        + " state VARCHAR(16) NOT NULL,"
                        + " source VARCHAR(4096) NOT NULL,"
                        + " output_ref VARCHAR(4096),"
                        + " updated_at TIMESTAMP NOT NULL)");
            }
            return null;
        });
    }

    @Override
    public Claim claim(String sha256, String source) {
        return withConnection(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT state, source, output_ref FROM processed_content WHERE sha256 = ?")) {
                q.setString(1, sha256);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        String state = rs.getString(1);
                        return DONE.equals(state) ? new Claim(Claim.State.DONE, rs.getString(2), rs.getString(3))
                                : new Claim(Claim.State.BUSY, rs.getString(2), null);
                    }
                }
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO processed_content (sha256, state, source, output_ref, updated_at) VALUES (?, ?, ?, NULL, ?)")) {
                ins.setString(1, sha256);
                ins.setString(2, CLAIMED);
                ins.setString(3, source);
                ins.setTimestamp(4, Timestamp.from(Instant.now()));
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

    @Override
    public void complete(String sha256, String source, String outputRef) {
        withConnection(c -> {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE processed_content SET state = ?, source = ?, output_ref = ?, updated_at = ? WHERE sha256 = ?")) {
                u.setString(1, DONE);
                u.setString(2, source);
                u.setString(3, outputRef);
                u.setTimestamp(4, Timestamp.from(Instant.now()));
                u.setString(5, sha256);
                if (u.executeUpdate() == 0) {
                    try (PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO processed_content (sha256, state, source, output_ref, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                        ins.setString(1, sha256);
                        ins.setString(2, DONE);
                        ins.setString(3, source);
                        ins.setString(4, outputRef);
                        ins.setTimestamp(5, Timestamp.from(Instant.now()));
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
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM processed_content WHERE sha256 = ? AND state = ?")) {
                d.setString(1, sha256);
                d.setString(2, CLAIMED);
                d.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int releaseUnfinished() {
        return withConnection(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM processed_content WHERE state = ?")) {
                d.setString(1, CLAIMED);
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

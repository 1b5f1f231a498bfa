package io.geminidigest.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Remembers which content (by SHA-256) is uploaded to the Files API, under which file name, until when; so that a file
 * still alive on the server (48 h) is reused instead of uploaded again, also after a restart. Same store as the
 * content index (embedded H2 file by default, PostgreSQL by URL).
 */
public final class UploadRegistry implements AutoCloseable {

    /** An upload that the server still has (as far as we know). */
    public record Uploaded(String sha256, String fileName, String uri, String mimeType, Instant expiresAt) {
    }

    private final SingleConnection db;

    public UploadRegistry(String url, String user, String password) {
        this.db = new SingleConnection(url, user, password, "upload registry");
        run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS gemini_uploads (sha256 VARCHAR(64) PRIMARY KEY,"
                        + " file_name VARCHAR(256) NOT NULL, uri VARCHAR(1024) NOT NULL, mime_type VARCHAR(128) NOT NULL,"
                        + " expires_at TIMESTAMP NOT NULL)");
            }
            return null;
        });
    }

    /** The upload of this content, if it does not expire within {@code margin}. */
    public Optional<Uploaded> find(String sha256, java.time.Duration margin) {
        return run(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT file_name, uri, mime_type, expires_at FROM gemini_uploads WHERE sha256 = ?")) {
                q.setString(1, sha256);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        Instant expires = rs.getTimestamp(4).toInstant();
                        if (expires.isAfter(Instant.now().plus(margin))) {
                            return Optional.of(new Uploaded(sha256, rs.getString(1), rs.getString(2), rs.getString(3),
                                    expires));
                        }
                    }
                }
            }
            return Optional.<Uploaded>empty();
        });
    }

    public void remember(Uploaded u) {
        run(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM gemini_uploads WHERE sha256 = ?")) {
                d.setString(1, u.sha256());
                d.executeUpdate();
            }
            try (PreparedStatement i = c.prepareStatement(
                    "INSERT INTO gemini_uploads (sha256, file_name, uri, mime_type, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                i.setString(1, u.sha256());
                i.setString(2, u.fileName());
                i.setString(3, u.uri());
                i.setString(4, u.mimeType());
                i.setTimestamp(5, Timestamp.from(u.expiresAt()));
                i.executeUpdate();
            }
            return null;
        });
    }

    public void forget(String sha256) {
        run(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM gemini_uploads WHERE sha256 = ?")) {
                d.setString(1, sha256);
                d.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void close() {
        db.close();
    }

    private <T> T run(SingleConnection.Work<T> work) {
        return db.run(work);
    }
}

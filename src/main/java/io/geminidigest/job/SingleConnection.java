package io.geminidigest.job;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JDBC connection used under a lock, re-opened if it breaks: what the store's tables need (a few statements per
 * job). A pool would only add a dependency. Shared by the content index, the job store and the upload registry, each
 * with its own connection to the same database (embedded H2 file or PostgreSQL).
 */
final class SingleConnection implements AutoCloseable {

    /** Work on the connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final String url;
    private final String what;
    private final Properties credentials = new Properties();
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;

    /**
     * @param what names the store in error messages (e.g. "job store")
     */
    SingleConnection(String url, String user, String password, String what) {
        this.url = url;
        this.what = what;
        if (user != null && !user.isBlank()) {
            credentials.setProperty("user", user);
        }
        if (password != null && !password.isBlank()) {
            credentials.setProperty("password", password);
        }
    }

    /** Runs the work under the lock, on an open connection in auto-commit mode. */
    <T> T run(Work<T> work) {
        lock.lock();
        try {
            return work.run(open());
        } catch (SQLException e) {
            throw new IllegalStateException(what + " (" + safeUrl() + "): " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the work under the lock in one transaction: committed when it returns, rolled back when it throws (so
     * several statements take effect together or not at all).
     */
    <T> T transaction(Work<T> work) {
        lock.lock();
        try {
            Connection c = open();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what + " (" + safeUrl() + "): " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the database answers. */
    boolean reachable() {
        lock.lock();
        try {
            open();
            return true;
        } catch (SQLException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private Connection open() throws SQLException {
        if (connection == null || !connection.isValid(2)) {
            connection = DriverManager.getConnection(url, credentials);
            connection.setAutoCommit(true);
        }
        return connection;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // closing: nothing left to do
        } finally {
            connection = null;
            lock.unlock();
        }
    }

    /** The URL without its query part (which may hold credentials). */
    String safeUrl() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    static boolean isDuplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}

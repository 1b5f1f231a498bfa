package io.geminidigest.extract;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.geminidigest.extract.WorkerProtocol.Response;

/**
 * One running {@link ExtractionWorker} JVM and its pipes. Used by one thread at a time.
 */
final class WorkerProcess {

    /** The worker JVM exited (crash, out of memory with {@code -XX:+ExitOnOutOfMemoryError}, kill). */
    static final class WorkerDiedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        WorkerDiedException(int exitCode, Throwable cause) {
            super("extraction worker exited with code " + exitCode, cause);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    private final Process process;
    private final BufferedWriter stdin;
    private final BufferedReader stdout;
    private final ExecutorService reader;
    private boolean ready;

    private WorkerProcess(Process process, ExecutorService reader) {
        this.process = process;
        this.reader = reader;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts a worker JVM. Its stderr goes to {@code stderr} (a log file, or discarded).
     *
     * @param reader threads that do the blocking reads of worker stdout, so reads can time out
     */
    static WorkerProcess start(List<String> command, Redirect stderr, ExecutorService reader) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectError(stderr)
                .redirectInput(Redirect.PIPE)
                .redirectOutput(Redirect.PIPE)
                .start();
        return new WorkerProcess(process, reader);
    }

    /**
     * Sends one request and waits for its answer, first waiting (with {@code startupTimeout}) for the
     * ready line of a fresh worker.
     *
     * @throws TimeoutException      if no answer came within {@code timeout}; the worker is then unusable
     * @throws WorkerDiedException   if the worker exited or its pipes broke
     * @throws IllegalStateException if a fresh worker did not start within {@code startupTimeout}
     */
    Response call(String requestLine, Duration startupTimeout, Duration timeout)
            throws TimeoutException, WorkerDiedException {
        if (!ready) {
            try {
                Response hello = readResponse(startupTimeout);
                if (!hello.isReady()) {
                    throw new IllegalStateException("extraction worker sent " + hello + " instead of ready");
                }
                ready = true;
            } catch (TimeoutException e) {
                kill();
                throw new IllegalStateException("extraction worker did not start within " + startupTimeout, e);
            }
        }
        try {
            stdin.write(requestLine);
            stdin.newLine();
            stdin.flush();
        } catch (IOException e) {
            throw died(e);
        }
        return readResponse(timeout);
    }

    private Response readResponse(Duration timeout) throws TimeoutException, WorkerDiedException {
        Future<String> line = reader.submit(stdout::readLine);
        try {
            String text = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                throw died(null);
            }
            return WorkerProtocol.read(text, Response.class);
        } catch (TimeoutException e) {
            kill(); // also ends the blocked read
            throw e;
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw died(e);
        } catch (ExecutionException | IOException e) {
            throw died(e);
        }
    }

    private WorkerDiedException died(Throwable cause) {
        int exitCode;
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            exitCode = -1;
        }
        return new WorkerDiedException(exitCode, cause);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Ends the worker at once. */
    void kill() {
        process.destroyForcibly();
    }

    /** Asks the worker to exit by closing its stdin, then kills it if it is still there. */
    void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // the worker is gone already
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }
}

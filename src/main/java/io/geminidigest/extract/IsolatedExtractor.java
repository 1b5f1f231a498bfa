package io.geminidigest.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.geminidigest.extract.WorkerProcess.WorkerDiedException;
import io.geminidigest.extract.WorkerProtocol.Request;
import io.geminidigest.extract.WorkerProtocol.Response;

/**
 * The production {@link DocumentExtractor}: parses documents in a small pool of long-lived child
 * JVMs ({@link ExtractionWorker}), so that a parser that hangs, loops, runs out of memory or crashes
 * never stalls or kills the pipeline's JVM.
 *
 * <ul>
 *   <li>Each worker is started with the current {@code java} binary and class path, {@code -Xmx} of
 *       {@link ExtractionLimits#workerHeap()}, {@code -XX:+ExitOnOutOfMemoryError} and headless AWT;
 *       its stderr goes to a log file (or is discarded), its stdout carries only the protocol.</li>
 *   <li>Requests and answers are single JSON lines ({@link WorkerProtocol}); the text comes back in a
 *       temp file, which this class reads and deletes.</li>
 *   <li>No answer within {@link ExtractionLimits#timeout()}: the worker is killed, a fresh one is
 *       started and {@link ExtractionFailure#TIMEOUT} is thrown. A worker that dies (out of memory
 *       exits the JVM) is replaced and {@link ExtractionFailure#TOO_LARGE} is thrown.</li>
 *   <li>Thread-safe: up to {@link ExtractionLimits#workers()} documents are extracted at once; more
 *       callers wait for a free worker. Workers start lazily, on first use, and are reused.</li>
 * </ul>
 *
 * <p><b>Why not Tika's {@code ForkParser}?</b> In Tika 3.x the {@code ForkParser} either needs a
 * {@code tika-bin} directory of parser jars laid out for it, or serializes the parser and its class
 * loader over the pipe to a bootstrap JVM; both are fragile from a shaded jar and from a test class
 * path, and its failure reporting is coarse. A plain worker {@code main} on our own class path is a
 * few small classes, runs the very same {@link TikaExtraction} code as the in-process path, works
 * identically from the shaded jar and from tests, and lets us report named failures (timeout, out of
 * memory) and pass the text through a file instead of a pipe.
 */
public final class IsolatedExtractor implements DocumentExtractor, AutoCloseable {

    /** How long a fresh worker may take to load Tika before it counts as broken. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** Exit status of a JVM stopped by {@code -XX:+ExitOnOutOfMemoryError}. */
    static final int OUT_OF_MEMORY_EXIT = 3;

    private final ExtractionLimits limits;
    private final List<String> command;
    private final Redirect stderr;
    private final BlockingQueue<Slot> idle;
    private final List<Slot> slots = new ArrayList<>();
    private final ExecutorService readers;
    private final AtomicLong requestIds = new AtomicLong();
    private volatile boolean closed;

    /** Workers log to {@code gemini-digest-extract-worker.log} in the temp directory. */
    public IsolatedExtractor(ExtractionLimits limits) {
        this(limits, Path.of(System.getProperty("java.io.tmpdir"), "gemini-digest-extract-worker.log"));
    }

    /**
     * @param limits     limits, including worker heap and pool size
     * @param workerLog  file the workers' stderr is appended to, or {@code null} to discard it
     */
    public IsolatedExtractor(ExtractionLimits limits, Path workerLog) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.command = workerCommand(limits.workerHeap());
        this.stderr = workerLog == null ? Redirect.DISCARD : Redirect.appendTo(workerLog.toFile());
        this.idle = new ArrayBlockingQueue<>(limits.workers());
        AtomicInteger threads = new AtomicInteger();
        this.readers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "extract-worker-reader-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < limits.workers(); i++) {
            Slot slot = new Slot();
            slots.add(slot);
            idle.add(slot);
        }
    }

    static List<String> workerCommand(String heap) {
        Path javaHome = Path.of(System.getProperty("java.home"), "bin", "java");
        String java = Files.isExecutable(javaHome) ? javaHome.toString()
                : ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                // library logging: warnings only, to stderr (stdout carries the protocol)
                "-Dlogback.configurationFile=io/geminidigest/extract/worker-logback.xml",
                "-Dorg.slf4j.simpleLogger.logFile=System.err", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
                "-cp", System.getProperty("java.class.path"), ExtractionWorker.class.getName());
    }

    @Override
    public Extracted extract(Path file, String resourceName) throws ExtractionException {
        return extract(file, resourceName, limits);
    }

    /**
     * Extracts with limits for this one document (e.g. a longer timeout for a known big file).
     * The pool settings of {@code documentLimits} ({@code workers}, {@code workerHeap}) are ignored:
     * the workers run with those given to the constructor.
     */
    public Extracted extract(Path file, String resourceName, ExtractionLimits documentLimits)
            throws ExtractionException {
        Objects.requireNonNull(documentLimits, "documentLimits");
        ensureOpen();
        String name = resourceName != null ? resourceName : String.valueOf(file.getFileName());
        Slot slot;
        try {
            slot = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExtractionException(ExtractionFailure.TIMEOUT, name, null,
                    "interrupted while waiting for a free extraction worker", e);
        }
        try {
            ensureOpen();
            return slot.extract(file.toAbsolutePath(), name, documentLimits);
        } finally {
            idle.add(slot);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("IsolatedExtractor is closed");
        }
    }

    /** Stops all workers. */
    @Override
    public void close() {
        closed = true;
        synchronized (slots) {
            for (Slot slot : slots) {
                slot.stop();
            }
        }
        readers.shutdownNow();
    }

    /** Process ids of the running workers (for tests and diagnostics). */
    List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        synchronized (slots) {
            for (Slot slot : slots) {
                slot.pid(pids);
            }
        }
        return pids;
    }

    /** One place in the pool; holds a running worker, or none until first use / after a failure. */
    private final class Slot {
        private WorkerProcess worker;

        Extracted extract(Path file, String name, ExtractionLimits limits) throws ExtractionException {
            WorkerProcess process = running();
            String request = WorkerProtocol.write(new Request(requestIds.incrementAndGet(), file.toString(), name,
                    WorkerProtocol.WireLimits.of(limits)));
            Response response;
            try {
                response = process.call(request, STARTUP_TIMEOUT, limits.timeout());
            } catch (TimeoutException e) {
                replace();
                throw new ExtractionException(ExtractionFailure.TIMEOUT, name, detectQuietly(file, name),
                        "no result within " + describe(limits.timeout()) + " (extract.timeout); the parser was stopped",
                        e);
            } catch (WorkerDiedException e) {
                replace();
                String type = detectQuietly(file, name);
                if (e.exitCode() == OUT_OF_MEMORY_EXIT) {
                    throw new ExtractionException(ExtractionFailure.TOO_LARGE, name, type,
                            "the parser ran out of memory (heap " + IsolatedExtractor.this.limits.workerHeap()
                                    + ", extract.worker-heap)", e);
                }
                throw new ExtractionException(ExtractionFailure.CORRUPT, name, type,
                        "the parser crashed the extraction worker (exit code " + e.exitCode() + ")", e);
            } catch (IllegalStateException e) {
                replace();
                throw e;
            }
            return toResult(name, response);
        }

        private synchronized WorkerProcess running() {
            if (worker == null || !worker.isAlive()) {
                try {
                    worker = WorkerProcess.start(command, stderr, readers);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start extraction worker " + command.get(0), e);
                }
            }
            return worker;
        }

        /** Kills the worker and starts a fresh one right away, so it loads Tika before the next document. */
        private synchronized void replace() {
            if (worker != null) {
                worker.kill();
                worker = null;
            }
            if (!closed) {
                try {
                    worker = WorkerProcess.start(command, stderr, readers);
                } catch (IOException e) {
                    worker = null; // started again on next use
                }
            }
        }

        synchronized void stop() {
            if (worker != null) {
                worker.close();
                worker = null;
            }
        }

        synchronized void pid(List<Long> pids) {
            if (worker != null && worker.isAlive()) {
                pids.add(worker.pid());
            }
        }
    }

    private static Extracted toResult(String name, Response response) throws ExtractionException {
        if (response.failure() != null) {
            throw new ExtractionException(response.failure(), name, response.detectedType(), response.reason());
        }
        Path textFile = Path.of(response.textFile());
        try {
            String text = Files.readString(textFile, StandardCharsets.UTF_8);
            return new Extracted(text, response.metadata(), response.stats());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the text file of the extraction worker", e);
        } finally {
            try {
                Files.deleteIfExists(textFile);
            } catch (IOException e) {
                // left in the temp directory
            }
        }
    }

    /**
     * The type of a document whose worker timed out or died, for the error message; {@code null} if
     * even detection fails. Only runs on those rare failures, so the parent loads Tika lazily.
     */
    private static String detectQuietly(Path file, String name) {
        try {
            return new TypeDetector().detect(file, name);
        } catch (RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}

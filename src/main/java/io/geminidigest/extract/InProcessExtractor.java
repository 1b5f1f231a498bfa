package io.geminidigest.extract;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link TikaExtraction} in this JVM on a separate thread, with the timeout of the limits.
 *
 * <p>For tests and for measuring the overhead of {@link IsolatedExtractor}; not for production:
 * a parser stuck in a loop cannot be stopped (the thread is only interrupted and may run on), and a
 * parser that runs out of memory or crashes takes this JVM with it.
 */
public final class InProcessExtractor implements DocumentExtractor, AutoCloseable {

    private final ExtractionLimits limits;
    private final TikaExtraction tika = new TikaExtraction();
    private final ExecutorService executor;

    public InProcessExtractor(ExtractionLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        AtomicInteger counter = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "extract-in-process-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Extracted extract(Path file, String resourceName) throws ExtractionException {
        Future<Extracted> future = executor.submit(() -> tika.extract(file, resourceName, limits));
        try {
            return future.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ExtractionException(ExtractionFailure.TIMEOUT, resourceName, null,
                    "no result within " + limits.timeout().toSeconds() + " s (extract.timeout)");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ExtractionException(ExtractionFailure.TIMEOUT, resourceName, null, "interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ExtractionException extraction) {
                throw extraction;
            }
            if (cause instanceof OutOfMemoryError) {
                throw new ExtractionException(ExtractionFailure.TOO_LARGE, resourceName, null,
                        "the parser ran out of memory", cause);
            }
            throw new ExtractionException(ExtractionFailure.CORRUPT, resourceName, null,
                    "the parser crashed: " + cause, cause);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

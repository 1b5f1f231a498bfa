package io.geminidigest.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs documents through real child JVMs. Hang and out-of-memory come from Tika's MockParser. One
 * pool of two workers serves all tests (worker JVMs take seconds to start on a busy machine); the
 * pool timeout is generous and only the hanging document gets a short one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IsolatedExtractorTest {

    private static final ExtractionLimits LIMITS = ExtractionLimits.defaults()
            .withTimeout(Duration.ofSeconds(90)).withWorkers(2).withWorkerHeap("256m");
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(3);
    private static IsolatedExtractor extractor;

    @BeforeAll
    static void start() {
        extractor = new IsolatedExtractor(LIMITS, null);
    }

    @AfterAll
    static void stop() {
        extractor.close();
    }

    private static Path mock(String name) {
        try {
            return Path.of(IsolatedExtractorTest.class.getResource("/mock/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void extractsRealDocumentsInChildJvmsTwoAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Extracted> pdf = pool.submit(() -> extractor.extract(Samples.path("alice.pdf"), "alice.pdf"));
            Future<Extracted> french = pool.submit(
                    () -> extractor.extract(Samples.path("french.latin1.txt"), "french.latin1.txt"));

            assertThat(Samples.squash(pdf.get().text())).contains("Down the Rabbit-Hole", "Curiouser and curiouser");
            assertThat(pdf.get().metadata().pageCount()).isEqualTo(61);
            assertThat(pdf.get().metadata().author()).isEqualTo("Lewis Carroll");
            assertThat(french.get().text()).isEqualTo(Samples.utf8("french.utf8.txt").strip());
            assertThat(french.get().metadata().encoding()).isEqualTo("ISO-8859-1");
        } finally {
            pool.shutdownNow();
        }
        assertThat(extractor.workerPids()).isNotEmpty().doesNotContain(ProcessHandle.current().pid());
    }

    @Test
    void failuresComeBackNamed() {
        ExtractionException e = catchThrowableOfType(ExtractionException.class,
                () -> extractor.extract(Samples.path("hostile/encrypted.pdf"), "encrypted.pdf"));

        assertThat(e.failure()).isEqualTo(ExtractionFailure.ENCRYPTED);
        assertThat(e.detectedType()).isEqualTo("application/pdf");
        assertThat(e.getMessage()).contains("encrypted.pdf", "password");
    }

    @Test
    void mockDocumentsAreParsedByTheMockParser() throws Exception {
        Extracted hello = extractor.extract(mock("hello.mock.xml"), "hello.mock.xml");

        assertThat(hello.text()).contains("Curiouser and curiouser from the mock parser");
        assertThat(hello.metadata().detectedType()).isEqualTo("application/mock+xml");
    }

    @Test
    void aHangingParserTimesOutWithoutBlockingTheOtherWorkerAndIsReplaced() throws Exception {
        CompletableFuture<ExtractionException> hang = CompletableFuture.supplyAsync(() -> catchThrowableOfType(
                ExtractionException.class,
                () -> extractor.extract(mock("hang.mock.xml"), "hang.mock.xml", LIMITS.withTimeout(SHORT_TIMEOUT))));

        Extracted meanwhile = extractor.extract(Samples.path("alice.txt"), "alice.txt");
        assertThat(meanwhile.text()).contains("Down the Rabbit-Hole");

        ExtractionException e = hang.get(60, TimeUnit.SECONDS); // the mock hangs for 10 minutes
        assertThat(e.failure()).isEqualTo(ExtractionFailure.TIMEOUT);
        assertThat(e.getMessage()).contains("hang.mock.xml", "3 s");
        assertThat(e.detectedType()).isEqualTo("application/mock+xml");
        assertEveryWorkerWorks();
    }

    @Test
    void aParserRunningOutOfMemoryIsNamedAndTheWorkerIsReplaced() throws Exception {
        ExtractionException e = catchThrowableOfType(ExtractionException.class,
                () -> extractor.extract(mock("oom.mock.xml"), "oom.mock.xml"));

        assertThat(e.failure()).isEqualTo(ExtractionFailure.TOO_LARGE);
        assertThat(e.getMessage()).contains("oom.mock.xml", "ran out of memory", "256m");
        assertEveryWorkerWorks();
    }

    /** Two documents at once, so that both workers (one of them replaced) must answer. */
    private static void assertEveryWorkerWorks() throws Exception {
        CompletableFuture<Extracted> first = CompletableFuture.supplyAsync(() -> extractQuietly("hello.mock.xml"));
        Extracted second = extractor.extract(mock("hello.mock.xml"), "hello.mock.xml");

        assertThat(first.get().text()).contains("Curiouser and curiouser");
        assertThat(second.text()).contains("Curiouser and curiouser");
        assertThat(extractor.workerPids()).hasSize(2);
    }

    private static Extracted extractQuietly(String mockName) {
        try {
            return extractor.extract(mock(mockName), mockName);
        } catch (ExtractionException e) {
            throw new AssertionError(e);
        }
    }
}

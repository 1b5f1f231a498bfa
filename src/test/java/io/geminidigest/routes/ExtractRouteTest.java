package io.geminidigest.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.geminidigest.app.RunTracker;
import io.geminidigest.extract.Extracted;
import io.geminidigest.extract.ExtractionException;
import io.geminidigest.extract.ExtractionFailure;
import io.geminidigest.extract.IsolatedExtractor;
import io.geminidigest.job.Job;

/**
 * routes/extract.camel.yaml alone, with the real isolated extractor (Tika in a worker JVM). One Camel context for the
 * class, so the worker is started once.
 */
@CamelMainTest(properties = "camel.main.routes-include-pattern=classpath:routes/extract.camel.yaml")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtractRouteTest {

    @TempDir
    Path root;

    Path in;

    @Produce("direct:extract-document")
    ProducerTemplate extract;

    @BeanInject("documentExtractor")
    IsolatedExtractor extractor;

    @Configure
    void configure(MainConfigurationProperties configuration) {
        var settings = RouteTestSupport.settings(root);
        in = Path.of(settings.get("ingest.dir"));
        RouteTestSupport.wire(configuration, settings, new RunTracker());
    }

    @AfterAll
    void stopWorkers() {
        extractor.close();
    }

    private Exchange extract(String sample, String as) throws Exception {
        Path file = RouteTestSupport.copySample(sample, in.resolve(as));
        Job job = new Job(UUID.randomUUID().toString(), "folder", as, file, "00".repeat(32), Files.size(file),
                Instant.now());
        return extract.send(e -> e.setProperty("job", job));
    }

    @Test
    void extractsTheTextOfAPlainTextDocument() throws Exception {
        Exchange done = extract("alice.txt", "books/alice.txt");

        assertThat(done.getException()).isNull();
        Extracted extracted = done.getProperty("extracted", Extracted.class);
        assertThat(extracted).isNotNull();
        assertThat(extracted.text()).contains("Alice").contains("rabbit");
        assertThat(extracted.metadata().detectedType()).startsWith("text/plain");
        assertThat(extracted.stats().chars()).isEqualTo(extracted.text().length());
        assertThat(done.getProperty("extractMillis", Long.class)).isNotNull().isNotNegative();
    }

    @Test
    void extractsUtf8TextWithAccents() throws Exception {
        Exchange done = extract("french.utf8.txt", "fr/texte.txt");

        assertThat(done.getException()).isNull();
        Extracted extracted = done.getProperty("extracted", Extracted.class);
        assertThat(extracted.text()).containsPattern("[éèàç]");
    }

    @Test
    void extractsAPdf() throws Exception {
        Exchange done = extract("alice.pdf", "pdf/alice.pdf");

        assertThat(done.getException()).isNull();
        Extracted extracted = done.getProperty("extracted", Extracted.class);
        assertThat(extracted.metadata().detectedType()).isEqualTo("application/pdf");
        assertThat(extracted.text()).contains("Alice");
    }

    @Test
    void anEncryptedPdfFailsAsEncrypted() throws Exception {
        Exchange done = extract("hostile/encrypted.pdf", "secret/encrypted.pdf");

        // the bean call's wrapper carries the typed failure as its cause
        assertThat(done.getException(ExtractionException.class)).isNotNull();
        assertThat(done.getException(ExtractionException.class).failure()).isEqualTo(ExtractionFailure.ENCRYPTED);
        assertThat(done.getProperty("extracted")).isNull();
    }

    @Test
    void anEmptyFileFailsAsEmpty() throws Exception {
        Exchange done = extract("hostile/empty.txt", "empty.txt");

        assertThat(done.getException(ExtractionException.class)).isNotNull();
        assertThat(done.getException(ExtractionException.class).failure()).isEqualTo(ExtractionFailure.EMPTY);
    }
}

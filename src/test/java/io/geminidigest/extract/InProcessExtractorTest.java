package io.geminidigest.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class InProcessExtractorTest {

    @Test
    void extractsWithinTheTimeout() throws Exception {
        try (InProcessExtractor extractor = new InProcessExtractor(ExtractionLimits.defaults())) {
            Extracted text = extractor.extract(Samples.path("alice.md"), "alice.md");

            assertThat(text.text()).contains("Down the Rabbit-Hole");
            assertThat(text.metadata().detectedType()).isEqualTo("text/markdown");
        }
    }

    @Test
    void passesNamedFailuresThrough() {
        try (InProcessExtractor extractor = new InProcessExtractor(ExtractionLimits.defaults())) {
            ExtractionException e = catchThrowableOfType(ExtractionException.class,
                    () -> extractor.extract(Samples.path("hostile/empty.txt"), "empty.txt"));

            assertThat(e.failure()).isEqualTo(ExtractionFailure.EMPTY);
        }
    }

    @Test
    void aHangingParserTimesOut() throws Exception {
        Path hang = Path.of(getClass().getResource("/mock/hang-5s.mock.xml").toURI());
        try (InProcessExtractor extractor = new InProcessExtractor(
                ExtractionLimits.defaults().withTimeout(Duration.ofMillis(500)))) {
            ExtractionException e = catchThrowableOfType(ExtractionException.class,
                    () -> extractor.extract(hang, "hang-5s.mock.xml"));

            assertThat(e.failure()).isEqualTo(ExtractionFailure.TIMEOUT);
            assertThat(e.getMessage()).contains("hang-5s.mock.xml", "extract.timeout");
        }
    }
}

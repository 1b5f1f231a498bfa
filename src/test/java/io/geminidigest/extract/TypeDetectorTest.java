package io.geminidigest.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypeDetectorTest {

    private final TypeDetector detector = new TypeDetector();

    @ParameterizedTest
    @CsvSource({
            "alice.pdf, application/pdf",
            "alice.docx, application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "alice.odt, application/vnd.oasis.opendocument.text",
            "alice.epub, application/epub+zip",
            "alice.txt, text/plain",
            "alice.md, text/markdown",
            "hostile/png-named.pdf, image/png",
            "hostile/zip-bomb.zip, application/zip"})
    void detectsFromBytesAndName(String sample, String expected) {
        assertThat(detector.detect(Samples.path(sample), sample)).isEqualTo(expected);
    }

    @Test
    void theNameIsOnlyAHint() {
        assertThat(detector.detect(Samples.path("hostile/random.docx"), "random.bin"))
                .isEqualTo("application/octet-stream");
        assertThat(detector.detect(Samples.path("alice.pdf"), "alice.txt")).isEqualTo("application/pdf");
    }

    @Test
    void classifiesMediaAndUnknownBinary() {
        assertThat(TypeDetector.isMedia("audio/mpeg")).isTrue();
        assertThat(TypeDetector.isMedia("video/mp4")).isTrue();
        assertThat(TypeDetector.isMedia("image/png")).isTrue();
        assertThat(TypeDetector.isMedia("application/pdf")).isFalse();
        assertThat(TypeDetector.isUnsupportedDocument("application/octet-stream")).isTrue();
        assertThat(TypeDetector.isUnsupportedDocument("text/plain")).isFalse();
    }
}

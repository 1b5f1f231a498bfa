package io.geminidigest.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class FfmpegTest {

    @Test
    void bundledBinaryIsFound() {
        assertThat(Files.isExecutable(java.nio.file.Path.of(Ffmpeg.bundledExecutable()))).isTrue();
    }

    @Test
    void runKeepsStderr() {
        Ffmpeg.Result result = MediaFixtures.FFMPEG.run(List.of("-f", "lavfi", "-i", "anullsrc", "-t", "0.1",
                "-af", "volumedetect", "-f", "null", "-"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stderr()).anyMatch(line -> line.contains("mean_volume"));
    }

    @Test
    void failureCarriesTheLastStderrLines() {
        assertThatThrownBy(() -> MediaFixtures.FFMPEG.run(List.of("-i", "/nonexistent/in put.wav", "-f", "null", "-")))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MediaException.Kind.CONVERSION_FAILED);
                    assertThat(e.getMessage()).contains("/nonexistent/in put.wav").contains("No such file");
                });
    }

    @Test
    void aHangingRunTimesOut() {
        Ffmpeg quick = MediaFixtures.FFMPEG.withTimeout(Duration.ofMillis(700));
        long start = System.nanoTime();

        assertThatThrownBy(() -> quick.run(List.of("-re", "-f", "lavfi", "-i", "anullsrc", "-f", "null", "-")))
                .isInstanceOfSatisfying(MediaException.class,
                        e -> assertThat(e.kind()).isEqualTo(MediaException.Kind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}

package io.geminidigest.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaProbeTest {

    @TempDir
    static Path dir;
    static MediaFixtures fixtures;

    @BeforeAll
    static void setUp() {
        fixtures = new MediaFixtures(dir);
    }

    private final MediaProbe probe = MediaFixtures.PROBE;

    @Test
    void probesAnMp3Tone() {
        MediaInfo info = probe.probe(fixtures.tone("tone.mp3", 3));

        assertThat(info.durationMillis()).isCloseTo(3000, within(100L));
        assertThat(info.formatName()).isEqualTo("mp3");
        assertThat(info.mimeType()).isEqualTo("audio/mpeg");
        assertThat(info.sizeBytes()).isPositive();
        assertThat(info.video()).isNull();
        assertThat(info.audio().codec()).startsWith("mp3");
        assertThat(info.audio().sampleRate()).isEqualTo(16000);
        assertThat(info.audio().channels()).isEqualTo(1);
        assertThat(info.audio().bitRate()).isPositive();
    }

    @Test
    void probesWavAndFlac() {
        MediaInfo wav = probe.probe(fixtures.tone("tone.wav", 2.5));
        MediaInfo flac = probe.probe(fixtures.tone("tone.flac", 1.5));

        assertThat(wav.mimeType()).isEqualTo("audio/wav");
        assertThat(wav.durationMillis()).isCloseTo(2500, within(50L));
        assertThat(flac.mimeType()).isEqualTo("audio/flac");
        assertThat(flac.durationMillis()).isCloseTo(1500, within(50L));
    }

    @Test
    void probesAVideoWithAndWithoutAudio() {
        MediaInfo withAudio = probe.probe(fixtures.video("av.mp4", 2, true, "libx264", "aac"));
        MediaInfo silent = probe.probe(fixtures.video("silent.mp4", 2, false, "libx264", "aac"));

        assertThat(withAudio.mimeType()).isEqualTo("video/mp4");
        assertThat(withAudio.durationMillis()).isCloseTo(2000, within(100L));
        assertThat(withAudio.video().codec()).startsWith("h264");
        assertThat(withAudio.video().width()).isEqualTo(160);
        assertThat(withAudio.video().height()).isEqualTo(120);
        assertThat(withAudio.video().frameRate()).isCloseTo(10, within(0.01));
        assertThat(withAudio.audio().codec()).startsWith("aac");
        assertThat(withAudio.audio().sampleRate()).isEqualTo(48000);

        assertThat(silent.video()).isNotNull();
        assertThat(silent.audio()).isNull();
        assertThat(silent.hasAudio()).isFalse();
    }

    @Test
    void mimeTypesOfAmbiguousContainers() {
        assertThat(probe.probe(fixtures.tone("tone.m4a", 1)).mimeType()).isEqualTo("audio/mp4");
        assertThat(probe.probe(fixtures.video("clip.mkv", 1, true, "libx264", "libopus")).mimeType())
                .isEqualTo("video/x-matroska");
        assertThat(probe.probe(fixtures.tone("tone.ogg", 1)).mimeType()).isEqualTo("audio/ogg");
    }

    @Test
    void emptyFileIsEmpty() {
        Path empty = fixtures.empty("empty.mp3");

        assertThatThrownBy(() -> probe.probe(empty))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MediaException.Kind.EMPTY);
                    assertThat(e.getMessage()).contains("empty.mp3").contains("0 bytes");
                    assertThat(e.advice()).isNotBlank();
                });
    }

    @Test
    void randomBytesAreCorrupt() {
        Path corrupt = fixtures.randomBytes("corrupt.mp3", 20_000);

        assertThatThrownBy(() -> probe.probe(corrupt))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MediaException.Kind.CORRUPT);
                    assertThat(e.getMessage()).contains("corrupt.mp3");
                });
    }

    @Test
    void missingFileIsCorrupt() {
        assertThatThrownBy(() -> probe.probe(dir.resolve("nope.mp3")))
                .isInstanceOfSatisfying(MediaException.class,
                        e -> assertThat(e.kind()).isEqualTo(MediaException.Kind.CORRUPT));
    }
}

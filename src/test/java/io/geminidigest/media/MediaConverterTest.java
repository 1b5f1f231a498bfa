package io.geminidigest.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaConverterTest {

    @TempDir
    static Path dir;
    static MediaFixtures fixtures;

    @BeforeAll
    static void setUp() {
        fixtures = new MediaFixtures(dir);
    }

    private final MediaProbe probe = MediaFixtures.PROBE;
    private final MediaConverter converter = new MediaConverter(MediaFixtures.FFMPEG);

    @Test
    void nativeTypesAreSentAsIs() {
        Path mp3 = fixtures.tone("native.mp3", 1);

        assertThat(converter.toGeminiFormat(mp3, probe.probe(mp3), dir.resolve("work"))).isEqualTo(mp3);
    }

    @Test
    void m4aBecomesSpeechFlac() {
        Path m4a = fixtures.tone("voice.m4a", 2);
        MediaInfo in = probe.probe(m4a);
        assertThat(GeminiMediaTypes.needsConversion(in.mimeType())).isTrue();

        Path out = converter.toGeminiFormat(m4a, in, dir.resolve("work"));
        MediaInfo info = probe.probe(out);

        assertThat(out.getFileName().toString()).endsWith(".flac");
        assertThat(info.mimeType()).isEqualTo("audio/flac");
        assertThat(GeminiMediaTypes.isNative(info.mimeType())).isTrue();
        assertThat(info.audio().sampleRate()).isEqualTo(16_000);
        assertThat(info.audio().channels()).isEqualTo(1);
        assertThat(info.durationMillis()).isCloseTo(in.durationMillis(), within(100L));
    }

    @Test
    void mkvWithH264IsRemuxedToMp4() {
        Path mkv = fixtures.video("h264.mkv", 1, true, "libx264", "libopus");
        MediaInfo in = probe.probe(mkv);

        MediaInfo out = probe.probe(converter.toGeminiFormat(mkv, in, dir.resolve("work")));

        assertThat(out.mimeType()).isEqualTo("video/mp4");
        assertThat(GeminiMediaTypes.isNative(out.mimeType())).isTrue();
        assertThat(out.video().codec()).startsWith("h264");
        assertThat(out.audio().codec()).startsWith("aac");
        assertThat(out.durationMillis()).isCloseTo(1000, within(150L));
    }

    @Test
    void mkvWithOtherCodecsIsReencodedToMp4() {
        Path mkv = fixtures.video("mpeg4.mkv", 1, false, "mpeg4", "none");
        MediaInfo in = probe.probe(mkv);
        assertThat(in.video().codec()).startsWith("mpeg4");

        MediaInfo out = probe.probe(converter.toGeminiFormat(mkv, in, dir.resolve("work")));

        assertThat(out.mimeType()).isEqualTo("video/mp4");
        assertThat(out.video().codec()).startsWith("h264");
        assertThat(out.audio()).isNull();
    }

    @Test
    void unsupportedTypeIsRefused() {
        MediaInfo zip = new MediaInfo(0, "zip", "application/zip", 10, null, null);

        assertThatThrownBy(() -> converter.toGeminiFormat(dir.resolve("x.zip"), zip, dir))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MediaException.Kind.UNSUPPORTED);
                    assertThat(e.getMessage()).contains("audio/mp3").contains("video/mp4");
                });
    }

    @Test
    void extractsTheAudioOfAVideo() {
        Path video = fixtures.video("talk.mp4", 2, true, "libx264", "aac");

        MediaInfo audio = probe.probe(converter.extractAudio(video, dir.resolve("work")));

        assertThat(audio.mimeType()).isEqualTo("audio/flac");
        assertThat(audio.video()).isNull();
        assertThat(audio.durationMillis()).isCloseTo(2000, within(100L));
    }

    @Test
    void videoWithoutAudioHasNoAudioToExtract() throws Exception {
        Path video = fixtures.video("mute.mp4", 1, false, "libx264", "aac");
        Path work = Files.createDirectories(dir.resolve("mute-work"));
        assertThat(probe.probe(video).audio()).isNull();

        assertThatThrownBy(() -> converter.extractAudio(video, work))
                .isInstanceOfSatisfying(MediaException.class,
                        e -> assertThat(e.kind()).isEqualTo(MediaException.Kind.NO_AUDIO));
        try (var files = Files.list(work)) {
            assertThat(files).as("no partial output left behind").isEmpty();
        }
    }

    @Test
    void cutSegmentsLastExactlyEndMinusStart() {
        Path mp3 = fixtures.tone("long.mp3", 12);
        Path wav = fixtures.pattern("long.wav", 12, 0.5, 1, 11);

        MediaInfo a = probe.probe(converter.cut(mp3, 2345, 5678, dir.resolve("cuts")));
        MediaInfo b = probe.probe(converter.cut(wav, 0, 1500, dir.resolve("cuts")));
        MediaInfo c = probe.probe(converter.cut(wav, 7_000, 11_950, dir.resolve("cuts")));

        assertThat(a.mimeType()).isEqualTo("audio/flac");
        assertThat(a.audio().sampleRate()).isEqualTo(16_000);
        assertThat(a.audio().channels()).isEqualTo(1);
        assertThat(a.durationMillis()).isCloseTo(3333, within(50L));
        assertThat(b.durationMillis()).isCloseTo(1500, within(50L));
        assertThat(c.durationMillis()).isCloseTo(4950, within(50L));
    }

    @Test
    void cutKeepsTheAudioAtItsPlace() {
        // sound 3-5 s only: a cut 2.5-6 s must have sound at 0.5-2.5 s of the segment
        Path wav = fixtures.pattern("place.wav", 8, 0.5, 3, 5);
        Path segment = converter.cut(wav, 2500, 6000, dir.resolve("cuts"));

        SpeechMap map = new SpeechDetector(MediaFixtures.FFMPEG, probe).detect(segment);

        assertThat(map.speech()).hasSize(1);
        assertThat(map.speech().get(0).startMs()).isCloseTo(500, within(100L));
        assertThat(map.speech().get(0).endMs()).isCloseTo(2500, within(100L));
    }

    @Test
    void invalidCutIsRefused() {
        assertThatThrownBy(() -> converter.cut(dir.resolve("x.wav"), 5, 5, dir))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.geminidigest.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeechDetectorTest {

    @TempDir
    static Path dir;
    static MediaFixtures fixtures;

    @BeforeAll
    static void setUp() {
        fixtures = new MediaFixtures(dir);
    }

    private final SpeechDetector detector = new SpeechDetector(MediaFixtures.FFMPEG, MediaFixtures.PROBE);

    @Test
    void findsSpeechAndSilencesOfAGeneratedPattern() {
        // silence 0-1, sound 1-3, silence 3-4.5, sound 4.5-7.2, silence 7.2-8 (0.8 s), sound 8-9.5, silence to 12
        Path file = fixtures.pattern("pattern.wav", 12, 0.5, 1, 3, 4.5, 7.2, 8, 9.5);

        SpeechMap map = detector.detect(file);

        assertThat(map.durationMillis()).isCloseTo(12_000, within(50L));
        assertRegions(map.speech(), 1000, 3000, 4500, 7200, 8000, 9500);
        assertRegions(map.silences(), 0, 1000, 3000, 4500, 7200, 8000, 9500, 12_000);
        assertThat(map.speechMillis()).isCloseTo(6200, within(300L));
    }

    @Test
    void worksOnLossyMp3() {
        Path file = fixtures.pattern("pattern.mp3", 8, 0.5, 0, 2.5, 4, 6);

        SpeechMap map = detector.detect(file);

        assertRegions(map.speech(), 0, 2500, 4000, 6000);
    }

    @Test
    void allSilenceHasNoSpeech() {
        SpeechMap map = detector.detect(fixtures.silence("silence.wav", 3));

        assertThat(map.isSilent()).isTrue();
        assertThat(map.speech()).isEmpty();
        assertThat(map.silences()).hasSize(1);
        assertThat(map.silences().get(0).durationMs()).isCloseTo(3000, within(100L));
    }

    @Test
    void thresholdsAreConfigurable() {
        // amplitude 0.01 ≈ -40 dBFS: silence at -35 dB, sound at -50 dB
        Path quiet = fixtures.pattern("quiet.wav", 4, 0.01, 1, 3);

        assertThat(detector.detect(quiet).speech()).isEmpty();
        SpeechMap sensitive = new SpeechDetector(MediaFixtures.FFMPEG, MediaFixtures.PROBE, -50, 0.5, 100)
                .detect(quiet);
        assertRegions(sensitive.speech(), 1000, 3000);

        // a 0.3 s pause is not a silence with the default 0.5 s minimum, but is with 0.2 s
        Path pauses = fixtures.pattern("pauses.wav", 5, 0.5, 0.5, 2, 2.3, 4);
        assertRegions(detector.detect(pauses).speech(), 500, 4000);
        assertRegions(new SpeechDetector(MediaFixtures.FFMPEG, MediaFixtures.PROBE, -35, 0.2, 100)
                .detect(pauses).speech(), 500, 2000, 2300, 4000);
    }

    @Test
    void videoWithoutAudioHasNoAudio() {
        Path video = fixtures.video("mute.mp4", 1, false, "libx264", "aac");

        assertThatThrownBy(() -> detector.detect(video))
                .isInstanceOfSatisfying(MediaException.class,
                        e -> assertThat(e.kind()).isEqualTo(MediaException.Kind.NO_AUDIO));
    }

    @Test
    void parsesTrailingSilenceWithoutEndAndDropsBlips() {
        List<String> lines = List.of(
                "[silencedetect @ 0x1] silence_start: -0.01",
                "[silencedetect @ 0x1] silence_end: 1.5 | silence_duration: 1.51",
                "[silencedetect @ 0x1] silence_start: 4",
                "[silencedetect @ 0x1] silence_end: 4.95 | silence_duration: 0.95",
                "[silencedetect @ 0x1] silence_start: 5.02",
                "[silencedetect @ 0x1] silence_end: 6 | silence_duration: 0.98",
                "[silencedetect @ 0x1] silence_start: 8.5");
        List<String> flushed = List.of(
                "[silencedetect @ 0x1] silence_start: 2",
                "size=N/A time=00:00:09.40 bitrate=N/A speed= 900x",
                "[silencedetect @ 0x1] silence_end: 9.5 | silence_duration: 7.5");

        SpeechMap map = SpeechDetector.parse(lines, 10_000, 100);

        assertThat(map.silences()).containsExactly(new Region(0, 1500), new Region(4000, 4950),
                new Region(5020, 6000), new Region(8500, 10_000));
        // the 70 ms blip between 4.95 and 5.02 is dropped
        assertThat(map.speech()).containsExactly(new Region(1500, 4000), new Region(6000, 8500));
        // a silence_end printed at the end of the decoded audio runs to the probed duration
        assertThat(SpeechDetector.parse(flushed, 10_000, 100).speech()).containsExactly(new Region(0, 2000));
    }

    @Test
    void noSilenceAtAllIsOneSpeechRegion() {
        SpeechMap map = SpeechDetector.parse(List.of("size=N/A time=00:00:03.00"), 3000, 100);

        assertThat(map.speech()).containsExactly(new Region(0, 3000));
        assertThat(map.silences()).isEmpty();
    }

    /** Regions match the expected (start, end) pairs within ±100 ms. */
    private static void assertRegions(List<Region> actual, long... expected) {
        assertThat(actual).as("regions %s", actual).hasSize(expected.length / 2);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).startMs()).as("start of %s", actual.get(i)).isCloseTo(expected[2 * i], within(100L));
            assertThat(actual.get(i).endMs()).as("end of %s", actual.get(i)).isCloseTo(expected[2 * i + 1], within(100L));
        }
    }
}

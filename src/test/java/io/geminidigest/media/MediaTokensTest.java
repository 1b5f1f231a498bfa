package io.geminidigest.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaTokensTest {

    private static final MediaInfo.AudioStream AUDIO = new MediaInfo.AudioStream("mp3", 44_100, 2, 128_000);
    private static final MediaInfo.VideoStream VIDEO = new MediaInfo.VideoStream("h264", 1280, 720, 30);

    @Test
    void audioIs32TokensPerSecond() {
        MediaInfo oneMinute = new MediaInfo(60_000, "mp3", "audio/mpeg", 1, AUDIO, null);

        assertThat(MediaTokens.defaults().estimate(oneMinute, MediaTokens.Kind.AUDIO)).isEqualTo(1_920);
        assertThat(MediaTokens.defaults().audioTokens(0.5)).isEqualTo(16);
        assertThat(MediaTokens.kindOf(oneMinute)).isEqualTo(MediaTokens.Kind.AUDIO);
    }

    @Test
    void videoIsFramesPlusAudio() {
        MediaInfo tenSeconds = new MediaInfo(10_000, "mov,mp4", "video/mp4", 1, AUDIO, VIDEO);
        MediaInfo mute = new MediaInfo(10_000, "mov,mp4", "video/mp4", 1, null, VIDEO);

        assertThat(MediaTokens.kindOf(tenSeconds)).isEqualTo(MediaTokens.Kind.VIDEO);
        assertThat(MediaTokens.defaults().estimate(tenSeconds, MediaTokens.Kind.VIDEO)).isEqualTo(10 * (70 + 32));
        assertThat(MediaTokens.gemini3(MediaTokens.MediaResolution.HIGH).estimate(tenSeconds, MediaTokens.Kind.VIDEO))
                .isEqualTo(10 * (280 + 32));
        assertThat(MediaTokens.gemini2().estimate(tenSeconds, MediaTokens.Kind.VIDEO)).isEqualTo(10 * (258 + 32));
        assertThat(MediaTokens.defaults().estimate(mute, MediaTokens.Kind.VIDEO)).isEqualTo(700);
        assertThat(MediaTokens.defaults().estimate(tenSeconds, MediaTokens.Kind.AUDIO)).isEqualTo(320);
    }

    @Test
    void imagesAndPdfPages() {
        MediaInfo png = new MediaInfo(0, "png_pipe", "image/png", 1, null, new MediaInfo.VideoStream("png", 800, 600, 0));

        assertThat(MediaTokens.kindOf(png)).isEqualTo(MediaTokens.Kind.IMAGE);
        assertThat(MediaTokens.defaults().estimate(png, MediaTokens.Kind.IMAGE)).isEqualTo(1_120);
        assertThat(MediaTokens.gemini3(MediaTokens.MediaResolution.LOW).estimate(png, MediaTokens.Kind.IMAGE))
                .isEqualTo(280);
        assertThat(MediaTokens.gemini3(MediaTokens.MediaResolution.MEDIUM).imageTokens()).isEqualTo(560);
        assertThat(MediaTokens.defaults().pdfTokens(10)).isEqualTo(5_600);
        assertThat(MediaTokens.gemini2().pdfTokens(10)).isEqualTo(2_580);
    }

    @Test
    void theMediaResolutionSettingItsRestValueAndItsPdfPages() {
        assertThat(MediaTokens.MediaResolution.of("low")).isEqualTo(MediaTokens.MediaResolution.LOW);
        assertThat(MediaTokens.MediaResolution.of(" High ")).isEqualTo(MediaTokens.MediaResolution.HIGH);
        assertThat(MediaTokens.MediaResolution.MEDIUM.apiValue()).isEqualTo("MEDIA_RESOLUTION_MEDIUM");
        assertThat(MediaTokens.gemini3(MediaTokens.MediaResolution.LOW).pdfTokens(10)).isEqualTo(2_800);
        assertThat(MediaTokens.gemini3(MediaTokens.MediaResolution.HIGH).pdfTokens(10)).isEqualTo(11_200);
        for (String wrong : new String[] {"", "ultra", "MEDIA_RESOLUTION_LOW", null}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MediaTokens.MediaResolution.of(wrong))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("media.resolution");
        }
    }
}

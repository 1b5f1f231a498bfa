package io.geminidigest.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GeminiMediaTypesTest {

    @ParameterizedTest
    @CsvSource({
            "audio/vnd.wave, audio/wav", "audio/x-wav, audio/wav", "audio/wav, audio/wav",
            "audio/mpeg, audio/mp3", "audio/vorbis, audio/ogg", "audio/opus, audio/ogg", "audio/ogg, audio/ogg",
            "audio/x-flac, audio/flac", "audio/x-aiff, audio/aiff", "audio/aac, audio/aac",
            "video/mp4, video/mp4", "video/quicktime, video/mov", "video/webm, video/webm",
            "video/x-msvideo, video/avi", "video/x-ms-wmv, video/wmv", "video/x-flv, video/x-flv",
            "video/3gpp, video/3gpp", "video/mpeg, video/mpeg",
            "image/png, image/png", "image/jpeg, image/jpeg", "image/webp, image/webp", "image/heic, image/heic",
            "application/pdf, application/pdf", "'AUDIO/MPEG; charset=x', audio/mp3"})
    void mapsDetectedTypesToGeminisSpelling(String detected, String gemini) {
        assertThat(GeminiMediaTypes.geminiMimeType(detected)).isEqualTo(gemini);
        assertThat(GeminiMediaTypes.support(detected)).isEqualTo(GeminiMediaTypes.Support.NATIVE);
        assertThat(GeminiMediaTypes.needsConversion(detected)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"video/x-matroska", "audio/mp4", "audio/x-m4a", "audio/x-ms-wma", "audio/amr",
            "audio/webm", "video/ogg", "audio/x-matroska", "audio/x-caf"})
    void otherAudioAndVideoIsConverted(String detected) {
        assertThat(GeminiMediaTypes.geminiMimeType(detected)).isNull();
        assertThat(GeminiMediaTypes.needsConversion(detected)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/zip", "text/plain", "image/gif", "image/tiff", ""})
    void everythingElseIsUnsupported(String detected) {
        assertThat(GeminiMediaTypes.support(detected)).isEqualTo(GeminiMediaTypes.Support.UNSUPPORTED);
        assertThat(GeminiMediaTypes.needsConversion(detected)).isFalse();
    }

    @Test
    void acceptedListsGeminisTypes() {
        assertThat(GeminiMediaTypes.accepted()).hasSize(21)
                .contains("audio/mp3", "video/mov", "image/heif", "application/pdf");
        assertThat(GeminiMediaTypes.unsupportedMessage("application/zip"))
                .startsWith("Gemini does not accept application/zip; accepted types: audio/wav, audio/mp3");
    }
}

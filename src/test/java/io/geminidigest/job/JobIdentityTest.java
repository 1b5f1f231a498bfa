package io.geminidigest.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class JobIdentityTest {

    static final String SHA = "a".repeat(64);

    @Test
    void theResultOptionsAreSortedWithoutFormatAndTheLanguageInAnyCase() {
        assertThat(JobIdentity.optionsKey(Map.of("model", "gemini-2.5-flash", "language", " French ", "format",
                "json", "prompt", "brief", "task", "transcribe")))
                .isEqualTo("language=french\nmodel=gemini-2.5-flash\nprompt=brief\ntask=transcribe");
        assertThat(JobIdentity.optionsKey(Map.of("format", "json"))).isEmpty();
        assertThat(JobIdentity.optionsKey(null)).isEmpty();
        assertThat(JobIdentity.sameResult(Map.of("language", "English", "format", "md"),
                Map.of("language", "ENGLISH"))).isTrue();
        assertThat(JobIdentity.sameResult(Map.of("language", "English"), Map.of("language", "Deutsch"))).isFalse();
        assertThat(JobIdentity.sameResult(Map.of("model", "gemini-2.5-flash"), Map.of())).isFalse();
    }

    @Test
    void theContentKeyIsTheContentsHashForTheConfiguredJobAndItsOwnOtherwise() {
        assertThat(JobIdentity.contentKey(SHA, Map.of())).isEqualTo(SHA);
        assertThat(JobIdentity.contentKey(SHA, Map.of("format", "json"))).isEqualTo(SHA);
        String french = JobIdentity.contentKey(SHA, Map.of("language", "French"));
        assertThat(french).hasSize(64).isNotEqualTo(SHA).matches("[0-9a-f]{64}")
                .isEqualTo(JobIdentity.contentKey(SHA, Map.of("language", "french", "format", "md")))
                .isNotEqualTo(JobIdentity.contentKey(SHA, Map.of("language", "German")))
                .isNotEqualTo(JobIdentity.contentKey("b".repeat(64), Map.of("language", "French")));
    }
}

package io.geminidigest.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminidigest.transcript.SubtitleFiles.ParsedCue;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubtitleWriterTest {

    private final SubtitleWriter writer = new SubtitleWriter();
    private final List<Cue> cues = List.of(
            new Cue(1_000, 3_500, "Speaker 1", "Hello and welcome."),
            new Cue(4_000, 6_250, "Speaker 2", "Thanks <for> having me & all."),
            new Cue(3_600_000 + 62_003, 3_600_000 + 64_000, null, "Past one hour."));

    @Test
    void srtIsExactlyAsSpecified() {
        assertThat(writer.srt(cues)).isEqualTo("""
                1
                00:00:01,000 --> 00:00:03,500
                Hello and welcome.

                2
                00:00:04,000 --> 00:00:06,250
                Thanks <for> having me & all.

                3
                01:01:02,003 --> 01:01:04,000
                Past one hour.
                """);
        assertThat(SubtitleFiles.parseSrt(writer.srt(cues))).hasSize(3);
    }

    @Test
    void webVttHasHeaderVoiceTagsAndEscapes() {
        String vtt = writer.webVtt(cues);
        assertThat(vtt).startsWith("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n<v Speaker 1>Hello and welcome.\n");
        assertThat(vtt).contains("<v Speaker 2>Thanks &lt;for&gt; having me &amp; all.\n");
        List<ParsedCue> parsed = SubtitleFiles.parseVtt(vtt);
        assertThat(parsed).extracting(ParsedCue::voice).containsExactly("Speaker 1", "Speaker 2", null);
        assertThat(parsed.get(1).text()).isEqualTo("Thanks <for> having me & all.");
        String plain = new SubtitleWriter(new SubtitleWriter.Options(7_000, 42, 2, false)).webVtt(cues);
        assertThat(plain).doesNotContain("<v ");
    }

    @Test
    void emptyInputGivesEmptyButValidFiles() {
        assertThat(writer.srt(List.of())).isEmpty();
        assertThat(writer.webVtt(List.of())).isEqualTo("WEBVTT\n");
        assertThat(SubtitleFiles.parseVtt(writer.webVtt(List.of()))).isEmpty();
    }

    @Test
    void longCuesAreSplitAtWordBoundariesInProportionToWords() {
        String text = "one two three four five six seven eight nine ten eleven twelve";
        List<ParsedCue> parsed = SubtitleFiles.parseSrt(writer.srt(List.of(new Cue(0, 12_000, "S", text))));
        assertThat(parsed).hasSize(2);
        assertThat(parsed.get(0)).isEqualTo(new ParsedCue(0, 6_000, null, List.of("one two three four five six")));
        assertThat(parsed.get(1)).isEqualTo(new ParsedCue(6_000, 12_000, null, List.of("seven eight nine ten eleven twelve")));
    }

    @Test
    void textIsWrappedToTwoLinesOf42AndSplitWhenLonger() {
        String text = "The committee agreed that the budget for the next year should be discussed again "
                + "after the summer, when the figures of the first half are known to everybody.";
        List<ParsedCue> parsed = SubtitleFiles.parseSrt(writer.srt(List.of(new Cue(0, 6_000, null, text))));
        assertThat(parsed.size()).isGreaterThan(1);
        for (ParsedCue cue : parsed) {
            assertThat(cue.lines()).hasSizeLessThanOrEqualTo(2).allMatch(l -> l.length() <= 42);
        }
        assertThat(String.join(" ", parsed.stream().map(ParsedCue::text).toList())).isEqualTo(text);
        assertThat(parsed.get(0).startMs()).isZero();
        assertThat(parsed.get(parsed.size() - 1).endMs()).isEqualTo(6_000);
    }

    @Test
    void arrowsAndLineBreaksInTextCannotBreakTheFormat() {
        List<Cue> tricky = List.of(new Cue(0, 1_000, "A>B", "a --> b\n\nc"));
        assertThat(SubtitleFiles.parseSrt(writer.srt(tricky)).get(0).text()).isEqualTo("a -> b c");
        ParsedCue vtt = SubtitleFiles.parseVtt(writer.webVtt(tricky)).get(0);
        assertThat(vtt.voice()).isEqualTo("A B");
        assertThat(vtt.text()).isEqualTo("a -> b c");
    }

    @Test
    void theValidatorIsStrict() {
        assertThatThrownBy(() -> SubtitleFiles.parseSrt("2\n00:00:01,000 --> 00:00:02,000\nx\n")).hasMessageContaining("sequence");
        assertThatThrownBy(() -> SubtitleFiles.parseSrt("1\n00:00:01.000 --> 00:00:02,000\nx\n")).hasMessageContaining("HH:MM:SS,mmm");
        assertThatThrownBy(() -> SubtitleFiles.parseSrt("1\n00:00:01,000 --> 00:00:02,000\nx\n2\n00:00:03,000 --> 00:00:04,000\ny\n"))
                .hasMessageContaining("line 5"); // the missing blank line makes the next cue read as text
        assertThatThrownBy(() -> SubtitleFiles.parseSrt("1\n00:00:03,000 --> 00:00:04,000\nx\n\n2\n00:00:01,000 --> 00:00:02,000\ny\n"))
                .hasMessageContaining("order");
        assertThatThrownBy(() -> SubtitleFiles.parseVtt("00:00:01.000 --> 00:00:02.000\nx\n")).hasMessageContaining("WEBVTT");
        assertThatThrownBy(() -> SubtitleFiles.parseVtt("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na < b\n")).hasMessageContaining("markup");
    }

    @Test
    void markdownIsReadableParagraphsPerSpeakerTurn() {
        Transcript transcript = new Transcript("en", List.of(
                new Cue(62_000, 64_000, "Speaker 1", "Good morning."),
                new Cue(64_500, 66_000, "Speaker 1", "Let us start."),
                new Cue(67_000, 69_000, "Speaker 2", "Sure.")), 120_000);
        assertThat(writer.markdown(transcript)).isEqualTo("""
                # Transcript

                _Duration 00:02:00 · language en_

                [00:01:02] **Speaker 1:** Good morning. Let us start.

                [00:01:07] **Speaker 2:** Sure.
                """);
    }

    @Test
    void jsonCarriesCuesSpeechAndAlignmentStats() throws Exception {
        Transcript transcript = new Transcript("en", cues.subList(0, 2), 10_000);
        AlignmentResult alignment = new AlignmentResult(transcript.cues(), 1, 800, 0.9, null);
        JsonNode json = new ObjectMapper().readTree(writer.json(transcript, alignment,
                List.of(new Region(1_000, 3_500), new Region(4_000, 6_500))));
        assertThat(json.get("language").asText()).isEqualTo("en");
        assertThat(json.get("cues")).hasSize(2);
        assertThat(json.get("cues").get(1).get("start").asText()).isEqualTo("00:00:04.000");
        assertThat(json.get("cues").get(1).get("speaker").asText()).isEqualTo("Speaker 2");
        assertThat(json.get("speech").get(1).get("endMs").asLong()).isEqualTo(6_500);
        assertThat(json.get("speechShare").asDouble()).isEqualTo(0.5);
        assertThat(json.get("alignment").get("cuesRetimed").asInt()).isEqualTo(1);
        assertThat(json.get("alignment").get("largestCorrectionMs").asLong()).isEqualTo(800);
    }
}

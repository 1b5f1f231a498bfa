package io.geminidigest.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminidigest.transcript.TranscriptException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TranscriptParserTest {

    private static final String VALID = """
            {"language": "en", "segments": [
              {"start": "00:01.250", "end": "00:04.000", "speaker": "Speaker 1", "text": "Hello and welcome."},
              {"start": "01:02.5", "end": "1:05", "speaker": "Speaker 2", "text": "  Thanks   for having me. "},
              {"start": "01:00:00.000", "end": "01:00:02.125", "speaker": "", "text": "Past one hour."}
            ]}""";

    @Test
    void validAnswer() throws Exception {
        Transcript t = TranscriptParser.parse(VALID, 3_700_000);
        assertThat(t.language()).isEqualTo("en");
        assertThat(t.durationMillis()).isEqualTo(3_700_000);
        assertThat(t.cues()).containsExactly(
                new Cue(1_250, 4_000, "Speaker 1", "Hello and welcome."),
                new Cue(62_500, 65_000, "Speaker 2", "Thanks for having me."),
                new Cue(3_600_000, 3_602_125, null, "Past one hour."));
    }

    @Test
    void codeFencedAnswerWithProse() throws Exception {
        assertThat(TranscriptParser.parse("```json\n" + VALID + "\n```", 3_700_000).cues()).hasSize(3);
        assertThat(TranscriptParser.parse("Here is the transcript:\n" + VALID + "\nHope this helps.", 3_700_000).cues()).hasSize(3);
    }

    @Test
    void snakeCaseNumbersAndABareArrayAreAccepted() throws Exception {
        String answer = """
                [{"start_time": 1.5, "end_time": 3, "speaker_label": "A", "text": "one"},
                 {"startTime": "4.25", "endTime": "00:05.000", "text": "two"},
                 {"start": "6", "end": "7", "text": "   "}]""";
        Transcript t = TranscriptParser.parse(answer, 10_000);
        assertThat(t.language()).isNull();
        assertThat(t.cues()).containsExactly(new Cue(1_500, 3_000, "A", "one"), new Cue(4_250, 5_000, null, "two"));
    }

    @Test
    void timesPastTheSegmentAreKeptForTheAligner() throws Exception {
        Transcript t = TranscriptParser.parse("{\"segments\":[{\"start\":\"00:58.000\",\"end\":\"01:09.000\",\"text\":\"x\"}]}", 60_000);
        assertThat(t.cues().get(0).endMs()).isEqualTo(69_000);
    }

    @Test
    void emptySegmentsIsAnEmptyTranscript() throws Exception {
        assertThat(TranscriptParser.parse("{\"language\":\"de\",\"segments\":[]}", 5_000).cues()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|INVALID_JSON|empty",
            "{\"segments\": [ {\"start\": \"00:01\", |INVALID_JSON|not valid JSON",
            "\"just a string\"|INVALID_JSON|not a JSON object",
            "{\"segments\": {\"start\": \"00:01\"}}|INVALID_JSON|must be an array",
            "{\"segments\": [\"hello\"]}|INVALID_JSON|segment 1 is not an object",
            "{\"language\": \"en\"}|MISSING_FIELDS|no \"segments\"",
            "{\"segments\": [{\"start\": \"00:01.000\", \"text\": \"x\"}]}|MISSING_FIELDS|segment 1 lacks end",
            "{\"segments\": [{\"start\": \"00:01\", \"end\": \"00:02\", \"text\": \"a\"}, {\"speaker\": \"S\"}]}|MISSING_FIELDS|segment 2 lacks start, end, text",
            "{\"segments\": [{\"start\": \"00:01.000\", \"end\": \"soon\", \"text\": \"x\"}]}|BAD_TIME|segment 1 end: \"soon\" is not a time",
            "{\"segments\": [{\"start\": \"00:75.000\", \"end\": \"01:20.000\", \"text\": \"x\"}]}|BAD_TIME|seconds must be below 60",
            "{\"segments\": [{\"start\": -2, \"end\": 3, \"text\": \"x\"}]}|BAD_TIME|negative",
            "{\"segments\": [{\"start\": \"00:05.000\", \"end\": \"00:04.000\", \"text\": \"x\"}]}|BAD_TIME|ends (00:04.000) before it starts (00:05.000)",
            "{\"segments\": [{\"start\": true, \"end\": \"00:04.000\", \"text\": \"x\"}]}|BAD_TIME|expected a string",
    })
    void invalidAnswersAreTypedWithReadableMessages(String answer, Kind kind, String message) {
        assertThatThrownBy(() -> TranscriptParser.parse(answer, 60_000))
                .isInstanceOfSatisfying(TranscriptException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessageContaining(message);
    }

    @Test
    void timecodes() {
        assertThat(Timecodes.parseMillis("00:00.000")).isZero();
        assertThat(Timecodes.parseMillis("12:34.5")).isEqualTo(754_500);
        assertThat(Timecodes.parseMillis("1:02:03,004")).isEqualTo(3_723_004);
        assertThat(Timecodes.parseMillis("7.25")).isEqualTo(7_250);
        assertThat(Timecodes.parseMillis("7.2569")).isEqualTo(7_256);
        assertThat(Timecodes.format(3_723_004, ',')).isEqualTo("01:02:03,004");
        assertThat(Timecodes.formatForModel(754_500)).isEqualTo("12:34.500");
        assertThatThrownBy(() -> Timecodes.parseMillis("1:75:00")).hasMessageContaining("minutes");
    }

    @Test
    void schemaIsTheOpenApiSubsetGeminiTakes() {
        JsonNode schema = TranscriptSchema.responseSchema();
        assertThat(schema.get("type").asText()).isEqualTo("OBJECT");
        assertThat(schema.get("required").toString()).isEqualTo("[\"segments\"]");
        JsonNode segments = schema.get("properties").get("segments");
        assertThat(segments.get("type").asText()).isEqualTo("ARRAY");
        JsonNode item = segments.get("items");
        assertThat(item.get("type").asText()).isEqualTo("OBJECT");
        for (String field : List.of("start", "end", "speaker", "text")) {
            assertThat(item.get("properties").get(field).get("type").asText()).isEqualTo("STRING");
        }
        assertThat(item.get("required").toString()).isEqualTo("[\"start\",\"end\",\"speaker\",\"text\"]");
        assertThat(item.get("propertyOrdering").toString()).isEqualTo("[\"start\",\"end\",\"speaker\",\"text\"]");
        assertThat(schema.get("properties").get("language").get("type").asText()).isEqualTo("STRING");
    }

    @Test
    void promptsCarryTheHints() {
        String first = TranscriptSchema.transcriptionPrompt(null, List.of(), 125_000);
        assertThat(first).contains("02:05.000").contains("Speaker 1, Speaker 2").contains("Detect the language");
        String next = TranscriptSchema.transcriptionPrompt("de", List.of("Speaker 1", "Anna"), 600_000);
        assertThat(next).contains("expected to be in de").contains("Speaker 1, Anna").contains("Keep the same label");
        assertThat(TranscriptSchema.repairPrompt("{oops", "not valid JSON")).contains("not valid JSON").endsWith("{oops");
    }
}

package io.geminidigest.transcript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What we ask Gemini for: the {@code responseSchema} (the OpenAPI subset Gemini accepts) and the prompts.
 *
 * <p>The answer is {@code {"language": "...", "segments": [{"start": "MM:SS.mmm", "end": "MM:SS.mmm",
 * "speaker": "Speaker 1", "text": "..."}]}} with times relative to the start of the audio sent.
 */
public final class TranscriptSchema {

    /** The response MIME type to request together with {@link #responseSchema()}. */
    public static final String RESPONSE_MIME_TYPE = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> SEGMENT_FIELDS = List.of("start", "end", "speaker", "text");

    private TranscriptSchema() {
    }

    /** A fresh copy of the response schema (callers may embed it in a request tree). */
    public static ObjectNode responseSchema() {
        ObjectNode segment = MAPPER.createObjectNode().put("type", "OBJECT");
        ObjectNode segmentProps = segment.putObject("properties");
        segmentProps.set("start", stringProperty("Start time relative to the start of the audio, MM:SS.mmm"));
        segmentProps.set("end", stringProperty("End time relative to the start of the audio, MM:SS.mmm"));
        segmentProps.set("speaker", stringProperty("Speaker label, e.g. Speaker 1, consistent across the audio"));
        segmentProps.set("text", stringProperty("Verbatim transcription of this utterance"));
        strings(segment.putArray("required"), SEGMENT_FIELDS);
        strings(segment.putArray("propertyOrdering"), SEGMENT_FIELDS);

        ObjectNode root = MAPPER.createObjectNode().put("type", "OBJECT");
        ObjectNode props = root.putObject("properties");
        props.set("language", stringProperty("Language of the speech, BCP-47 code"));
        ObjectNode segments = props.putObject("segments").put("type", "ARRAY");
        segments.set("items", segment);
        strings(root.putArray("required"), List.of("segments"));
        strings(root.putArray("propertyOrdering"), List.of("language", "segments"));
        return root;
    }

    /** The schema as a {@link JsonNode} (same content as {@link #responseSchema()}). */
    public static JsonNode schema() {
        return responseSchema();
    }

    /**
     * The transcription prompt.
     *
     * @param languageHint expected language (e.g. "de"), or {@code null} to let the model detect it
     * @param previousSpeakers speaker labels used in the previous segment, so that labels stay consistent;
     *        empty for the first segment
     * @param audioDurationMs length of the audio sent, so that the model knows the time range
     */
    public static String transcriptionPrompt(String languageHint, List<String> previousSpeakers,
                                             long audioDurationMs) {
        StringBuilder p = new StringBuilder();
        p.append("Transcribe the attached audio verbatim.\n");
        p.append("The audio is ").append(Timecodes.formatForModel(audioDurationMs))
                .append(" (MM:SS.mmm) long. ");
        p.append("Split the speech into short utterances of at most about 7 seconds, one per speaker turn.\n");
        p.append("For every utterance give start and end as MM:SS.mmm (HH:MM:SS.mmm past one hour), ")
                .append("measured from the start of this audio; no time may exceed the length of the audio. ")
                .append("Do not create utterances for silence, music or noise, and do not invent text.\n");
        if (languageHint != null && !languageHint.isBlank()) {
            p.append("The speech is expected to be in ").append(languageHint.strip())
                    .append("; transcribe in the spoken language, do not translate.\n");
        } else {
            p.append("Detect the language and transcribe in the spoken language, do not translate.\n");
        }
        if (previousSpeakers != null && !previousSpeakers.isEmpty()) {
            p.append("This audio continues a recording in which these speaker labels were used: ")
                    .append(String.join(", ", previousSpeakers))
                    .append(". Keep the same label for the same voice; use a new label only for a new voice.\n");
        } else {
            p.append("Label speakers as Speaker 1, Speaker 2, ... in order of first appearance.\n");
        }
        p.append("Answer with JSON only, following the response schema.");
        return p.toString();
    }

    /** The prompt that asks the model to repair an answer the parser rejected. */
    public static String repairPrompt(String invalidAnswer, String problem) {
        return "Your previous answer could not be used: " + problem + "\n"
                + "Return the same transcript as valid JSON only, no code fences and no commentary, "
                + "as an object {\"language\": string, \"segments\": [{\"start\": \"MM:SS.mmm\", "
                + "\"end\": \"MM:SS.mmm\", \"speaker\": string, \"text\": string}]}. "
                + "Keep the text unchanged; fix only the structure and the time format.\n"
                + "Previous answer:\n" + invalidAnswer;
    }

    private static ObjectNode stringProperty(String description) {
        return MAPPER.createObjectNode().put("type", "STRING").put("description", description);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}

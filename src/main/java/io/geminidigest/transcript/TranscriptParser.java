package io.geminidigest.transcript;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminidigest.transcript.TranscriptException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses Gemini's structured answer into cues relative to the segment.
 *
 * <p>Lenient where it is harmless: code fences and text around the JSON object, snake_case or camelCase
 * field names ({@code start_time}, {@code startTime}), a bare array of segments, times as numbers of
 * seconds, empty-text utterances (skipped). Strict where it matters: the JSON must parse, every utterance
 * needs start, end and text, and times must be readable, non-negative and not end before they start.
 * Times past the end of the segment are accepted: the {@link Aligner} corrects them.
 */
public final class TranscriptParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> SEGMENTS = List.of("segments", "utterances", "cues");
    private static final List<String> START = List.of("start", "start_time", "starttime", "begin");
    private static final List<String> END = List.of("end", "end_time", "endtime", "stop");
    private static final List<String> SPEAKER = List.of("speaker", "speaker_label", "speakerlabel", "speaker_name");
    private static final List<String> TEXT = List.of("text", "transcript", "content");

    private TranscriptParser() {
    }

    /**
     * @param json the model's answer text
     * @param segmentDurationMs duration of the audio sent (becomes {@link Transcript#durationMillis()})
     */
    public static Transcript parse(String json, long segmentDurationMs) throws TranscriptException {
        JsonNode root = readTree(json);
        JsonNode segments;
        String language = null;
        if (root.isArray()) {
            segments = root;
        } else if (root.isObject()) {
            segments = field(root, SEGMENTS);
            JsonNode lang = field(root, List.of("language", "lang", "language_code"));
            if (lang != null && lang.isTextual() && !lang.asText().isBlank()) {
                language = lang.asText().strip();
            }
            if (segments == null || segments.isNull()) {
                throw new TranscriptException(Kind.MISSING_FIELDS, "the answer has no \"segments\" array");
            }
            if (!segments.isArray()) {
                throw new TranscriptException(Kind.INVALID_JSON,
                        "\"segments\" must be an array, got " + segments.getNodeType().toString().toLowerCase(Locale.ROOT));
            }
        } else {
            throw new TranscriptException(Kind.INVALID_JSON, "the answer is not a JSON object");
        }
        List<Cue> cues = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Cue cue = cue(segments.get(i), i);
            if (cue != null) {
                cues.add(cue);
            }
        }
        return new Transcript(language, cues, segmentDurationMs);
    }

    private static JsonNode readTree(String answer) throws TranscriptException {
        if (answer == null || answer.isBlank()) {
            throw new TranscriptException(Kind.INVALID_JSON, "the answer is empty");
        }
        String text = stripFences(answer.strip());
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException first) {
            // prose around the JSON: try the outermost object
            int open = text.indexOf('{');
            int close = text.lastIndexOf('}');
            if (open >= 0 && close > open && (open > 0 || close < text.length() - 1)) {
                try {
                    return MAPPER.readTree(text.substring(open, close + 1));
                } catch (JsonProcessingException ignored) {
                    // report the first error
                }
            }
            throw new TranscriptException(Kind.INVALID_JSON,
                    "the answer is not valid JSON: " + first.getOriginalMessage(), first);
        }
    }

    private static String stripFences(String text) {
        if (!text.startsWith("```")) {
            return text;
        }
        int firstLineEnd = text.indexOf('\n');
        if (firstLineEnd < 0) {
            return text;
        }
        String body = text.substring(firstLineEnd + 1);
        int close = body.lastIndexOf("```");
        return (close >= 0 ? body.substring(0, close) : body).strip();
    }

    private static Cue cue(JsonNode node, int index) throws TranscriptException {
        String where = "segment " + (index + 1);
        if (!node.isObject()) {
            throw new TranscriptException(Kind.INVALID_JSON, where + " is not an object");
        }
        JsonNode start = field(node, START);
        JsonNode end = field(node, END);
        JsonNode text = field(node, TEXT);
        List<String> missing = new ArrayList<>();
        if (absent(start)) {
            missing.add("start");
        }
        if (absent(end)) {
            missing.add("end");
        }
        if (text == null || text.isNull()) {
            missing.add("text");
        }
        if (!missing.isEmpty()) {
            throw new TranscriptException(Kind.MISSING_FIELDS, where + " lacks " + String.join(", ", missing));
        }
        long startMs = time(start, where, "start");
        long endMs = time(end, where, "end");
        if (endMs < startMs) {
            throw new TranscriptException(Kind.BAD_TIME, where + " ends (" + Timecodes.formatForModel(endMs)
                    + ") before it starts (" + Timecodes.formatForModel(startMs) + ")");
        }
        String body = text.asText().strip().replaceAll("\\s+", " ");
        if (body.isEmpty()) {
            return null;
        }
        JsonNode speaker = field(node, SPEAKER);
        String label = speaker == null || speaker.isNull() || speaker.asText().isBlank() ? null : speaker.asText().strip();
        return new Cue(startMs, endMs, label, body);
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || (node.isTextual() && node.asText().isBlank());
    }

    private static long time(JsonNode node, String where, String name) throws TranscriptException {
        try {
            if (node.isNumber()) {
                return Timecodes.secondsToMillis(node.asDouble());
            }
            if (node.isTextual()) {
                return Timecodes.parseMillis(node.asText());
            }
            throw new IllegalArgumentException("expected a string, got " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TranscriptException(Kind.BAD_TIME, where + " " + name + ": " + e.getMessage(), e);
        }
    }

    /** The first present field among the names, matching case-insensitively and ignoring '_' and '-'. */
    private static JsonNode field(JsonNode object, List<String> names) {
        for (var it = object.fields(); it.hasNext(); ) {
            var entry = it.next();
            String key = normalize(entry.getKey());
            for (String name : names) {
                if (key.equals(normalize(name))) {
                    return entry.getValue();
                }
            }
        }
        return null;
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }
}

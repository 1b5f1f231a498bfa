package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Strict validation of {@code GenerateContentRequest} bodies, modelled on the real API's 400 answers, and the
 * fake token count of a valid request.
 *
 * <p>Field names are accepted in lowerCamelCase and snake_case. Every violation is an {@link ApiError} 400
 * INVALID_ARGUMENT; messages follow the real API's two styles: proto/JSON parse errors
 * ({@code "Invalid JSON payload received. ..."}, {@code "Invalid value at '...' (TYPE_...), ..."}) and semantic
 * checks ({@code "* GenerateContentRequest.<path>: <what>"}).
 */
final class RequestValidator {

    /** Tokens charged per inlineData / fileData part (Gemini 2.x image / PDF-page rate). */
    static final int MEDIA_PART_TOKENS = 258;

    static final Set<String> TOP_LEVEL = Set.of("contents", "systemInstruction", "generationConfig", "safetySettings",
            "tools", "toolConfig", "cachedContent", "labels");
    static final Set<String> CONTENT = Set.of("role", "parts");
    static final Set<String> PART_DATA = Set.of("text", "inlineData", "fileData", "functionCall", "functionResponse",
            "executableCode", "codeExecutionResult");
    static final Set<String> PART_META = Set.of("thought", "thoughtSignature");
    static final Set<String> GENERATION_CONFIG = Set.of("temperature", "topP", "topK", "candidateCount",
            "maxOutputTokens", "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
            "presencePenalty", "frequencyPenalty", "seed", "responseLogprobs", "logprobs", "thinkingConfig",
            "mediaResolution", "responseModalities");
    static final Set<String> THINKING_CONFIG = Set.of("thinkingLevel", "thinkingBudget", "includeThoughts");
    static final Set<String> THINKING_LEVELS = Set.of("MINIMAL", "LOW", "MEDIUM", "HIGH");
    static final Set<String> RESPONSE_MIME_TYPES = Set.of("text/plain", "application/json", "application/xml",
            "application/yaml", "text/x.enum");
    static final Set<String> MEDIA_RESOLUTIONS = Set.of("MEDIA_RESOLUTION_UNSPECIFIED", "MEDIA_RESOLUTION_LOW",
            "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH");
    static final Set<String> MODALITIES = Set.of("TEXT", "IMAGE", "AUDIO");
    static final Set<String> SAFETY_SETTING = Set.of("category", "threshold", "method");
    static final Set<String> THRESHOLDS = Set.of("HARM_BLOCK_THRESHOLD_UNSPECIFIED", "BLOCK_LOW_AND_ABOVE",
            "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF");

    private static final String ENUM_PREFIX = "type.googleapis.com/google.ai.generativelanguage.v1beta.";

    /**
     * What the fake knows about a valid prompt.
     *
     * @param textTokens     tokens of all text (all contents, all roles, and systemInstruction)
     * @param mediaTokens    tokens of media parts by modality (IMAGE, AUDIO, VIDEO, DOCUMENT)
     * @param userText       text parts of user contents joined with "\n" (thoughts excluded)
     * @param lastUserText   last text part of a user content
     * @param systemText     systemInstruction text parts joined with "\n"
     * @param mediaParts     the inlineData / fileData parts in request order
     */
    record Prompt(int textTokens, Map<String, Integer> mediaTokens, String userText, String lastUserText,
                  String systemText, List<MediaPart> mediaParts) {

        int totalTokens() {
            return textTokens + mediaTokens.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final String requestName;
    private final FilesApi files;
    private final List<MediaPart> mediaParts = new ArrayList<>();
    private int textTokens;
    private final Map<String, Integer> mediaTokens = new LinkedHashMap<>();
    private final StringBuilder userText = new StringBuilder();
    private String lastUserText = "";
    private final StringBuilder systemText = new StringBuilder();

    private RequestValidator(String requestName, FilesApi files) {
        this.requestName = requestName;
        this.files = files;
    }

    /**
     * Validates a generateContent body (or the {@code generateContentRequest} of a countTokens body, which may
     * additionally carry {@code "model": "models/<id>"}).
     */
    static Prompt generateRequest(JsonNode body, FakeModel model, boolean nestedInCountTokens, FilesApi files)
            throws ApiError {
        RequestValidator v = new RequestValidator(nestedInCountTokens
                ? "CountTokensRequest.generate_content_request" : "GenerateContentRequest", files);
        String where = nestedInCountTokens ? "generate_content_request" : null;
        for (Map.Entry<String, JsonNode> f : Json.fields(body)) {
            String name = Json.camel(f.getKey());
            if (!TOP_LEVEL.contains(name) && !(nestedInCountTokens && name.equals("model"))) {
                throw ApiError.unknownField(f.getKey(), where);
            }
        }
        if (nestedInCountTokens) {
            JsonNode m = Json.field(body, "model");
            if (m != null && !(m.isTextual() && m.asText().equals("models/" + model.id()))) {
                throw ApiError.invalidArgument("* " + v.requestName + ".model: model must be \"models/" + model.id()
                        + "\", got " + m);
            }
        }
        v.contents(Json.field(body, "contents"));
        v.systemInstruction(Json.field(body, "systemInstruction"));
        v.generationConfig(Json.field(body, "generationConfig"), model);
        v.chargeAtResolution(Json.field(body, "generationConfig"));
        v.safetySettings(Json.field(body, "safetySettings"));
        v.simpleFields(body);
        return v.result();
    }

    /** Validates the {@code contents} of a plain countTokens body. */
    static Prompt countTokensContents(JsonNode contents, FilesApi files) throws ApiError {
        RequestValidator v = new RequestValidator("CountTokensRequest", files);
        v.contents(contents);
        return v.result();
    }

    private Prompt result() {
        return new Prompt(textTokens, Map.copyOf(mediaTokens), userText.toString(), lastUserText,
                systemText.toString(), List.copyOf(mediaParts));
    }

    private ApiError semantic(String path, String what) {
        return ApiError.invalidArgument("* " + requestName + "." + path + ": " + what + "\n");
    }

    /** The real answer to a value of the wrong type or an unknown enum value: with a BadRequest field violation. */
    private static ApiError invalidValue(String path, String type, JsonNode value) {
        String shown = value.isTextual() ? "\"" + abbreviate(value.asText()) + "\"" : abbreviate(value.toString());
        String message = "Invalid value at '" + path + "' (" + type + "), " + shown;
        ObjectNode violation = Json.object();
        violation.put("@type", ApiError.BAD_REQUEST).putArray("fieldViolations").addObject().put("field", path)
                .put("description", message);
        return ApiError.invalidArgument(message).detail(violation);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private static void onlyFields(JsonNode obj, Set<String> allowed, String where) throws ApiError {
        for (Map.Entry<String, JsonNode> f : Json.fields(obj)) {
            if (!allowed.contains(Json.camel(f.getKey()))) {
                throw ApiError.unknownField(f.getKey(), where);
            }
        }
    }

    private static void requireObject(JsonNode node, String path, String type) throws ApiError {
        if (!node.isObject()) {
            throw ApiError.invalidJson("Invalid value at '" + path + "' (" + ENUM_PREFIX + type
                    + "): expected an object, got " + abbreviate(node.toString()));
        }
    }

    // ---------------------------------------------------------------- contents

    private void contents(JsonNode contents) throws ApiError {
        if (contents == null || (contents.isArray() && contents.isEmpty())) {
            throw semantic("contents", "contents is not specified");
        }
        if (!contents.isArray()) {
            throw ApiError.invalidJson("Invalid value at 'contents': expected a list of "
                    + ENUM_PREFIX + "Content, got " + abbreviate(contents.toString()));
        }
        for (int i = 0; i < contents.size(); i++) {
            content(contents.get(i), i);
        }
    }

    private void content(JsonNode c, int i) throws ApiError {
        String path = "contents[" + i + "]";
        requireObject(c, path, "Content");
        onlyFields(c, CONTENT, path);
        JsonNode role = Json.field(c, "role");
        boolean user = true;
        if (role != null) {
            if (!role.isTextual() || !(role.asText().equals("user") || role.asText().equals("model"))) {
                throw ApiError.invalidArgument("Please use a valid role: user, model.");
            }
            user = role.asText().equals("user");
        }
        JsonNode parts = Json.field(c, "parts");
        if (parts == null || (parts.isArray() && parts.isEmpty())) {
            throw semantic(path + ".parts", "contents.parts must not be empty.");
        }
        if (!parts.isArray()) {
            throw ApiError.invalidJson("Invalid value at '" + path + ".parts': expected a list of "
                    + ENUM_PREFIX + "Part, got " + abbreviate(parts.toString()));
        }
        for (int j = 0; j < parts.size(); j++) {
            part(parts.get(j), path + ".parts[" + j + "]", user);
        }
    }

    private void part(JsonNode p, String path, boolean user) throws ApiError {
        requireObject(p, path, "Part");
        String data = null;
        for (Map.Entry<String, JsonNode> f : Json.fields(p)) {
            String name = Json.camel(f.getKey());
            if (PART_DATA.contains(name)) {
                boolean set = !f.getValue().isNull() && !(f.getValue().isTextual() && f.getValue().asText().isEmpty());
                if (set && data != null) {
                    throw ApiError.invalidJson("Oneof field 'data' is already set. Cannot set '" + name + "'");
                }
                if (set) {
                    data = name;
                }
            } else if (!PART_META.contains(name)) {
                throw ApiError.unknownField(f.getKey(), path);
            }
        }
        JsonNode thought = Json.field(p, "thought");
        if (thought != null && !thought.isBoolean()) {
            throw invalidValue(path + ".thought", "TYPE_BOOL", thought);
        }
        JsonNode signature = Json.field(p, "thoughtSignature");
        if (signature != null && (!signature.isTextual() || !isBase64(signature.asText()))) {
            throw ApiError.invalidArgument("Invalid value at '" + path + ".thought_signature' (TYPE_BYTES), "
                    + "Base64 decoding failed for " + abbreviate(signature.toString()));
        }
        if (data == null) {
            throw semantic(path + ".data", "required oneof field 'data' must have one initialized field");
        }
        JsonNode value = Json.field(p, data);
        switch (data) {
            case "text" -> {
                if (!value.isTextual()) {
                    throw invalidValue(path + ".text", "TYPE_STRING", value);
                }
                String text = value.asText();
                textTokens += Tokenizer.count(text);
                if (user && !(thought != null && thought.asBoolean())) {
                    if (userText.length() > 0) {
                        userText.append('\n');
                    }
                    userText.append(text);
                    lastUserText = text;
                }
            }
            case "inlineData" -> {
                requireObject(value, path + ".inline_data", "Blob");
                onlyFields(value, Set.of("mimeType", "data"), path + ".inline_data");
                String mime = mimeType(value, path + ".inline_data");
                JsonNode bytes = Json.field(value, "data");
                if (bytes == null || bytes.asText().isEmpty()) {
                    throw semantic(path + ".inline_data.data", "inline_data.data must not be empty");
                }
                byte[] decoded = bytes.isTextual() ? decodeBase64(bytes.asText()) : null;
                if (decoded == null) {
                    throw ApiError.invalidArgument("Invalid value at '" + path + ".inline_data.data' (TYPE_BYTES), "
                            + "Base64 decoding failed for " + abbreviate(bytes.toString()));
                }
                media(files.inlinePart(mime, decoded));
            }
            case "fileData" -> {
                requireObject(value, path + ".file_data", "FileData");
                onlyFields(value, Set.of("mimeType", "fileUri"), path + ".file_data");
                JsonNode uri = Json.field(value, "fileUri");
                if (uri == null || !uri.isTextual() || uri.asText().isBlank()) {
                    throw semantic(path + ".file_data.file_uri", "file_uri must not be empty");
                }
                String mime = Json.field(value, "mimeType") == null ? null : mimeType(value, path + ".file_data");
                media(files.fileDataPart(uri.asText(), mime));
            }
            default -> {
                // functionCall, functionResponse, executableCode, codeExecutionResult: structure not checked
                requireObject(value, path + "." + Json.snake(data), Character.toUpperCase(data.charAt(0))
                        + data.substring(1));
                textTokens += Tokenizer.count(value.toString());
            }
        }
    }

    private String mimeType(JsonNode blob, String path) throws ApiError {
        JsonNode mime = Json.field(blob, "mimeType");
        if (mime == null || !mime.isTextual() || mime.asText().isBlank()) {
            throw semantic(path + ".mime_type", "mime_type is not specified");
        }
        if (!mime.asText().matches("[\\w.+-]+/[\\w.+-]+")) {
            throw ApiError.invalidArgument("Unsupported MIME type: " + mime.asText());
        }
        return mime.asText();
    }

    /** A valid {@code mediaResolution} changes what images and videos are charged (see FilesApi#atResolution). */
    private void chargeAtResolution(JsonNode gc) {
        JsonNode resolution = gc == null ? null : Json.field(gc, "mediaResolution");
        if (resolution == null) {
            return;
        }
        List<MediaPart> charged = new ArrayList<>();
        for (MediaPart p : mediaParts) {
            charged.add(files.atResolution(p, resolution.asText()));
        }
        mediaParts.clear();
        mediaTokens.clear();
        charged.forEach(this::media);
    }

    private void media(MediaPart part) {
        mediaParts.add(part);
        mediaTokens.merge(part.modality(), part.tokens(), Integer::sum);
    }

    static boolean isBase64(String s) {
        return decodeBase64(s) != null;
    }

    /** Standard or URL-safe base64 (padding optional), {@code null} when invalid. */
    static byte[] decodeBase64(String s) {
        try {
            return (s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- systemInstruction

    private void systemInstruction(JsonNode si) throws ApiError {
        if (si == null) {
            return;
        }
        requireObject(si, "system_instruction", "Content");
        onlyFields(si, CONTENT, "system_instruction");
        JsonNode parts = Json.field(si, "parts");
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            throw semantic("system_instruction.parts", "system_instruction.parts must not be empty.");
        }
        for (int j = 0; j < parts.size(); j++) {
            String path = "system_instruction.parts[" + j + "]";
            JsonNode p = parts.get(j);
            requireObject(p, path, "Part");
            onlyFields(p, Set.of("text", "thoughtSignature"), path);
            JsonNode text = Json.field(p, "text");
            if (text == null || !text.isTextual() || text.asText().isEmpty()) {
                throw semantic(path + ".text", "system_instruction parts must contain text");
            }
            textTokens += Tokenizer.count(text.asText());
            if (systemText.length() > 0) {
                systemText.append('\n');
            }
            systemText.append(text.asText());
        }
    }

    // ---------------------------------------------------------------- generationConfig

    private void generationConfig(JsonNode gc, FakeModel model) throws ApiError {
        if (gc == null) {
            return;
        }
        requireObject(gc, "generation_config", "GenerationConfig");
        onlyFields(gc, GENERATION_CONFIG, "generation_config");
        String p = "generation_config.";
        for (String f : new String[] {"temperature", "topP", "presencePenalty", "frequencyPenalty"}) {
            number(gc, f, p);
        }
        for (String f : new String[] {"topK", "candidateCount", "seed", "logprobs"}) {
            integer(gc, f, p);
        }
        JsonNode temperature = Json.field(gc, "temperature");
        if (temperature != null && (temperature.asDouble() < 0 || temperature.asDouble() > 2)) {
            throw semantic(p + "temperature", "temperature must be in the range [0.0, 2.0]");
        }
        Long max = integer(gc, "maxOutputTokens", p);
        if (max != null && (max < 1 || max > model.outputTokenLimit())) {
            throw ApiError.invalidArgument("Unable to submit request because it has a maxOutputTokens value of "
                    + max + " but the supported range is from 1 (inclusive) to " + (model.outputTokenLimit() + 1)
                    + " (exclusive). Update the value and try again.");
        }
        JsonNode candidates = Json.field(gc, "candidateCount");
        if (candidates != null && candidates.asLong() != 1) {
            throw semantic(p + "candidate_count", "only candidate_count 1 is supported by this model");
        }
        JsonNode responseLogprobs = Json.field(gc, "responseLogprobs");
        if (responseLogprobs != null && !responseLogprobs.isBoolean()) {
            throw invalidValue(p + "response_logprobs", "TYPE_BOOL", responseLogprobs);
        }
        JsonNode stops = Json.field(gc, "stopSequences");
        if (stops != null) {
            if (!stops.isArray() || stops.size() > 5) {
                throw semantic(p + "stop_sequences", "stop_sequences must be a list of at most 5 strings");
            }
            for (JsonNode s : stops) {
                if (!s.isTextual()) {
                    throw invalidValue(p + "stop_sequences", "TYPE_STRING", s);
                }
            }
        }
        JsonNode mime = Json.field(gc, "responseMimeType");
        if (mime != null && !(mime.isTextual() && RESPONSE_MIME_TYPES.contains(mime.asText()))) {
            throw semantic(p + "response_mime_type", "allowed mimetypes are `text/plain`, `application/json`, "
                    + "`application/xml`, `application/yaml` and `text/x.enum`.");
        }
        JsonNode schema = Json.field(gc, "responseSchema");
        JsonNode jsonSchema = Json.field(gc, "responseJsonSchema");
        if (schema != null && jsonSchema != null) {
            throw semantic(p + "response_json_schema",
                    "response_json_schema and response_schema cannot both be set.");
        }
        if (schema != null || jsonSchema != null) {
            if ((schema != null && !schema.isObject()) || (jsonSchema != null && !jsonSchema.isObject())) {
                throw semantic(p + (schema != null ? "response_schema" : "response_json_schema"),
                        "the schema must be an object");
            }
            String m = mime == null ? "text/plain" : mime.asText();
            if (!m.equals("application/json") && !m.equals("text/x.enum")) {
                throw semantic(p + "response_mime_type", "response_mime_type must be application/json or "
                        + "text/x.enum when a response schema is set, got `" + m + "`.");
            }
        }
        if (schema != null && schema.isObject()) {
            ResponseSchema.validate(schema, p + "response_schema");
        }
        JsonNode thinking = Json.field(gc, "thinkingConfig");
        if (thinking != null) {
            requireObject(thinking, p + "thinking_config", "ThinkingConfig");
            onlyFields(thinking, THINKING_CONFIG, p + "thinking_config");
            JsonNode level = Json.field(thinking, "thinkingLevel");
            if (level != null && !(level.isTextual()
                    && THINKING_LEVELS.contains(level.asText().toUpperCase(Locale.ROOT)))) {
                throw invalidValue(p + "thinking_config.thinking_level",
                        ENUM_PREFIX + "ThinkingConfig.ThinkingLevel", level);
            }
            integer(thinking, "thinkingBudget", p + "thinking_config.");
            JsonNode include = Json.field(thinking, "includeThoughts");
            if (include != null && !include.isBoolean()) {
                throw invalidValue(p + "thinking_config.include_thoughts", "TYPE_BOOL", include);
            }
            if (level != null && Json.field(thinking, "thinkingBudget") != null) {
                throw semantic(p + "thinking_config",
                        "thinking_level and thinking_budget cannot be set at the same time.");
            }
        }
        JsonNode resolution = Json.field(gc, "mediaResolution");
        if (resolution != null && !(resolution.isTextual() && MEDIA_RESOLUTIONS.contains(resolution.asText()))) {
            throw invalidValue(p + "media_resolution", ENUM_PREFIX + "GenerationConfig.MediaResolution", resolution);
        }
        JsonNode modalities = Json.field(gc, "responseModalities");
        if (modalities != null) {
            if (!modalities.isArray()) {
                throw invalidValue(p + "response_modalities", ENUM_PREFIX + "Modality", modalities);
            }
            for (JsonNode m : modalities) {
                if (!m.isTextual() || !MODALITIES.contains(m.asText())) {
                    throw invalidValue(p + "response_modalities", ENUM_PREFIX + "Modality", m);
                }
            }
        }
    }

    private static void number(JsonNode obj, String field, String prefix) throws ApiError {
        JsonNode v = Json.field(obj, field);
        if (v != null && !v.isNumber()) {
            throw invalidValue(prefix + Json.snake(field), "TYPE_FLOAT", v);
        }
    }

    /** An int field; proto3 JSON also allows a decimal string. */
    private static Long integer(JsonNode obj, String field, String prefix) throws ApiError {
        JsonNode v = Json.field(obj, field);
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().matches("-?\\d{1,18}")) {
            return Long.parseLong(v.asText());
        }
        throw invalidValue(prefix + Json.snake(field), "TYPE_INT32", v);
    }

    // ---------------------------------------------------------------- the rest

    private void safetySettings(JsonNode settings) throws ApiError {
        if (settings == null) {
            return;
        }
        if (!settings.isArray()) {
            throw invalidValue("safety_settings", ENUM_PREFIX + "SafetySetting", settings);
        }
        for (int i = 0; i < settings.size(); i++) {
            String path = "safety_settings[" + i + "]";
            JsonNode s = settings.get(i);
            requireObject(s, path, "SafetySetting");
            onlyFields(s, SAFETY_SETTING, path);
            JsonNode category = Json.field(s, "category");
            if (category == null || !category.isTextual() || !category.asText().startsWith("HARM_CATEGORY_")) {
                throw invalidValue(path + ".category", ENUM_PREFIX + "HarmCategory",
                        category == null ? Json.MAPPER.getNodeFactory().nullNode() : category);
            }
            JsonNode threshold = Json.field(s, "threshold");
            if (threshold == null || !threshold.isTextual() || !THRESHOLDS.contains(threshold.asText())) {
                throw invalidValue(path + ".threshold", ENUM_PREFIX + "SafetySetting.HarmBlockThreshold",
                        threshold == null ? Json.MAPPER.getNodeFactory().nullNode() : threshold);
            }
        }
    }

    private void simpleFields(JsonNode body) throws ApiError {
        JsonNode tools = Json.field(body, "tools");
        if (tools != null && !tools.isArray()) {
            throw invalidValue("tools", ENUM_PREFIX + "Tool", tools);
        }
        JsonNode toolConfig = Json.field(body, "toolConfig");
        if (toolConfig != null) {
            requireObject(toolConfig, "tool_config", "ToolConfig");
        }
        JsonNode cached = Json.field(body, "cachedContent");
        if (cached != null && !(cached.isTextual() && cached.asText().startsWith("cachedContents/"))) {
            throw semantic("cached_content", "cached_content must be of the form cachedContents/{id}");
        }
        JsonNode labels = Json.field(body, "labels");
        if (labels != null) {
            requireObject(labels, "labels", "GenerateContentRequest.LabelsEntry");
            for (Map.Entry<String, JsonNode> l : Json.fields(labels)) {
                if (!l.getValue().isTextual()) {
                    throw invalidValue("labels[" + l.getKey() + "]", "TYPE_STRING", l.getValue());
                }
            }
        }
    }
}

package io.geminidigest.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A model the fake serves (see {@link FakeGemini#model(String, int, int)}).
 *
 * @param id               model id without the {@code models/} prefix
 * @param inputTokenLimit  larger prompts are rejected with 400
 * @param outputTokenLimit upper bound of {@code maxOutputTokens}; also the default output budget
 */
public record FakeModel(String id, int inputTokenLimit, int outputTokenLimit) {

    /** The model resource as {@code GET /v1beta/models/{id}} returns it. */
    ObjectNode toJson() {
        ObjectNode m = Json.object();
        m.put("name", "models/" + id);
        m.put("version", id.replaceFirst("^gemini-", "") + "-fake");
        m.put("displayName", displayName());
        m.put("description", "Fake " + displayName() + " served by FakeGemini for tests.");
        m.put("inputTokenLimit", inputTokenLimit);
        m.put("outputTokenLimit", outputTokenLimit);
        m.putArray("supportedGenerationMethods").add("generateContent").add("countTokens")
                .add("createCachedContent").add("batchGenerateContent");
        m.put("temperature", 1);
        m.put("topP", 0.95);
        m.put("topK", 64);
        m.put("maxTemperature", 2);
        m.put("thinking", true);
        return m;
    }

    private String displayName() {
        StringBuilder sb = new StringBuilder();
        for (String w : id.split("-")) {
            if (!w.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : " ").append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
            }
        }
        return sb.toString();
    }
}

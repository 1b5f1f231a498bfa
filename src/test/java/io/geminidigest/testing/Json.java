package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON helpers shared by the fake's handlers.
 *
 * <p>The real API accepts both lowerCamelCase and snake_case field names (proto3 JSON mapping). The helpers here
 * look fields up by their lowerCamelCase name and also find the snake_case spelling, without rewriting the
 * request: user-owned maps (response schemas, labels, function arguments) must keep their keys as sent.
 */
final class Json {

    /** Mapper for responses: pretty-printed like the real API. */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code "inline_data"} → {@code "inlineData"}; names without underscores are returned unchanged. */
    static String camel(String name) {
        if (name.indexOf('_') < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    /** {@code "inlineData"} → {@code "inline_data"}. */
    static String snake(String camelName) {
        StringBuilder sb = new StringBuilder(camelName.length() + 4);
        for (char c : camelName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The field spelled {@code camelName} or its snake_case form; {@code null} when absent or JSON null. */
    static JsonNode field(JsonNode obj, String camelName) {
        if (obj == null || !obj.isObject()) {
            return null;
        }
        JsonNode v = obj.get(camelName);
        if (v == null) {
            v = obj.get(snake(camelName));
        }
        return v == null || v.isNull() ? null : v;
    }

    /** Iterates the field names of an object (in document order). */
    static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode obj) {
        return () -> {
            Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
            return it;
        };
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Single-line form, used for SSE events ({@code data: {...}}). */
    static String writeCompact(JsonNode node) {
        return node.toString();
    }
}

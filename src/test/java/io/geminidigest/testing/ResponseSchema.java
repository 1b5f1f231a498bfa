package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Shape check of {@code generationConfig.responseSchema}, the OpenAPI subset of the real API's {@code Schema}
 * message.
 *
 * <p>Accepted keywords: {@code type} (required; {@code OBJECT}, {@code ARRAY}, {@code STRING}, {@code INTEGER},
 * {@code NUMBER}, {@code BOOLEAN}, upper case as the proto enum), {@code format}, {@code title},
 * {@code description}, {@code nullable}, {@code enum} (strings, {@code STRING} only), {@code properties} (non-empty,
 * {@code OBJECT} only), {@code required} and {@code propertyOrdering} (names of declared properties),
 * {@code items} (required for and only on {@code ARRAY}), {@code minItems}, {@code maxItems}, {@code minimum},
 * {@code maximum}, {@code minLength}, {@code maxLength}, {@code pattern}, {@code example}, {@code default},
 * {@code anyOf} (then {@code type} may be absent). Anything else is an unknown field (400), like
 * JSON-Schema-only keywords such as {@code additionalProperties} or {@code $ref}.
 */
final class ResponseSchema {

    static final Set<String> TYPES = Set.of("OBJECT", "ARRAY", "STRING", "INTEGER", "NUMBER", "BOOLEAN");
    static final Set<String> KEYWORDS = Set.of("type", "format", "title", "description", "nullable", "enum",
            "properties", "required", "propertyOrdering", "items", "minItems", "maxItems", "minimum", "maximum",
            "minLength", "maxLength", "pattern", "example", "default", "anyOf", "minProperties", "maxProperties");

    private ResponseSchema() {
    }

    /** @param path snake_case path of {@code schema} for messages, e.g. {@code generation_config.response_schema} */
    static void validate(JsonNode schema, String path) throws ApiError {
        if (!schema.isObject()) {
            throw ApiError.invalidJson("Invalid value at '" + path + "' (type.googleapis.com/google.ai."
                    + "generativelanguage.v1beta.Schema): expected an object, got " + schema);
        }
        for (Map.Entry<String, JsonNode> f : Json.fields(schema)) {
            if (!KEYWORDS.contains(Json.camel(f.getKey()))) {
                throw ApiError.unknownField(f.getKey(), path);
            }
        }
        JsonNode anyOf = Json.field(schema, "anyOf");
        if (anyOf != null) {
            if (!anyOf.isArray() || anyOf.isEmpty()) {
                throw semantic(path + ".any_of", "must be a non-empty list of schemas");
            }
            for (int i = 0; i < anyOf.size(); i++) {
                validate(anyOf.get(i), path + ".any_of[" + i + "]");
            }
        }
        JsonNode typeNode = Json.field(schema, "type");
        if (typeNode == null) {
            if (anyOf != null) {
                return;
            }
            throw semantic(path + ".type", "must be specified");
        }
        if (!typeNode.isTextual() || !TYPES.contains(typeNode.asText())) {
            throw ApiError.invalidArgument("Invalid value at '" + path + ".type' (type.googleapis.com/google.ai."
                    + "generativelanguage.v1beta.Type), " + typeNode);
        }
        String type = typeNode.asText();
        JsonNode properties = Json.field(schema, "properties");
        JsonNode items = Json.field(schema, "items");
        JsonNode enumNode = Json.field(schema, "enum");
        if (properties != null && !type.equals("OBJECT")) {
            throw semantic(path + ".properties", "only allowed for OBJECT type");
        }
        if (items != null && !type.equals("ARRAY")) {
            throw semantic(path + ".items", "only allowed for ARRAY type");
        }
        if (enumNode != null && !type.equals("STRING")) {
            throw semantic(path + ".enum", "only allowed for STRING type");
        }
        Set<String> names = new HashSet<>();
        if (type.equals("OBJECT")) {
            if (properties == null || !properties.isObject() || properties.isEmpty()) {
                throw semantic(path + ".properties", "should be non-empty for OBJECT type");
            }
            for (Map.Entry<String, JsonNode> p : Json.fields(properties)) {
                names.add(p.getKey());
                validate(p.getValue(), path + ".properties[" + p.getKey() + "]");
            }
        }
        if (type.equals("ARRAY")) {
            if (items == null) {
                throw semantic(path + ".items", "missing field.");
            }
            validate(items, path + ".items");
        }
        if (enumNode != null) {
            if (!enumNode.isArray() || enumNode.isEmpty()) {
                throw semantic(path + ".enum", "must be a non-empty list of strings");
            }
            for (JsonNode e : enumNode) {
                if (!e.isTextual()) {
                    throw ApiError.invalidArgument("Invalid value at '" + path + ".enum' (TYPE_STRING), " + e);
                }
            }
        }
        for (String listField : new String[] {"required", "propertyOrdering"}) {
            JsonNode list = Json.field(schema, listField);
            if (list == null) {
                continue;
            }
            String where = path + "." + Json.snake(listField);
            if (!list.isArray()) {
                throw ApiError.invalidArgument("Invalid value at '" + where + "' (TYPE_STRING), " + list);
            }
            for (JsonNode n : list) {
                if (!n.isTextual()) {
                    throw ApiError.invalidArgument("Invalid value at '" + where + "' (TYPE_STRING), " + n);
                }
                if (!names.contains(n.asText())) {
                    throw semantic(where, "property \"" + n.asText() + "\" is not defined in properties");
                }
            }
        }
        JsonNode nullable = Json.field(schema, "nullable");
        if (nullable != null && !nullable.isBoolean()) {
            throw ApiError.invalidArgument("Invalid value at '" + path + ".nullable' (TYPE_BOOL), " + nullable);
        }
    }

    private static ApiError semantic(String path, String what) {
        return ApiError.invalidArgument("* GenerateContentRequest." + path + ": " + what + "\n");
    }
}

package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer in Google's envelope: {@code {"error":{"code":N,"message":"...","status":"...","details":[...]}}}.
 *
 * <p>Thrown by handlers and turned into the HTTP answer by {@link FakeGemini}. {@code details} is omitted when
 * empty, as the real API does.
 */
final class ApiError extends Exception {

    static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
    static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";

    final int code;
    final String status;
    final ArrayNode details = Json.MAPPER.createArrayNode();

    ApiError(int code, String status, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    static ApiError invalidArgument(String message) {
        return new ApiError(400, "INVALID_ARGUMENT", message);
    }

    /** A 400 for a bad JSON payload: the real API prefixes these with "Invalid JSON payload received.". */
    static ApiError invalidJson(String what) {
        return invalidArgument("Invalid JSON payload received. " + what);
    }

    /** "Unknown name" error, {@code where} is the snake_case path of the enclosing message or {@code null}. */
    static ApiError unknownField(String name, String where) {
        return invalidJson("Unknown name \"" + name + "\"" + (where == null ? "" : " at '" + where + "'")
                + ": Cannot find field.");
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "NOT_FOUND", message);
    }

    static ApiError permissionDenied(String message) {
        return new ApiError(403, "PERMISSION_DENIED", message);
    }

    static ApiError unknownModel(String id) {
        return notFound("models/" + id + " is not found for API version v1beta, or is not supported for "
                + "generateContent. Call ListModels to see the list of available models and their supported methods.");
    }

    ApiError detail(ObjectNode detail) {
        details.add(detail);
        return this;
    }

    JsonNode toJson() {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", getMessage());
        error.put("status", status);
        if (!details.isEmpty()) {
            error.set("details", details);
        }
        ObjectNode root = Json.object();
        root.set("error", error);
        return root;
    }
}

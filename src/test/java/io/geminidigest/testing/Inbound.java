package io.geminidigest.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One request being handled: the parsed pieces of the {@link HttpExchange}, helpers to answer it, and what the
 * handlers learned about it (model, prompt tokens) for the {@link RecordedRequest}.
 */
final class Inbound {

    final HttpExchange exchange;
    final long seq;
    final Instant at = Instant.now();
    final String method;
    final String path;
    final String query;
    final Map<String, String> params;
    /** The body; empty for upload requests under {@code /upload/}, whose handler reads the stream itself. */
    final byte[] body;
    /** True when the body was larger than the fake's request size limit (the excess was read and discarded). */
    final boolean tooLarge;
    /** Bytes of body received; set by upload handlers that do not keep the bytes. */
    long bodySize;

    // filled in by handlers, copied into the RecordedRequest
    String model;
    int promptTokens = -1;
    String userText;
    /** The usageMetadata a generate call was answered with (what the fake bills), set by the handler. */
    JsonNode usage;
    /** Error bodies wrapped in a JSON array (streamGenerateContent without alt=sse). */
    boolean wrapErrorsInArray;

    private JsonNode json;
    private int status = -1;
    private final Consumer<RecordedRequest> recorder;
    private boolean recorded;

    /**
     * @param recorder receives the {@link RecordedRequest} once, <em>before</em> the answer reaches the client, so a
     *                 test that got its response always finds the request recorded
     */
    Inbound(HttpExchange exchange, long seq, Consumer<RecordedRequest> recorder) throws IOException {
        this(exchange, seq, recorder, Long.MAX_VALUE);
    }

    /**
     * @param sizeLimit bodies larger than this are discarded and flagged {@link #tooLarge}; upload bodies (paths
     *                  under {@code /upload/}) are not read here at all
     */
    Inbound(HttpExchange exchange, long seq, Consumer<RecordedRequest> recorder, long sizeLimit) throws IOException {
        this.exchange = exchange;
        this.seq = seq;
        this.recorder = recorder;
        this.method = exchange.getRequestMethod();
        this.path = exchange.getRequestURI().getRawPath();
        this.query = exchange.getRequestURI().getRawQuery();
        this.params = parseQuery(query);
        if (path.startsWith("/upload/") && params.containsKey("upload_id")) {
            this.body = new byte[0];
            this.tooLarge = false;
        } else {
            var in = exchange.getRequestBody();
            byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, sizeLimit + 1));
            this.tooLarge = read.length > sizeLimit;
            if (tooLarge) {
                long rest = in.transferTo(java.io.OutputStream.nullOutputStream());
                this.bodySize = read.length + rest;
                read = new byte[0];
            } else {
                this.bodySize = read.length;
            }
            this.body = read;
        }
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(k, v);
        }
        return params;
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * The body as a JSON object, enforcing what the real API enforces: {@code Content-Type: application/json}
     * and a syntactically valid JSON object.
     */
    JsonNode jsonObjectBody() throws ApiError {
        String type = header("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].trim();
        if (!mime.equalsIgnoreCase("application/json")) {
            throw ApiError.invalidJson("Content-Type must be application/json, got "
                    + (type == null ? "no Content-Type" : "\"" + type + "\"") + ".");
        }
        JsonNode node = parsedBody();
        if (node == null) {
            if (body.length == 0) {
                throw ApiError.invalidJson("Request body is empty; expected a JSON object.");
            }
            throw ApiError.invalidJson("Unexpected token.\n" + abbreviate(new String(body, StandardCharsets.UTF_8))
                    + "\n^");
        }
        if (!node.isObject()) {
            throw ApiError.invalidJson("Unknown name \"\": Root element must be a message.");
        }
        return node;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40);
    }

    /** The body parsed as JSON, or {@code null} when empty or not JSON (strict: no trailing garbage). */
    JsonNode parsedBody() {
        if (json == null && body.length > 0) {
            try {
                json = Json.MAPPER.reader()
                        .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .readTree(body);
            } catch (JsonProcessingException e) {
                json = null;
            } catch (IOException e) {
                json = null;
            }
        }
        return json;
    }

    void sendJson(int code, JsonNode node) throws IOException {
        send(code, "application/json; charset=UTF-8", Json.write(node).getBytes(StandardCharsets.UTF_8));
    }

    void sendError(ApiError e) throws IOException {
        JsonNode node = e.toJson();
        if (wrapErrorsInArray) {
            node = Json.MAPPER.createArrayNode().add(node);
        }
        if (e.code == 405) {
            exchange.getResponseHeaders().set("Allow", e.getMessage().contains("use GET") ? "GET" : "POST");
        }
        sendJson(e.code, node);
    }

    void send(int code, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        commit(code);
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Starts a chunked 200 answer; the caller writes and flushes events, then closes the stream. */
    OutputStream startStream(String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        commit(200);
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /**
     * Closes the connection without sending anything. {@code HttpExchange.close()} before
     * {@code sendResponseHeaders} makes the JDK server close the socket, so the client sees no response at all.
     */
    void drop() {
        commit(0);
        exchange.close();
    }

    /** Fixes the status and records the request (once). */
    void commit(int code) {
        status = code;
        if (!recorded) {
            recorded = true;
            recorder.accept(toRecord());
        }
    }

    boolean answered() {
        return status >= 0;
    }

    private RecordedRequest toRecord() {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        return new RecordedRequest(at, method, path, query, java.util.Collections.unmodifiableMap(headers),
                new String(body, StandardCharsets.UTF_8), parsedBody(), Math.max(status, 0), model, promptTokens,
                userText, Math.max(bodySize, body.length), usage);
    }
}

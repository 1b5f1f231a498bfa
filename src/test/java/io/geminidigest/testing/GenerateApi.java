package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1beta/models/{id}:generateContent}, {@code :streamGenerateContent} and {@code :countTokens}.
 *
 * <p>Order of checks for generate calls, as on the real API: body and fields (400; {@code fileData} parts are
 * resolved here: 403 for unknown / deleted / expired files, 400 FAILED_PRECONDITION for files not ACTIVE) → input
 * token limit (400, media included) →
 * scripted/random faults → rate limits (429) → responder. Only calls that reach the responder are charged.
 */
final class GenerateApi implements ApiArea {

    static final String GENERATE = "generateContent";
    static final String STREAM = "streamGenerateContent";
    static final String COUNT = "countTokens";

    private final FakeGemini fake;

    GenerateApi(FakeGemini fake) {
        this.fake = fake;
    }

    @Override
    public Route route(Inbound req) throws ApiError {
        String prefix = ModelsApi.PREFIX + "/";
        int colon = req.path.lastIndexOf(':');
        if (!req.path.startsWith(prefix) || colon < prefix.length()
                || req.path.indexOf('/', prefix.length()) >= 0) {
            return null;
        }
        String id = req.path.substring(prefix.length(), colon);
        String verb = req.path.substring(colon + 1);
        if (!verb.equals(GENERATE) && !verb.equals(STREAM) && !verb.equals(COUNT)) {
            throw ApiError.notFound("Method not found: models/" + id + ":" + verb);
        }
        if (!req.method.equals("POST")) {
            throw ApiArea.methodNotAllowed(req, "POST");
        }
        req.model = id;
        if (verb.equals(COUNT)) {
            return r -> countTokens(r, id);
        }
        boolean stream = verb.equals(STREAM);
        boolean sse = stream && "sse".equals(req.params.get("alt"));
        if (stream && !sse) {
            req.wrapErrorsInArray = true;
        }
        return r -> generate(r, id, stream, sse);
    }

    // ---------------------------------------------------------------- generate

    private void generate(Inbound req, String id, boolean stream, boolean sse) throws ApiError, IOException {
        FakeModel model = fake.models().require(id);
        JsonNode body = req.jsonObjectBody();
        RequestValidator.Prompt prompt = RequestValidator.generateRequest(body, model, false, fake.filesApi());
        int tokens = prompt.totalTokens();
        req.promptTokens = tokens;
        req.userText = prompt.userText();
        if (tokens > model.inputTokenLimit()) {
            throw ApiError.invalidArgument("The input token count (" + tokens
                    + ") exceeds the maximum number of tokens allowed (" + model.inputTokenLimit() + ").");
        }
        Fault fault = fake.nextFault();
        if (fault != null) {
            applyFault(req, fault, id);
            return;
        }
        fake.limiter().admit(id, tokens);

        JsonNode gc = Json.field(body, "generationConfig");
        GenerateCall call = new GenerateCall(id, body, prompt.userText(), prompt.lastUserText(), prompt.systemText(),
                tokens, gc == null ? Json.object() : gc, stream, prompt.mediaParts());
        Answer answer = fake.responder().apply(call);
        if (answer == null) {
            throw new IllegalStateException("responder returned null for " + call);
        }
        if (fake.strictJsonAnswers() && !answer.isBlocked() && call.responseMimeType().equals("application/json")
                && !isJson(answer.text())) {
            throw new IllegalStateException("responder answered invalid JSON to a call with responseMimeType "
                    + "application/json: " + answer.text());
        }
        sleep(answer.delay());

        String responseId = responseId();
        if (answer.isBlocked()) {
            ObjectNode blocked = Json.object();
            blocked.putObject("promptFeedback").put("blockReason", answer.blockReason());
            ObjectNode usage = blocked.putObject("usageMetadata");
            usage.put("promptTokenCount", tokens).put("totalTokenCount", tokens);
            usage.set("promptTokensDetails", details(prompt));
            blocked.put("modelVersion", id).put("responseId", responseId);
            req.usage = usage.deepCopy();
            respond(req, stream, sse, List.of(blocked));
            return;
        }

        Integer requestedMax = call.maxOutputTokens();
        int maxOut = requestedMax == null ? model.outputTokenLimit() : requestedMax;
        int thoughts = Math.min(answer.thoughtsTokens(), maxOut);
        String text = answer.text();
        String finish = answer.finishReason();
        if (Tokenizer.count(text) + answer.thoughtsTokens() > maxOut) {
            text = Tokenizer.truncate(text, maxOut - thoughts);
            finish = "MAX_TOKENS";
        }

        List<String> deltas = stream ? split(text) : List.of(text);
        List<JsonNode> chunks = new ArrayList<>();
        StringBuilder soFar = new StringBuilder();
        for (int i = 0; i < deltas.size(); i++) {
            soFar.append(deltas.get(i));
            boolean last = i == deltas.size() - 1;
            chunks.add(response(deltas.get(i), last ? finish : null, prompt, Tokenizer.count(soFar.toString()),
                    thoughts, id, responseId));
        }
        // recorded before the answer is sent: the last chunk's usage is what the request is billed
        req.usage = chunks.get(chunks.size() - 1).get("usageMetadata").deepCopy();
        respond(req, stream, sse, chunks);
    }

    private static boolean isJson(String text) {
        try {
            Json.MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(text);
            return !text.isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private void applyFault(Inbound req, Fault fault, String model) throws ApiError {
        QuotaLimiter limiter = fake.limiter();
        switch (fault.kind()) {
            case DROP_CONNECTION -> req.drop();
            case STATUS, QUOTA_NO_DETAILS, PREPAYMENT_DEPLETED ->
                    throw new ApiError(fault.code(), fault.status(), fault.message());
            case QUOTA_PER_MINUTE -> throw QuotaLimiter.quotaExceeded(QuotaLimiter.Dimension.REQUESTS_PER_MINUTE,
                    limiter.rpm() > 0 ? limiter.rpm() : 60, model,
                    fault.retryDelay() != null ? fault.retryDelay() : limiter.minute());
            case QUOTA_PER_DAY -> throw QuotaLimiter.quotaExceeded(QuotaLimiter.Dimension.REQUESTS_PER_DAY,
                    limiter.rpd() > 0 ? limiter.rpd() : 10_000, model, null);
            default -> throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(Inbound req, boolean stream, boolean sse, List<JsonNode> chunks) throws IOException {
        if (!stream) {
            req.sendJson(200, chunks.get(0));
            return;
        }
        try (OutputStream out = req.startStream(sse ? "text/event-stream" : "application/json; charset=UTF-8")) {
            if (!sse) {
                out.write('[');
            }
            for (int i = 0; i < chunks.size(); i++) {
                String piece = sse ? "data: " + Json.writeCompact(chunks.get(i)) + "\r\n\r\n"
                        : (i == 0 ? "" : "\n,\r\n") + Json.write(chunks.get(i));
                out.write(piece.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (!sse) {
                out.write(']');
            }
        }
    }

    /** A GenerateContentResponse with one candidate; {@code finish == null} for a non-final stream chunk. */
    private static ObjectNode response(String text, String finish, RequestValidator.Prompt prompt,
                                       int candidatesTokens, int thoughts, String model, String responseId) {
        ObjectNode r = Json.object();
        ObjectNode candidate = r.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        if (!text.isEmpty()) {
            content.putArray("parts").addObject().put("text", text);
        }
        content.put("role", "model");
        if (finish != null) {
            candidate.put("finishReason", finish);
        }
        candidate.put("index", 0);
        ObjectNode usage = r.putObject("usageMetadata");
        int promptTokens = prompt.totalTokens();
        usage.put("promptTokenCount", promptTokens);
        if (candidatesTokens > 0) {
            usage.put("candidatesTokenCount", candidatesTokens);
        }
        usage.put("totalTokenCount", promptTokens + candidatesTokens + thoughts);
        usage.set("promptTokensDetails", details(prompt));
        if (thoughts > 0) {
            usage.put("thoughtsTokenCount", thoughts);
        }
        r.put("modelVersion", model);
        r.put("responseId", responseId);
        return r;
    }

    private static ArrayNode details(RequestValidator.Prompt prompt) {
        ArrayNode details = Json.MAPPER.createArrayNode();
        details.addObject().put("modality", "TEXT").put("tokenCount", prompt.textTokens());
        for (Map.Entry<String, Integer> m : prompt.mediaTokens().entrySet()) {
            details.addObject().put("modality", m.getKey()).put("tokenCount", m.getValue());
        }
        return details;
    }

    /**
     * Splits an answer into stream deltas at whitespace boundaries: up to three deltas of similar length (one per
     * word when there are fewer words). The deltas concatenate to {@code text} exactly.
     */
    static List<String> split(String text) {
        String[] words = text.split("(?<=\\s)(?=\\S)");
        if (words.length <= 1) {
            return List.of(text);
        }
        int n = Math.min(3, words.length);
        List<String> deltas = new ArrayList<>(n);
        int from = 0;
        for (int k = 1; k <= n; k++) {
            int to = k == n ? words.length : Math.max(from + 1, Math.round((float) words.length * k / n));
            deltas.add(String.join("", List.of(words).subList(from, to)));
            from = to;
        }
        return deltas;
    }

    private static String responseId() {
        byte[] b = new byte[17];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).substring(0, 23);
    }

    // ---------------------------------------------------------------- countTokens

    private void countTokens(Inbound req, String id) throws ApiError, IOException {
        FakeModel model = fake.models().require(id);
        JsonNode body = req.jsonObjectBody();
        for (Map.Entry<String, JsonNode> f : Json.fields(body)) {
            String name = Json.camel(f.getKey());
            if (!name.equals("contents") && !name.equals("generateContentRequest")) {
                throw ApiError.unknownField(f.getKey(), null);
            }
        }
        JsonNode contents = Json.field(body, "contents");
        JsonNode gcr = Json.field(body, "generateContentRequest");
        RequestValidator.Prompt prompt;
        if (contents != null && gcr != null) {
            throw ApiError.invalidArgument("* CountTokensRequest: contents and generate_content_request "
                    + "cannot both be set.\n");
        } else if (gcr != null) {
            if (!gcr.isObject()) {
                throw ApiError.invalidJson("Invalid value at 'generate_content_request': expected an object.");
            }
            prompt = RequestValidator.generateRequest(gcr, model, true, fake.filesApi());
        } else {
            prompt = RequestValidator.countTokensContents(contents, fake.filesApi());
        }
        req.promptTokens = prompt.totalTokens();
        ObjectNode answer = Json.object();
        if (prompt.totalTokens() > 0) {
            answer.put("totalTokens", prompt.totalTokens());
        }
        answer.set("promptTokensDetails", details(prompt));
        req.sendJson(200, answer);
    }
}

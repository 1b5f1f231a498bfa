package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Exercises {@link FakeGemini} over real HTTP with {@link HttpClient}. */
class FakeGeminiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = FakeGemini.DEFAULT_MODEL;
    static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent";
    static final String COUNT = "/v1beta/models/" + MODEL + ":countTokens";

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    FakeGemini fake;

    @BeforeEach
    void start() {
        fake = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(0.01));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    /**
     * Quota tests use a 1.8 s "minute": long enough that a few requests surely land in one window on a loaded
     * machine, short enough to wait for a window to roll.
     */
    void slowerClock() {
        fake.close();
        fake = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(0.03));
    }

    // ------------------------------------------------------------------ helpers

    static String userBody(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + quote(text) + "}]}]}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                .header("x-goog-api-key", FakeGemini.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                .header("x-goog-api-key", FakeGemini.KEY).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Asserts Google's error envelope and returns {@code error}. */
    static JsonNode assertError(HttpResponse<String> r, int code, String status, String messagePart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(code);
        assertThat(error.get("status").asText()).isEqualTo(status);
        assertThat(error.get("message").asText()).contains(messagePart);
        return error;
    }

    static JsonNode detail(JsonNode error, String type) {
        for (JsonNode d : error.path("details")) {
            if (d.path("@type").asText().equals(type)) {
                return d;
            }
        }
        return null;
    }

    static Duration retryDelay(JsonNode error) {
        JsonNode info = detail(error, "type.googleapis.com/google.rpc.RetryInfo");
        assertThat(info).as("RetryInfo in %s", error).isNotNull();
        String s = info.get("retryDelay").asText();
        assertThat(s).matches("\\d+(\\.\\d{1,9})?s");
        return Duration.ofNanos(new BigDecimal(s.substring(0, s.length() - 1)).movePointRight(9).longValueExact());
    }

    // ------------------------------------------------------------------ tokenizer

    @Test
    void tokenizerIsDeterministic() {
        assertThat(FakeGemini.countTokens("")).isZero();
        assertThat(FakeGemini.countTokens("a")).isEqualTo(1);
        assertThat(FakeGemini.countTokens("hello world")).isEqualTo(4); // 5 chars → 2, twice
        assertThat(FakeGemini.countTokens("abcd efgh ij")).isEqualTo(3);
        assertThat(FakeGemini.countTokens("  spaced\n\tout  ")).isEqualTo(2 + 1);
        assertThat(FakeGemini.countTokens("日本語")).isEqualTo(3);
        assertThat(FakeGemini.countTokens("ひらがな カタカナ 한국어")).isEqualTo(4 + 4 + 3);
        assertThat(FakeGemini.countTokens("Tokyo東京")).isEqualTo(2 + 2);
    }

    // ------------------------------------------------------------------ generateContent

    @Test
    void happyPathHasTheRealResponseShape() throws Exception {
        String user = "The   quarterly\nreport shows growth in all regions.";
        String system = "You summarize documents.";
        HttpResponse<String> r = post(GENERATE, "{\"systemInstruction\":{\"parts\":[{\"text\":" + quote(system) + "}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + quote(user) + "}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":1000,\"temperature\":1.0,"
                + "\"thinkingConfig\":{\"thinkingLevel\":\"low\"}},"
                + "\"safetySettings\":[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"BLOCK_ONLY_HIGH\"}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(r);
        JsonNode candidate = body.get("candidates").get(0);
        String expected = "Summary: The quarterly report shows growth in all regions.";
        assertThat(candidate.at("/content/parts/0/text").asText()).isEqualTo(expected);
        assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
        assertThat(candidate.get("finishReason").asText()).isEqualTo("STOP");
        assertThat(candidate.get("index").asInt()).isZero();

        int prompt = FakeGemini.countTokens(user) + FakeGemini.countTokens(system);
        JsonNode usage = body.get("usageMetadata");
        assertThat(usage.get("promptTokenCount").asInt()).isEqualTo(prompt);
        assertThat(usage.get("candidatesTokenCount").asInt()).isEqualTo(FakeGemini.countTokens(expected));
        assertThat(usage.get("totalTokenCount").asInt()).isEqualTo(prompt + FakeGemini.countTokens(expected));
        assertThat(usage.at("/promptTokensDetails/0/modality").asText()).isEqualTo("TEXT");
        assertThat(usage.at("/promptTokensDetails/0/tokenCount").asInt()).isEqualTo(prompt);
        assertThat(usage.has("thoughtsTokenCount")).isFalse();
        assertThat(body.get("modelVersion").asText()).isEqualTo(MODEL);
        assertThat(body.get("responseId").asText()).hasSize(23);
    }

    @Test
    void acceptsSnakeCaseAndQueryKeyAndChargesMediaParts() throws Exception {
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 fake".getBytes());
        String audioUri = FakeGeminiFilesTest.upload(this, "a.mp3", "audio/mpeg", new byte[100]).path("uri").asText();
        String body = "{\"system_instruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
                + "\"contents\":[{\"parts\":[{\"text\":\"Summarize:\"},"
                + "{\"inline_data\":{\"mime_type\":\"application/pdf\",\"data\":\"" + pdf + "\"}},"
                + "{\"file_data\":{\"mime_type\":\"audio/mpeg\",\"file_uri\":\"" + audioUri + "\"}}]}],"
                + "\"generation_config\":{\"max_output_tokens\":100,\"response_mime_type\":\"application/json\","
                + "\"response_schema\":{\"type\":\"OBJECT\",\"properties\":{\"my_field\":{\"type\":\"STRING\"}}}}}";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + GENERATE + "?key=" + FakeGemini.KEY))
                .header("Content-Type", "application/json; charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode usage = json(r).get("usageMetadata");
        int text = FakeGemini.countTokens("Be brief.") + FakeGemini.countTokens("Summarize:");
        assertThat(usage.get("promptTokenCount").asInt()).isEqualTo(text + 2 * FakeGemini.mediaPartTokens());
        assertThat(usage.get("promptTokensDetails").toString())
                .contains("\"DOCUMENT\"").contains("\"AUDIO\"").contains("\"tokenCount\":258");
    }

    @Test
    void mediaResolutionIsAnEnumAndDecidesWhatImagesAndVideosAreCharged() throws Exception {
        String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        String image = "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + png + "\"}}";
        java.util.function.Function<String, String> body = resolution -> "{\"contents\":[{\"parts\":[{\"text\":"
                + "\"Describe:\"}," + image + "]}]" + (resolution == null ? ""
                        : ",\"generationConfig\":{\"mediaResolution\":\"" + resolution + "\"}") + "}";
        int text = FakeGemini.countTokens("Describe:");

        // the bare word (or any unknown value) is refused as the real API refuses it: 400 with a field violation
        for (String wrong : new String[] {"low", "MEDIA_RESOLUTION_ULTRA_HIGH"}) {
            JsonNode error = assertError(post(GENERATE, body.apply(wrong)), 400, "INVALID_ARGUMENT",
                    "Invalid value at 'generation_config.media_resolution' (type.googleapis.com/google.ai."
                            + "generativelanguage.v1beta.GenerationConfig.MediaResolution), \"" + wrong + "\"");
            JsonNode violation = detail(error, "type.googleapis.com/google.rpc.BadRequest").path("fieldViolations")
                    .get(0);
            assertThat(violation.path("field").asText()).isEqualTo("generation_config.media_resolution");
            assertThat(violation.path("description").asText()).isEqualTo(error.path("message").asText());
        }
        // an image by resolution (Gemini 3 rates); without one, the fake's image rate (258 by default)
        Map<String, Integer> charged = new java.util.LinkedHashMap<>();
        for (String r : new String[] {null, "MEDIA_RESOLUTION_UNSPECIFIED", "MEDIA_RESOLUTION_LOW",
                "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH"}) {
            HttpResponse<String> answer = post(GENERATE, body.apply(r));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            charged.put(String.valueOf(r), json(answer).at("/usageMetadata/promptTokenCount").asInt() - text);
        }
        assertThat(charged).containsExactly(Map.entry("null", 258), Map.entry("MEDIA_RESOLUTION_UNSPECIFIED", 258),
                Map.entry("MEDIA_RESOLUTION_LOW", 280), Map.entry("MEDIA_RESOLUTION_MEDIUM", 560),
                Map.entry("MEDIA_RESOLUTION_HIGH", 1120));
        // countTokens with the whole request counts the same
        JsonNode counted = json(post(COUNT, "{\"generateContentRequest\":" + body.apply("MEDIA_RESOLUTION_LOW") + "}"));
        assertThat(counted.path("totalTokens").asInt()).isEqualTo(text + 280);

        // a video of 10.5 s: 11 frames at 70 (LOW) or 280 (HIGH) tokens, plus its sound track unless it has none
        fake.mediaDuration("clip.mp4", Duration.ofMillis(10_500)).mediaDuration("mute.mp4", Duration.ofMillis(10_500))
                .silentVideo("mute.mp4");
        String clip = FakeGeminiFilesTest.upload(this, "clip.mp4", "video/mp4", new byte[64]).path("uri").asText();
        String mute = FakeGeminiFilesTest.upload(this, "mute.mp4", "video/mp4", new byte[65]).path("uri").asText();
        java.util.function.BiFunction<String, String, String> video = (uri, r) -> "{\"contents\":[{\"parts\":["
                + "{\"text\":\"Describe:\"},{\"fileData\":{\"mimeType\":\"video/mp4\",\"fileUri\":\"" + uri
                + "\"}}]}],\"generationConfig\":{\"mediaResolution\":\"" + r + "\"}}";
        assertThat(json(post(GENERATE, video.apply(clip, "MEDIA_RESOLUTION_LOW"))).at("/usageMetadata/promptTokenCount")
                .asInt()).isEqualTo(text + 11 * 70 + 336);
        assertThat(json(post(GENERATE, video.apply(clip, "MEDIA_RESOLUTION_HIGH"))).at("/usageMetadata/promptTokenCount")
                .asInt()).isEqualTo(text + 11 * 280 + 336);
        assertThat(json(post(GENERATE, video.apply(mute, "MEDIA_RESOLUTION_HIGH"))).at("/usageMetadata/promptTokenCount")
                .asInt()).isEqualTo(text + 11 * 280);
    }

    static Stream<Arguments> invalidBodies() {
        String c = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]";
        return Stream.of(
                Arguments.of("not json", "Invalid JSON payload received."),
                Arguments.of("[1,2]", "Root element must be a message"),
                Arguments.of("{" + c + "} trailing", "Invalid JSON payload received."),
                Arguments.of("{" + c + ",\"foo\":1}", "Unknown name \"foo\": Cannot find field."),
                Arguments.of("{}", "contents is not specified"),
                Arguments.of("{\"contents\":[]}", "contents is not specified"),
                Arguments.of("{\"contents\":[{\"role\":\"user\",\"parts\":[]}]}", "contents.parts must not be empty."),
                Arguments.of("{\"contents\":[{\"role\":\"user\"}]}", "contents.parts must not be empty."),
                Arguments.of("{\"contents\":[{\"role\":\"system\",\"parts\":[{\"text\":\"x\"}]}]}",
                        "Please use a valid role: user, model."),
                Arguments.of("{\"contents\":[{\"parts\":[{}]}]}",
                        "parts[0].data: required oneof field 'data' must have one initialized field"),
                Arguments.of("{\"contents\":[{\"parts\":[{\"thought\":true}]}]}", "required oneof field 'data'"),
                Arguments.of("{\"contents\":[{\"parts\":[{\"text\":\"a\",\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAAA\"}}]}]}",
                        "Oneof field 'data' is already set"),
                Arguments.of("{\"contents\":[{\"parts\":[{\"text\":\"a\",\"bogus\":1}]}]}", "Unknown name \"bogus\""),
                Arguments.of("{\"contents\":[{\"parts\":[{\"inlineData\":{\"data\":\"AAAA\"}}]}]}", "mime_type"),
                Arguments.of("{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"not base64!\"}}]}]}",
                        "Base64 decoding failed"),
                Arguments.of("{" + c + ",\"generationConfig\":{\"thinkingLevel\":\"low\"}}",
                        "Unknown name \"thinkingLevel\" at 'generation_config': Cannot find field."),
                Arguments.of("{" + c + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"low\",\"thinkingBudget\":100}}}",
                        "thinking_level and thinking_budget cannot be set at the same time"),
                Arguments.of("{" + c + ",\"generationConfig\":{\"thinkingConfig\":{\"level\":\"low\"}}}",
                        "Unknown name \"level\""),
                Arguments.of("{" + c + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"extreme\"}}}",
                        "thinking_level"),
                Arguments.of("{" + c + ",\"generationConfig\":{\"responseMimeType\":\"application/json\","
                        + "\"responseSchema\":{\"type\":\"OBJECT\"},\"responseJsonSchema\":{\"type\":\"object\"}}}",
                        "response_json_schema and response_schema cannot both be set"),
                Arguments.of("{" + c + ",\"generationConfig\":{\"responseSchema\":{\"type\":\"OBJECT\"}}}",
                        "response_mime_type must be application/json"),
                Arguments.of("{" + c + ",\"generationConfig\":{\"maxOutputTokens\":0}}",
                        "maxOutputTokens value of 0"),
                Arguments.of("{" + c + ",\"generationConfig\":{\"maxOutputTokens\":65537}}",
                        "supported range is from 1 (inclusive) to 65537 (exclusive)"),
                Arguments.of("{" + c + ",\"generationConfig\":{\"temperature\":\"hot\"}}",
                        "Invalid value at 'generation_config.temperature' (TYPE_FLOAT)"),
                Arguments.of("{" + c + ",\"systemInstruction\":{\"parts\":[]}}", "system_instruction.parts must not be empty"),
                Arguments.of("{" + c + ",\"systemInstruction\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAAA\"}}]}}",
                        "Unknown name \"inlineData\" at 'system_instruction.parts[0]'"),
                Arguments.of("{" + c + ",\"safetySettings\":[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"SOMETIMES\"}]}",
                        "safety_settings[0].threshold"));
    }

    @ParameterizedTest
    @MethodSource("invalidBodies")
    void rejectsInvalidRequestsLikeTheRealApi(String body, String messagePart) throws Exception {
        assertError(post(GENERATE, body), 400, "INVALID_ARGUMENT", messagePart);
        assertThat(fake.userTexts()).isEmpty();
    }

    @Test
    void requiresJsonContentType() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + GENERATE))
                .header("x-goog-api-key", FakeGemini.KEY).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(userBody("hi"))));
        assertError(r, 400, "INVALID_ARGUMENT", "Content-Type must be application/json");
    }

    @Test
    void rejectsMissingAndWrongKeys() throws Exception {
        HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + GENERATE))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(userBody("hi"))));
        assertError(missing, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without "
                + "established identity). Please use API Key or other form of API consumer identity to call this API.");

        HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + GENERATE + "?key=AIzaWrong"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(userBody("hi"))));
        JsonNode error = assertError(wrong, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
        JsonNode info = detail(error, "type.googleapis.com/google.rpc.ErrorInfo");
        assertThat(info.get("reason").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(info.get("domain").asText()).isEqualTo("googleapis.com");
        assertThat(info.at("/metadata/service").asText()).isEqualTo("generativelanguage.googleapis.com");

        fake.validKey("AIzaSecondKey");
        HttpResponse<String> second = send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + GENERATE))
                .header("X-Goog-Api-Key", "AIzaSecondKey").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(userBody("hi"))));
        assertThat(second.statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsLeakedCamelHeadersUnknownPathsAndWrongMethods() throws Exception {
        HttpResponse<String> leaked = send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + GENERATE))
                .header("x-goog-api-key", FakeGemini.KEY).header("Content-Type", "application/json")
                .header("CamelHttpUri", "http://elsewhere").POST(HttpRequest.BodyPublishers.ofString(userBody("hi"))));
        assertError(leaked, 400, "INVALID_ARGUMENT", "unexpected header Camelhttpuri");

        assertError(get("/v1/models"), 404, "NOT_FOUND", "/v1/models");
        assertError(post("/v1beta/models/" + MODEL + ":generate", userBody("hi")), 404, "NOT_FOUND", "Method not found");
        HttpResponse<String> wrongMethod = get(GENERATE);
        assertError(wrongMethod, 405, "METHOD_NOT_ALLOWED", "use POST");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertError(post("/v1beta/models/" + MODEL, "{}"), 405, "METHOD_NOT_ALLOWED", "use GET");
    }

    // ------------------------------------------------------------------ models

    @Test
    void servesModelsWithPaging() throws Exception {
        JsonNode m = json(get("/v1beta/models/" + MODEL));
        assertThat(m.get("name").asText()).isEqualTo("models/" + MODEL);
        assertThat(m.get("inputTokenLimit").asInt()).isEqualTo(1_048_576);
        assertThat(m.get("outputTokenLimit").asInt()).isEqualTo(65_536);
        assertThat(m.get("supportedGenerationMethods").toString()).contains("\"generateContent\"", "\"countTokens\"");
        assertThat(m.get("thinking").asBoolean()).isTrue();
        assertThat(m.has("version") && m.has("displayName") && m.has("temperature")).isTrue();

        fake.model("gemini-2.5-flash", 1_048_576, 65_536).model("gemini-3-flash-preview", 1_048_576, 65_536);
        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = json(get("/v1beta/models?pageSize=2" + (token == null ? "" : "&pageToken=" + token)));
            page.get("models").forEach(x -> names.add(x.get("name").asText()));
            token = page.has("nextPageToken") ? page.get("nextPageToken").asText() : null;
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(2);
        assertThat(names).containsExactly("models/" + MODEL, "models/gemini-2.5-flash", "models/gemini-3-flash-preview");

        assertError(get("/v1beta/models?pageToken=garbage"), 400, "INVALID_ARGUMENT", "page token");
    }

    @Test
    void unknownModelIs404() throws Exception {
        String msg = "models/gemini-0-nope is not found for API version v1beta, or is not supported for generateContent. "
                + "Call ListModels to see the list of available models and their supported methods.";
        assertError(get("/v1beta/models/gemini-0-nope"), 404, "NOT_FOUND", msg);
        assertError(post("/v1beta/models/gemini-0-nope:generateContent", userBody("hi")), 404, "NOT_FOUND", msg);
    }

    @Test
    void aRefusedModelIs403OnEveryCallAndStaysListed() throws Exception {
        fake.model("gemini-3-ultra-preview", 1_048_576, 65_536).refuseModel("gemini-3-ultra-preview");
        String msg = "The caller does not have permission";
        JsonNode get = assertError(get("/v1beta/models/gemini-3-ultra-preview"), 403, "PERMISSION_DENIED", msg);
        assertThat(get.has("details")).isFalse();
        assertError(post("/v1beta/models/gemini-3-ultra-preview:generateContent", userBody("hi")), 403,
                "PERMISSION_DENIED", msg);
        // refused before the body is looked at
        assertError(post("/v1beta/models/gemini-3-ultra-preview:generateContent", "{}"), 403, "PERMISSION_DENIED",
                msg);
        assertError(post("/v1beta/models/gemini-3-ultra-preview:countTokens", userBody("hi")), 403,
                "PERMISSION_DENIED", msg);
        assertThat(json(get("/v1beta/models")).toString()).contains("models/gemini-3-ultra-preview");
        // other models are not affected, and a reset keeps the refusal
        assertThat(post(GENERATE, userBody("hi")).statusCode()).isEqualTo(200);
        fake.reset();
        assertError(get("/v1beta/models/gemini-3-ultra-preview"), 403, "PERMISSION_DENIED", msg);
        assertThat(fake.userTexts()).isEmpty();
    }

    // ------------------------------------------------------------------ limits, answers

    @Test
    void rejectsPromptsOverTheInputTokenLimit() throws Exception {
        fake.model("tiny", 10, 100);
        String text = "one two three four five six seven eight nine ten eleven"; // 15 fake tokens
        assertThat(FakeGemini.countTokens(text)).isEqualTo(15);
        assertError(post("/v1beta/models/tiny:generateContent", userBody(text)), 400, "INVALID_ARGUMENT",
                "The input token count (15) exceeds the maximum number of tokens allowed (10).");
        assertThat(fake.maxPromptTokensSeen()).isEqualTo(15);
        assertThat(post("/v1beta/models/tiny:generateContent", userBody("one two three")).statusCode()).isEqualTo(200);
    }

    @Test
    void cutsLongAnswersWithMaxTokens() throws Exception {
        fake.respondWith(call -> Answer.text("alpha beta gamma delta epsilon zeta eta theta").withThoughtsTokens(2));
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"go\"}]}],\"generationConfig\":{\"maxOutputTokens\":6}}";
        JsonNode r = json(post(GENERATE, body));
        JsonNode candidate = r.at("/candidates/0");
        assertThat(candidate.get("finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(candidate.at("/content/parts/0/text").asText()).isEqualTo("alpha beta"); // 2 + 1 tokens; "gamma" would make 5 > 6 - 2
        JsonNode usage = r.get("usageMetadata");
        assertThat(usage.get("thoughtsTokenCount").asInt()).isEqualTo(2);
        assertThat(usage.get("candidatesTokenCount").asInt() + 2).isLessThanOrEqualTo(6);
        assertThat(usage.get("totalTokenCount").asInt()).isEqualTo(1 + usage.get("candidatesTokenCount").asInt() + 2);

        // thinking eats the whole budget: no text at all
        fake.respondWith(call -> Answer.text("anything").withThoughtsTokens(50));
        JsonNode empty = json(post(GENERATE, body)).at("/candidates/0");
        assertThat(empty.get("finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(empty.get("content").has("parts")).isFalse();
    }

    @Test
    void responderSeesTheCall() throws Exception {
        List<GenerateCall> calls = new ArrayList<>();
        fake.respondWith(call -> {
            calls.add(call);
            return Answer.text("{\"ok\":true}").withFinishReason("STOP");
        });
        post(GENERATE, "{\"systemInstruction\":{\"parts\":[{\"text\":\"sys\"}]},\"contents\":["
                + "{\"role\":\"user\",\"parts\":[{\"text\":\"first\"}]},{\"role\":\"model\",\"parts\":[{\"text\":\"reply\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"text\":\"second\"},{\"text\":\"hidden\",\"thought\":true}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":42}}");
        assertThat(calls).hasSize(1);
        GenerateCall call = calls.get(0);
        assertThat(call.model()).isEqualTo(MODEL);
        assertThat(call.userText()).isEqualTo("first\nsecond");
        assertThat(call.lastUserText()).isEqualTo("second");
        assertThat(call.systemInstruction()).isEqualTo("sys");
        assertThat(call.maxOutputTokens()).isEqualTo(42);
        assertThat(call.promptTokens()).isEqualTo(1 + 2 + 2 + 2 + 2);
        assertThat(call.request().get("contents").size()).isEqualTo(3);
    }

    @Test
    void blockedPromptIs200WithoutCandidates() throws Exception {
        fake.respondWith(call -> Answer.blocked("PROHIBITED_CONTENT"));
        HttpResponse<String> r = post(GENERATE, userBody("something bad"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.has("candidates")).isFalse();
        assertThat(body.at("/promptFeedback/blockReason").asText()).isEqualTo("PROHIBITED_CONTENT");
        JsonNode usage = body.get("usageMetadata");
        assertThat(usage.get("promptTokenCount").asInt()).isEqualTo(4);
        assertThat(usage.get("totalTokenCount").asInt()).isEqualTo(4);
        assertThat(usage.has("candidatesTokenCount")).isFalse();
    }

    // ------------------------------------------------------------------ streaming

    @Test
    void streamsServerSentEvents() throws Exception {
        String answer = "The report covers revenue, costs and the outlook for the next year.";
        fake.respondWith(call -> Answer.text(answer).withThoughtsTokens(7));
        HttpResponse<String> r = post(STREAM + "?alt=sse", userBody("summarize this"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(r.body()).endsWith("\r\n\r\n");

        String[] events = r.body().split("\r\n\r\n");
        assertThat(events.length).isGreaterThanOrEqualTo(2);
        StringBuilder text = new StringBuilder();
        String responseId = null;
        int lastCount = 0;
        for (int i = 0; i < events.length; i++) {
            assertThat(events[i]).startsWith("data: ").doesNotContain("\n");
            JsonNode chunk = JSON.readTree(events[i].substring("data: ".length()));
            JsonNode candidate = chunk.at("/candidates/0");
            text.append(candidate.at("/content/parts/0/text").asText());
            assertThat(candidate.has("finishReason")).isEqualTo(i == events.length - 1);
            int count = chunk.at("/usageMetadata/candidatesTokenCount").asInt();
            assertThat(count).isGreaterThanOrEqualTo(lastCount);
            lastCount = count;
            assertThat(chunk.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(FakeGemini.countTokens("summarize this"));
            assertThat(chunk.at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(7);
            responseId = responseId == null ? chunk.get("responseId").asText() : responseId;
            assertThat(chunk.get("responseId").asText()).isEqualTo(responseId);
        }
        assertThat(text.toString()).isEqualTo(answer);
        assertThat(lastCount).isEqualTo(FakeGemini.countTokens(answer));
    }

    @Test
    void streamsJsonArrayWithoutAltSse() throws Exception {
        HttpResponse<String> r = post(STREAM, userBody("summarize this please"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode array = json(r);
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isGreaterThanOrEqualTo(2);
        StringBuilder text = new StringBuilder();
        array.forEach(c -> text.append(c.at("/candidates/0/content/parts/0/text").asText()));
        assertThat(text.toString()).isEqualTo("Summary: summarize this please");
        assertThat(array.get(array.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");

        // errors before streaming: normal status, body wrapped in an array
        HttpResponse<String> bad = post(STREAM, "{\"contents\":[]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get(0).at("/error/message").asText()).contains("contents is not specified");
    }

    // ------------------------------------------------------------------ countTokens

    @Test
    void countsTokens() throws Exception {
        JsonNode plain = json(post(COUNT, userBody("hello world and more")));
        int expected = FakeGemini.countTokens("hello world and more");
        assertThat(plain.get("totalTokens").asInt()).isEqualTo(expected);
        assertThat(plain.at("/promptTokensDetails/0/modality").asText()).isEqualTo("TEXT");
        assertThat(plain.at("/promptTokensDetails/0/tokenCount").asInt()).isEqualTo(expected);

        JsonNode full = json(post(COUNT, "{\"generateContentRequest\":{\"model\":\"models/" + MODEL + "\","
                + "\"systemInstruction\":{\"parts\":[{\"text\":\"sys prompt\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]}]}}"));
        assertThat(full.get("totalTokens").asInt()).isEqualTo(1 + 2 + 1 + 258);

        assertError(post(COUNT, "{\"contents\":[{\"parts\":[{\"text\":\"a\"}]}],\"generateContentRequest\":"
                + "{\"contents\":[{\"parts\":[{\"text\":\"a\"}]}]}}"), 400, "INVALID_ARGUMENT", "cannot both be set");
        assertError(post(COUNT, "{\"contents\":[{\"parts\":[{\"text\":\"a\"}]}],\"model\":\"x\"}"),
                400, "INVALID_ARGUMENT", "Unknown name \"model\"");
        assertError(post(COUNT, "{}"), 400, "INVALID_ARGUMENT", "contents is not specified");
        assertThat(fake.count(":countTokens")).isEqualTo(5);
    }

    // ------------------------------------------------------------------ rate limits

    @Test
    void requestsPerMinuteOverARollingWindow() throws Exception {
        slowerClock();
        fake.limits(2, 0, 0);
        assertThat(post(GENERATE, userBody("a")).statusCode()).isEqualTo(200);
        assertThat(post(GENERATE, userBody("b")).statusCode()).isEqualTo(200);
        HttpResponse<String> r = post(GENERATE, userBody("c"));
        JsonNode error = assertError(r, 429, "RESOURCE_EXHAUSTED", "You exceeded your current quota");
        assertThat(error.get("message").asText()).contains("limit: 2, model: " + MODEL).contains("Please retry in ");
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();

        JsonNode violation = detail(error, "type.googleapis.com/google.rpc.QuotaFailure").at("/violations/0");
        assertThat(violation.get("quotaId").asText()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel");
        assertThat(violation.at("/quotaDimensions/model").asText()).isEqualTo(MODEL);
        assertThat(violation.at("/quotaDimensions/location").asText()).isEqualTo("global");
        assertThat(violation.get("quotaValue").asText()).isEqualTo("2");
        assertThat(detail(error, "type.googleapis.com/google.rpc.Help")).isNotNull();
        Duration delay = retryDelay(error);
        assertThat(delay).isPositive().isLessThanOrEqualTo(fake.minute());

        Thread.sleep(delay.toMillis() + 20);
        assertThat(post(GENERATE, userBody("d")).statusCode()).isEqualTo(200);
        assertThat(fake.userTexts()).containsExactly("a", "b", "d");
    }

    @Test
    void inputTokensPerMinuteChargesPromptTokensAndNotRejections() throws Exception {
        slowerClock();
        fake.limits(0, 100, 0);
        String sixty = "word ".repeat(60).trim(); // 60 tokens
        assertThat(post(GENERATE, userBody(sixty)).statusCode()).isEqualTo(200);
        JsonNode error = assertError(post(GENERATE, userBody(sixty)), 429, "RESOURCE_EXHAUSTED",
                "generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count, limit: 100");
        assertThat(detail(error, "type.googleapis.com/google.rpc.QuotaFailure").at("/violations/0/quotaId").asText())
                .isEqualTo("GenerateContentPaidTierInputTokensPerModelPerMinute");
        // the rejected call was not charged: 40 tokens still fit
        assertThat(post(GENERATE, userBody("word ".repeat(40).trim())).statusCode()).isEqualTo(200);
        Duration delay = retryDelay(assertError(post(GENERATE, userBody("x")), 429, "RESOURCE_EXHAUSTED", "quota"));
        assertThat(delay).isLessThanOrEqualTo(fake.minute());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> post(GENERATE, userBody(sixty)).statusCode() == 200);
    }

    @Test
    void aRequestOverTheTokensPerMinuteLimitNeverPasses() throws Exception {
        slowerClock();
        fake.limits(0, 50, 0);
        String big = "word ".repeat(51).trim();
        assertError(post(GENERATE, userBody(big)), 429, "RESOURCE_EXHAUSTED", "limit: 50");
        // the rejected request was not charged, so the window is empty: it still cannot pass
        assertError(post(GENERATE, userBody(big)), 429, "RESOURCE_EXHAUSTED", "limit: 50");
        assertThat(fake.countStatus(429)).isEqualTo(2);
        assertThat(post(GENERATE, userBody("small")).statusCode()).isEqualTo(200);
    }

    @Test
    void requestsPerDayAndExhaustedDayQuota() throws Exception {
        slowerClock();
        fake.limits(0, 0, 1);
        assertThat(post(GENERATE, userBody("a")).statusCode()).isEqualTo(200);
        JsonNode error = assertError(post(GENERATE, userBody("b")), 429, "RESOURCE_EXHAUSTED", "limit: 1");
        assertThat(detail(error, "type.googleapis.com/google.rpc.QuotaFailure").at("/violations/0/quotaId").asText())
                .isEqualTo("GenerateRequestsPerDayPerProjectPerModel");

        fake.reset().limits(0, 0, 0).dayQuotaExhaustedFor(Duration.ofSeconds(30)); // 0.9 s wall clock
        JsonNode day = assertError(post(GENERATE, userBody("c")), 429, "RESOURCE_EXHAUSTED", "quota");
        assertThat(detail(day, "type.googleapis.com/google.rpc.QuotaFailure").at("/violations/0/quotaId").asText())
                .isEqualTo("GenerateRequestsPerDayPerProjectPerModel");
        assertThat(retryDelay(day)).isPositive().isLessThanOrEqualTo(Duration.ofMillis(900));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> post(GENERATE, userBody("d")).statusCode() == 200);
    }

    // ------------------------------------------------------------------ faults

    @Test
    void scriptedFaultsHappenInOrder() throws Exception {
        fake.failNext(Fault.status(500), Fault.status(503), Fault.status(504), Fault.quotaPerMinute(),
                Fault.quotaPerDay(), Fault.quotaNoDetails(), Fault.prepaymentDepleted());
        assertError(post(GENERATE, userBody("x")), 500, "INTERNAL", "An internal error has occurred. Please retry or "
                + "report in https://developers.generativeai.google/guide/troubleshooting");
        assertError(post(GENERATE, userBody("x")), 503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
        assertError(post(GENERATE, userBody("x")), 504, "DEADLINE_EXCEEDED", "Deadline expired");
        JsonNode perMinute = assertError(post(GENERATE, userBody("x")), 429, "RESOURCE_EXHAUSTED", "Please retry in");
        assertThat(retryDelay(perMinute)).isEqualTo(fake.minute());
        JsonNode perDay = assertError(post(GENERATE, userBody("x")), 429, "RESOURCE_EXHAUSTED", "quota");
        assertThat(detail(perDay, "type.googleapis.com/google.rpc.QuotaFailure").at("/violations/0/quotaId").asText())
                .isEqualTo("GenerateRequestsPerDayPerProjectPerModel");
        assertThat(detail(perDay, "type.googleapis.com/google.rpc.RetryInfo")).isNull();
        JsonNode noDetails = assertError(post(GENERATE, userBody("x")), 429, "RESOURCE_EXHAUSTED",
                "Resource has been exhausted (e.g. check quota).");
        assertThat(noDetails.has("details")).isFalse();
        JsonNode prepayment = assertError(post(GENERATE, userBody("x")), 429, "RESOURCE_EXHAUSTED",
                "Your prepayment credits are depleted.");
        assertThat(detail(prepayment, "type.googleapis.com/google.rpc.RetryInfo")).isNull();
        assertThat(post(GENERATE, userBody("x")).statusCode()).isEqualTo(200);
    }

    @Test
    void faultsDoNotApplyToInvalidRequestsOrCountTokens() throws Exception {
        fake.failNext(Fault.status(503));
        assertThat(post(GENERATE, "{}").statusCode()).isEqualTo(400);
        assertThat(post(COUNT, userBody("x")).statusCode()).isEqualTo(200);
        assertThat(post(GENERATE, userBody("x")).statusCode()).isEqualTo(503);
    }

    @Test
    void droppedConnectionGivesNoResponse() throws Exception {
        fake.failNext(Fault.dropConnection());
        assertThatThrownBy(() -> post(GENERATE, userBody("x"))).isInstanceOf(IOException.class);
        assertThat(post(GENERATE, userBody("y")).statusCode()).isEqualTo(200);
        assertThat(fake.countStatus(0)).isEqualTo(1);
        assertThat(fake.requests().get(0).status()).isZero();
        assertThat(fake.userTexts()).containsExactly("y");
    }

    @Test
    void randomFaultsAreDeterministicPerSeed() throws Exception {
        fake.randomFaults(42, 0.3, 0.0);
        List<Integer> first = statuses(20);
        fake.reset().randomFaults(42, 0.3, 0.0);
        List<Integer> second = statuses(20);
        assertThat(first).isEqualTo(second);
        assertThat(first).contains(200).anyMatch(s -> s >= 500);
        fake.randomFaults(0, 0, 0);
        assertThat(statuses(5)).containsOnly(200);
    }

    private List<Integer> statuses(int n) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(post(GENERATE, userBody("r" + i)).statusCode());
        }
        return out;
    }

    // ------------------------------------------------------------------ recording

    @Test
    void recordsEveryRequest() throws Exception {
        get("/v1beta/models/" + MODEL);
        post(GENERATE, "{\"foo\":1}");
        post(GENERATE, userBody("the first document"));
        post(GENERATE, userBody("word ".repeat(30).trim()));

        List<RecordedRequest> requests = fake.requests();
        assertThat(requests).hasSize(4);
        RecordedRequest rejected = requests.get(1);
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.rawBody()).isEqualTo("{\"foo\":1}");
        assertThat(rejected.body().get("foo").asInt()).isEqualTo(1);
        assertThat(rejected.header("X-GOOG-API-KEY")).isEqualTo(FakeGemini.KEY);
        assertThat(rejected.header("content-type")).isEqualTo("application/json");
        assertThat(rejected.promptTokens()).isEqualTo(-1);
        RecordedRequest ok = requests.get(2);
        assertThat(ok.method()).isEqualTo("POST");
        assertThat(ok.path()).isEqualTo(GENERATE);
        assertThat(ok.model()).isEqualTo(MODEL);
        assertThat(ok.promptTokens()).isEqualTo(FakeGemini.countTokens("the first document"));

        assertThat(fake.count("GET")).isEqualTo(1);
        assertThat(fake.count("POST")).isEqualTo(3);
        assertThat(fake.count(":generateContent")).isEqualTo(3);
        assertThat(fake.countStatus(200)).isEqualTo(3);
        assertThat(fake.statusCounts()).containsEntry(400, 1);
        assertThat(fake.maxPromptTokensSeen()).isEqualTo(30);
        assertThat(fake.userTexts()).containsExactly("the first document", "word ".repeat(30).trim());

        fake.reset();
        assertThat(fake.requests()).isEmpty();
        assertThat(fake.countStatus(200)).isZero();
        assertThat(fake.maxPromptTokensSeen()).isZero();
    }

    @Nested
    class Concurrency {
        @Test
        void servesParallelRequests() throws Exception {
            java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
            fake.respondWith(call -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                return Answer.text("ok");
            });
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(http.sendAsync(HttpRequest.newBuilder(URI.create(fake.baseUrl() + GENERATE))
                        .header("x-goog-api-key", FakeGemini.KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(userBody("p" + i))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (var f : futures) {
                assertThat(f.get().statusCode()).isEqualTo(200);
            }
            assertThat(maxInFlight.get()).isGreaterThan(1);
            assertThat(fake.userTexts()).hasSize(8);
        }
    }
}

package io.geminidigest.gemini;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The REST shapes of Gemini's Generative Language API (v1beta) that this project sends and reads, as Jackson records.
 * <p>
 * Requests omit null fields (the API rejects unknown fields and treats explicit nulls as set). Responses ignore
 * unknown fields (Google adds fields often) and treat a missing count as 0 and a missing list as empty, as the API
 * omits default values.
 */
public final class GeminiRest {

    private GeminiRest() {
    }

    // ---------------------------------------------------------------- requests

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GenerateContentRequest(Content systemInstruction, List<Content> contents,
            GenerationConfig generationConfig) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Content(String role, List<Part> parts) {
        public static Content user(String text) {
            return new Content("user", List.of(Part.text(text)));
        }

        public static Content system(String text) {
            return new Content(null, List.of(Part.text(text)));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Part(String text, InlineData inlineData, FileData fileData, Boolean thought) {
        public static Part text(String text) {
            return new Part(text, null, null, null);
        }

        boolean isThought() {
            return Boolean.TRUE.equals(thought);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record InlineData(String mimeType, String data) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileData(String mimeType, String fileUri) {
    }

    /**
     * @param mediaResolution {@code MEDIA_RESOLUTION_LOW}, {@code _MEDIUM} or {@code _HIGH}: how many tokens images,
     *                        video frames and PDF pages take (requests with such media only; null: the model's
     *                        default)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GenerationConfig(Integer maxOutputTokens, Double temperature, String responseMimeType,
            JsonNode responseSchema, ThinkingConfig thinkingConfig, String mediaResolution) {

        /** Without a media resolution (text and audio requests). */
        public GenerationConfig(Integer maxOutputTokens, Double temperature, String responseMimeType,
                JsonNode responseSchema, ThinkingConfig thinkingConfig) {
            this(maxOutputTokens, temperature, responseMimeType, responseSchema, thinkingConfig, null);
        }
    }

    /** Gemini 3 takes {@code thinkingLevel}, Gemini 2.5 {@code thinkingBudget}; never both (the API answers 400). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ThinkingConfig(String thinkingLevel, Integer thinkingBudget) {
        public ThinkingConfig {
            if (thinkingLevel != null && thinkingBudget != null) {
                throw new IllegalArgumentException("thinkingLevel and thinkingBudget cannot be sent together");
            }
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CountTokensRequest(List<Content> contents) {
    }

    // ---------------------------------------------------------------- responses

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GenerateContentResponse(List<Candidate> candidates, PromptFeedback promptFeedback,
            UsageMetadata usageMetadata, String modelVersion, String responseId) {

        public List<Candidate> candidates() {
            return candidates == null ? List.of() : candidates;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Candidate(Content content, String finishReason, Integer index) {

        /** The answer: the text of every part that is not a thought summary, in order. */
        public String answerText() {
            if (content == null || content.parts() == null) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            for (Part p : content.parts()) {
                if (!p.isThought() && p.text() != null) {
                    sb.append(p.text());
                }
            }
            return sb.toString();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PromptFeedback(String blockReason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UsageMetadata(int promptTokenCount, int candidatesTokenCount, int thoughtsTokenCount,
            int totalTokenCount, int cachedContentTokenCount, List<ModalityTokenCount> promptTokensDetails) {

        public static final UsageMetadata NONE = new UsageMetadata(0, 0, 0, 0, 0, List.of());

        public List<ModalityTokenCount> promptTokensDetails() {
            return promptTokensDetails == null ? List.of() : promptTokensDetails;
        }

        /** Tokens billed as output: the answer plus the thinking. */
        public int billedOutputTokens() {
            return candidatesTokenCount + thoughtsTokenCount;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModalityTokenCount(String modality, int tokenCount) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CountTokensResponse(int totalTokens, List<ModalityTokenCount> promptTokensDetails) {

        public List<ModalityTokenCount> promptTokensDetails() {
            return promptTokensDetails == null ? List.of() : promptTokensDetails;
        }

        /**
         * Tokens of the media parts (every modality but {@code TEXT}); without details, the total (an upper bound).
         */
        public int mediaTokens() {
            if (promptTokensDetails().isEmpty()) {
                return totalTokens;
            }
            return promptTokensDetails().stream().filter(d -> !"TEXT".equals(d.modality()))
                    .mapToInt(ModalityTokenCount::tokenCount).sum();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelInfo(String name, String version, String displayName, int inputTokenLimit,
            int outputTokenLimit, List<String> supportedGenerationMethods) {
    }

    // ---------------------------------------------------------------- errors

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ErrorEnvelope(ApiError error) {
    }

    /** {@code details} entries are kept as JSON: they are told apart by their {@code @type}, not by position. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ApiError(int code, String message, String status, List<JsonNode> details) {
        public List<JsonNode> details() {
            return details == null ? List.of() : details;
        }
    }
}

package io.geminidigest.app;

/**
 * Whether Gemini can be called in this run (an API key is configured) and which model is asked.
 */
public record GeminiAccess(boolean keyConfigured, String model) {

    public boolean isEstimateOnly() {
        return !keyConfigured;
    }
}

package io.geminidigest.app;

import java.net.URI;
import java.time.Duration;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * Configures the HTTP client of the gateway's endpoints: the API key travels in the {@code x-goog-api-key} header
 * added here, at the HTTP client level, so it is never an exchange header that a log, a trace or an error report
 * could show; and each call kind gets its own response timeout.
 * <p>
 * The key is only sent to the configured Gemini host.
 */
public final class GeminiHttpClients implements HttpClientConfigurer {

    private final String apiKey;
    private final String host;
    private final Duration connectTimeout;
    private final Duration responseTimeout;

    public GeminiHttpClients(String apiKey, String baseUrl, Duration connectTimeout, Duration responseTimeout) {
        this.apiKey = apiKey;
        this.host = URI.create(baseUrl).getHost();
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                .setResponseTimeout(Timeout.of(responseTimeout))
                .build());
        builder.addRequestInterceptorFirst((request, entity, context) -> {
            try {
                if (apiKey != null && !apiKey.isBlank() && host.equalsIgnoreCase(request.getUri().getHost())) {
                    request.setHeader("x-goog-api-key", apiKey);
                }
            } catch (java.net.URISyntaxException e) {
                throw new java.io.IOException("invalid request URI", e);
            }
        });
        // retries are the gateway's business (backoff, jitter, the server's delay): the client must not retry behind it
        builder.disableAutomaticRetries();
    }

    public Duration responseTimeout() {
        return responseTimeout;
    }
}

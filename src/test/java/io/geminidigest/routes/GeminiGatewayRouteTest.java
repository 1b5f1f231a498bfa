package io.geminidigest.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.geminidigest.app.RunTracker;
import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GeminiRest.Content;
import io.geminidigest.gemini.GeminiRest.GenerateContentRequest;
import io.geminidigest.gemini.GenerateResult;
import io.geminidigest.testing.Fault;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.RecordedRequest;

/** routes/gemini-gateway.camel.yaml alone, against the strict fake Gemini server. */
@CamelMainTest(properties = "camel.main.routes-include-pattern=classpath:routes/gemini-gateway.camel.yaml")
class GeminiGatewayRouteTest {

    static FakeGemini fake;

    @TempDir
    Path root;

    @BeanInject
    CamelContext context;

    @Produce("direct:gemini-gateway")
    ProducerTemplate gateway;

    @BeforeAll
    static void startFake() {
        fake = FakeGemini.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @Configure
    void configure(MainConfigurationProperties configuration) {
        fake.reset();
        RouteTestSupport.wire(configuration, RouteTestSupport.against(RouteTestSupport.settings(root), fake),
                new RunTracker());
    }

    static GeminiCall hello() {
        return GeminiCall.generate("test hello", FakeGemini.DEFAULT_MODEL,
                new GenerateContentRequest(Content.system("Answer briefly."), List.of(Content.user("Hello there, world")),
                        null),
                20, GeminiCall.TimeoutClass.TEXT);
    }

    private Exchange call(GeminiCall call) {
        return gateway.send(e -> {
            e.getMessage().setBody(call);
            // what a caller may carry: none of it may reach Google
            e.getMessage().setHeader(Exchange.FILE_NAME, "private/report.pdf");
            e.getMessage().setHeader("Authorization", "Bearer not-for-google");
            e.getMessage().setHeader("X-Custom", "caller header");
        });
    }

    @Test
    void answersAGenerateResultAndSendsOnlyTheKeyHeader() {
        Exchange answer = call(hello());

        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getBody()).isInstanceOf(GenerateResult.class);
        GenerateResult result = answer.getMessage().getBody(GenerateResult.class);
        assertThat(result.text()).isEqualTo("Summary: Hello there, world");
        assertThat(result.finishReason()).isEqualTo("STOP");
        assertThat(result.usage().promptTokenCount()).isPositive();
        // response headers stay in the gateway
        assertThat(answer.getMessage().getHeaders()).isEmpty();

        assertThat(fake.requests()).hasSize(1);
        RecordedRequest request = fake.requests().get(0);
        assertThat(request.status()).isEqualTo(200);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1beta/models/" + FakeGemini.DEFAULT_MODEL + ":generateContent");
        assertThat(request.header("x-goog-api-key")).isEqualTo(FakeGemini.KEY);
        assertThat(request.header("Authorization")).isNull();
        assertThat(request.header("X-Custom")).isNull();
        assertThat(request.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(String.valueOf(request.query())).doesNotContain(FakeGemini.KEY);
    }

    @Test
    void retriesA503() {
        fake.failNext(Fault.status(503));

        Exchange answer = call(hello());

        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getBody()).isInstanceOf(GenerateResult.class);
        assertThat(fake.requests()).extracting(RecordedRequest::status).containsExactly(503, 200);
    }

    @Test
    void doesNotRetryA400() {
        fake.failNext(Fault.error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));

        Exchange answer = call(hello());

        assertThat(answer.getException()).isInstanceOf(GeminiException.class);
        assertThat(((GeminiException) answer.getException()).kind()).isEqualTo(GeminiErrorKind.INVALID_REQUEST);
        assertThat(fake.requests()).extracting(RecordedRequest::status).containsExactly(400);
    }

    @Test
    void waitsAtLeastTheServersRetryDelayAfterA429() {
        Duration serverDelay = Duration.ofMillis(1500);
        fake.failNext(Fault.quotaPerMinute(serverDelay));

        Exchange answer = call(hello());

        assertThat(answer.getException()).isNull();
        List<RecordedRequest> requests = fake.requests();
        assertThat(requests).extracting(RecordedRequest::status).containsExactly(429, 200);
        Duration waited = Duration.between(requests.get(0).at(), requests.get(1).at());
        // generous bounds: never before the server's delay, and not absurdly later
        assertThat(waited).isGreaterThanOrEqualTo(serverDelay.minusMillis(50)).isLessThan(Duration.ofSeconds(15));
    }
}

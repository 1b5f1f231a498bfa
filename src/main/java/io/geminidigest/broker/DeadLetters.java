package io.geminidigest.broker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What goes to the dead-letter queue: a JSON wrapper with the reason, the detail, the number of attempts, where the
 * message came from, its original headers (simple values only) and its body (as text when it is UTF-8 text of modest
 * size, else base64, cut at {@value #MAX_BODY} bytes); the reason is also the header {@code DigestDlqReason}, the
 * attempts the header {@code DigestDlqAttempts}.
 *
 * <p>A poison message has its own reason ({@link PoisonMessageException#reason()}) and 1 attempt; a message whose
 * intake kept failing for another reason has the reason {@value #ATTEMPTS_EXHAUSTED}, the last error as its detail
 * and the attempts counted by {@link IntakeFailures}. Details are masked of secrets.
 */
public final class DeadLetters {

    public static final String REASON_HEADER = "DigestDlqReason";
    public static final String ATTEMPTS_HEADER = "DigestDlqAttempts";
    /** The reason of a message whose intake failed {@code messaging.max-delivery-attempts} times. */
    public static final String ATTEMPTS_EXHAUSTED = "attempts-exhausted";
    /** Exchange property: the reason, attempts and masked detail in one line, for the dead-letter route's log. */
    public static final String DETAIL_PROPERTY = "DigestDlqDetail";
    static final int MAX_BODY = 256 * 1024;

    private final ObjectMapper json = new ObjectMapper();

    public void wrap(Exchange exchange) throws JsonProcessingException {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        PoisonMessageException poison = org.apache.camel.util.ObjectHelper.getException(
                PoisonMessageException.class, cause);
        String reason = poison != null ? poison.reason() : ATTEMPTS_EXHAUSTED;
        String detail = poison != null ? io.geminidigest.gemini.Secrets.mask(poison.getMessage())
                : IntakeFailures.describe(cause);
        int attempts = exchange.getProperty(IntakeFailures.ATTEMPTS, 1, Integer.class);
        Message m = exchange.getMessage();
        Map<String, Object> headers = new LinkedHashMap<>();
        m.getHeaders().forEach((k, v) -> {
            if (v instanceof CharSequence || v instanceof Number || v instanceof Boolean) {
                headers.put(k, v.toString());
            } else if (v instanceof byte[] b && b.length < 4096) {
                headers.put(k, new String(b, StandardCharsets.UTF_8));
            }
        });
        byte[] body = m.getBody(byte[].class);
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("reason", reason);
        letter.put("detail", detail);
        letter.put("attempts", attempts);
        letter.put("source", exchange.getFromEndpoint() == null ? null
                : org.apache.camel.util.URISupport.sanitizeUri(exchange.getFromEndpoint().getEndpointUri()));
        letter.put("routeId", exchange.getFromRouteId());
        letter.put("at", Instant.now().toString());
        letter.put("headers", headers);
        if (body != null) {
            letter.put("bytes", body.length);
            byte[] kept = body.length > MAX_BODY ? java.util.Arrays.copyOf(body, MAX_BODY) : body;
            letter.put("truncated", body.length > MAX_BODY);
            String text = new String(kept, StandardCharsets.UTF_8);
            if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), kept)) {
                letter.put("body", text);
            } else {
                letter.put("bodyBase64", Base64.getEncoder().encodeToString(kept));
            }
        }
        // the acknowledgement handle survives the wrapping: the letter is acknowledged once it is sent
        Object commit = m.getHeader(org.apache.camel.component.kafka.KafkaConstants.MANUAL_COMMIT);
        if (commit != null) {
            exchange.setProperty(org.apache.camel.component.kafka.KafkaConstants.MANUAL_COMMIT, commit);
        }
        m.getHeaders().clear();
        m.setHeader(REASON_HEADER, reason);
        // a text header: Kafka would carry a number as four raw bytes
        m.setHeader(ATTEMPTS_HEADER, Integer.toString(attempts));
        exchange.setProperty(DETAIL_PROPERTY, reason + " after " + attempts
                + (attempts == 1 ? " attempt: " : " attempts: ") + detail);
        m.setBody(json.writeValueAsString(letter));
    }
}

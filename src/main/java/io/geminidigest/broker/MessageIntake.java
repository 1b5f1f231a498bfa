package io.geminidigest.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.geminidigest.job.JobRequest;

/**
 * Turns a message from any broker into a {@link JobRequest}: reads the contract (a raw document with headers, or a
 * JSON envelope validated against {@code schemas/job-request.schema.json}), enforces the limits (size on every
 * source, paths only under the configured roots, URLs only http(s) to allowed hosts and never to internal addresses
 * unless allowed), spools the bytes under {@code <state.dir>/spool/}, and works out the message id, the reply
 * destination and the correlation id. Anything that can never succeed is a {@link PoisonMessageException}.
 */
public final class MessageIntake {

    /** Headers of the raw-document form (on Kafka record headers, on MQTT 5 user properties). */
    public static final String NAME = "DigestName";
    public static final String CONTENT_TYPE = "DigestContentType";
    public static final String TASK = "DigestTask";
    public static final String LANGUAGE = "DigestLanguage";
    public static final String MODEL = "DigestModel";
    public static final String MESSAGE_ID = "DigestMessageId";
    public static final String REPLY_TO = "DigestReplyTo";
    public static final String CORRELATION_ID = "DigestCorrelationId";

    private static final Pattern FILE_NAME = Pattern.compile("[^/\\\\\\x00.][^/\\\\\\x00]{0,254}");
    private static final Pattern OPTION = Pattern.compile("[\\p{L}\\p{N} ._-]{1,100}");

    private final MessagingSettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final JsonSchema schema;
    private final HttpClient http;

    public MessageIntake(MessagingSettings settings) {
        this.settings = settings;
        try (InputStream in = MessageIntake.class.getResourceAsStream("/schemas/job-request.schema.json")) {
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the job request schema", e);
        }
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.urlTimeout()).build();
    }

    /** The message as a job request, its bytes spooled; the body of the exchange becomes the request. */
    public JobRequest toRequest(Exchange exchange) throws IOException, InterruptedException {
        Message in = exchange.getMessage();
        Endpoint from = exchange.getFromEndpoint();
        SourceKind kind = SourceKind.ofUri(from == null ? null : from.getEndpointUri())
                .orElseThrow(() -> new IllegalStateException("not a message endpoint: " + from));
        Headers headers = new Headers(in);
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        if (body.length > settings.maxBytes() && headers.get(NAME) != null) {
            throw tooLarge(body.length);
        }
        String contentType = firstNonNull(headers.get(CONTENT_TYPE), headers.get("Content-Type"),
                headers.get("contentType"), headers.get("CamelSpringRabbitmqContentType"), headers.mqttContentType());
        boolean envelope = headers.get(NAME) == null && (isJson(contentType)
                || (contentType == null && startsWithBrace(body)));

        String name;
        String declaredType;
        Map<String, String> options = new LinkedHashMap<>();
        String envelopeId = null;
        String envelopeReplyTo = null;
        JsonNode node = null;
        if (envelope) {
            if (body.length > settings.maxBytes() * 4 / 3 + 64 * 1024) {
                throw tooLarge(body.length);
            }
            node = parse(body);
            Set<ValidationMessage> problems = schema.validate(node);
            if (!problems.isEmpty()) {
                throw new PoisonMessageException("schema-violation", problems.stream().map(ValidationMessage::getMessage)
                        .sorted().collect(Collectors.joining("; ")));
            }
            name = node.path("name").asText();
            declaredType = text(node, "contentType");
            envelopeId = text(node, "id");
            envelopeReplyTo = text(node, "replyTo");
            putIfPresent(options, "task", text(node, "task"));
            node.path("options").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        } else {
            name = headers.get(NAME);
            if (name == null) {
                name = "message-" + UUID.randomUUID() + ".bin";
            }
            checkName(name);
            declaredType = contentType;
            putIfPresent(options, "task", option(headers.get(TASK)));
            putIfPresent(options, "language", option(headers.get(LANGUAGE)));
            putIfPresent(options, "model", option(headers.get(MODEL)));
        }

        String nativeId = headers.nativeMessageId(kind);
        String messageId = firstNonNull(envelopeId, headers.get(MESSAGE_ID), nativeId == null ? null
                : kind.source() + ":" + nativeId);
        String correlationId = firstNonNull(headers.get(CORRELATION_ID), headers.nativeCorrelationId(kind),
                envelopeId, nativeId);
        String replyName = firstNonNull(envelopeReplyTo, headers.get(REPLY_TO), headers.nativeReplyTo(kind));
        // (an invalid reply destination refuses the message here, before its bytes are spooled: nothing is left)
        String replyTo = replyName == null ? settings.resultsUri()
                : kind.destinationUri(replyName, connectionOf(kind, from));

        Path spooled;
        if (node == null) {
            spooled = spool(name, body);
        } else if (node.has("dataBase64")) {
            spooled = spool(name, decode(node.path("dataBase64").asText()));
        } else if (node.has("path")) {
            spooled = spoolFile(name, node.path("path").asText());
        } else {
            spooled = spoolUrl(name, node.path("url").asText());
        }
        return new JobRequest(kind.source(), messageId, name, declaredType, spooled, options, replyTo, correlationId);
    }

    /**
     * After {@code direct:accept-job} answered: a duplicate (the same message id or the same content as a job the
     * store already has) keeps the existing job, so the newly spooled bytes are removed. Returns whether it was one.
     */
    public boolean accepted(JobRequest request, Object job) throws IOException {
        Object duplicate = null;
        if (job instanceof Map<?, ?> map) {
            duplicate = map.get("duplicate");
        } else if (job instanceof String || job instanceof byte[]) {
            JsonNode node = job instanceof String s ? json.readTree(s) : json.readTree((byte[]) job);
            duplicate = node.path("duplicate").asBoolean(false);
        }
        boolean isDuplicate = Boolean.TRUE.equals(duplicate) || "true".equals(String.valueOf(duplicate));
        if (isDuplicate) {
            discard(request);
        }
        return isDuplicate;
    }

    /** Removes a spooled file the store did not take (the request failed, or it was a duplicate). */
    public void discard(JobRequest request) {
        if (request != null && request.spooled() != null) {
            try {
                Files.deleteIfExists(request.spooled());
            } catch (IOException e) {
                // a leftover in the spool folder is harmless
            }
        }
    }

    // ---- sources of bytes ----------------------------------------------------------------------------------------

    private Path spool(String name, byte[] bytes) throws IOException {
        if (bytes.length > settings.maxBytes()) {
            throw tooLarge(bytes.length);
        }
        Path target = spoolTarget(name);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.write(tmp, bytes);
        return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path spoolFile(String name, String path) throws IOException {
        Path real;
        try {
            real = Path.of(path).toRealPath();
        } catch (IOException | RuntimeException e) {
            throw new PoisonMessageException("path-not-allowed", "no such file: " + path);
        }
        boolean allowed = false;
        for (Path root : settings.allowedPaths()) {
            allowed |= real.startsWith(root);
        }
        if (!allowed) {
            throw new PoisonMessageException("path-not-allowed", path + " is not under an allowed root "
                    + "(messaging.allowed-paths)");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new PoisonMessageException("path-not-allowed", path + " is not a regular file");
        }
        long size = Files.size(real);
        if (size > settings.maxBytes()) {
            throw tooLarge(size);
        }
        Path target = spoolTarget(name);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.copy(real, tmp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path spoolUrl(String name, String url) throws IOException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("url-not-allowed", "not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new PoisonMessageException("url-not-allowed", "only http and https URLs: " + url);
        }
        if (uri.getUserInfo() != null) {
            throw new PoisonMessageException("url-not-allowed", "credentials in URLs are not accepted");
        }
        if (!settings.allowedUrlHosts().contains(host)) {
            throw new PoisonMessageException("url-not-allowed", "host " + host
                    + " is not in messaging.allowed-url-hosts");
        }
        if (!settings.allowInternalUrls()) {
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new PoisonMessageException("url-fetch-failed", "unknown host " + host);
            }
            for (InetAddress a : addresses) {
                if (isInternal(a)) {
                    throw new PoisonMessageException("url-not-allowed", host + " resolves to the internal address "
                            + a.getHostAddress() + " (messaging.allow-internal-urls is off)");
                }
            }
        }
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(settings.urlTimeout())
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw new PoisonMessageException("url-fetch-failed", "HTTP " + response.statusCode() + " from " + url);
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > settings.maxBytes()) {
                throw tooLarge(declared);
            }
            Path target = spoolTarget(name);
            Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
            long total = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = body.read(buffer)) > 0;) {
                    total += n;
                    if (total > settings.maxBytes()) {
                        throw tooLarge(total);
                    }
                    out.write(buffer, 0, n);
                }
            } catch (PoisonMessageException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            // 0/8, carrier-grade NAT 100.64/10, 192.0.0/24, benchmarking 198.18/15, reserved 240/4
            return first == 0 || (first == 100 && second >= 64 && second < 128)
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || (first == 198 && (second & 0xfe) == 18)
                    || first >= 240;
        }
        // IPv6 unique local fc00::/7
        return (b[0] & 0xfe) == 0xfc;
    }

    /**
     * The spool file for a request named {@code name}. Its file name is the job's id, which the store keeps in 64
     * characters: a UUID, a dash and the end of the name (its extension) as far as it fits; the name itself is kept
     * whole in the request.
     */
    static String spoolName(String name) {
        String tail = name;
        int chars = ID_CHARS - 37;
        if (tail.codePointCount(0, tail.length()) > chars) {
            tail = tail.substring(tail.offsetByCodePoints(tail.length(), -chars));
        }
        String id = UUID.randomUUID() + "-" + tail;
        return id.length() <= ID_CHARS ? id : id.substring(0, 36); // characters outside the BMP count twice
    }

    /** The longest job id the store takes (jobs.id is VARCHAR(64)). */
    static final int ID_CHARS = 64;

    private Path spoolTarget(String name) throws IOException {
        Files.createDirectories(settings.spoolDir());
        return settings.spoolDir().resolve(spoolName(name));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new PoisonMessageException("malformed-json", "the envelope is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException("malformed-json", e.getOriginalMessage());
        } catch (IOException e) {
            throw new PoisonMessageException("malformed-json", e.getMessage());
        }
    }

    private byte[] decode(String base64) {
        if ((long) base64.length() * 3 / 4 > settings.maxBytes() + 3) {
            throw tooLarge((long) base64.length() * 3 / 4);
        }
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("invalid-data", "dataBase64 is not base64: " + e.getMessage());
        }
    }

    private PoisonMessageException tooLarge(long bytes) {
        return new PoisonMessageException("too-large", bytes + " bytes; the limit is " + settings.maxBytes()
                + " (messaging.max-bytes)");
    }

    private static void checkName(String name) {
        if (!FILE_NAME.matcher(name).matches()) {
            throw new PoisonMessageException("invalid-name", "not a plain file name: " + name);
        }
    }

    private static String option(String value) {
        if (value != null && !OPTION.matcher(value).matches()) {
            throw new PoisonMessageException("schema-violation", "invalid option value: " + value);
        }
        return value;
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    private static boolean startsWithBrace(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null && !(v instanceof String s && s.isBlank())) {
                return v;
            }
        }
        return null;
    }

    /** The broker connection of the inbound endpoint, so that a named reply goes to the same broker. */
    private static String connectionOf(SourceKind kind, Endpoint from) {
        if (kind == SourceKind.KAFKA && from instanceof org.apache.camel.component.kafka.KafkaEndpoint k) {
            return k.getConfiguration().getBrokers();
        }
        if (kind == SourceKind.MQTT && from instanceof org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint m) {
            return m.getConfiguration().getBrokerUrl();
        }
        return null;
    }

    /** Headers of a message whatever its broker: byte[] values (Kafka) as UTF-8, MQTT 5 user properties too. */
    private record Headers(Message message) {

        String get(String name) {
            Object v = message.getHeader(name);
            if (v == null) {
                MqttProperties p = mqtt();
                if (p != null && p.getUserProperties() != null) {
                    for (UserProperty u : p.getUserProperties()) {
                        if (u.getKey().equals(name)) {
                            return u.getValue();
                        }
                    }
                }
                return null;
            }
            String s = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
            return s.isBlank() ? null : s.strip();
        }

        MqttProperties mqtt() {
            return message.getHeader("CamelPahoMqtt5MsgProperties", MqttProperties.class);
        }

        String mqttContentType() {
            MqttProperties p = mqtt();
            return p == null ? null : p.getContentType();
        }

        String nativeMessageId(SourceKind kind) {
            return switch (kind) {
                case JMS, AMQP -> get("JMSMessageID");
                case RABBITMQ -> get("CamelSpringRabbitmqMessageId");
                case KAFKA -> get("kafka.TOPIC") == null ? null
                        : get("kafka.TOPIC") + "-" + get("kafka.PARTITION") + "-" + get("kafka.OFFSET");
                case MQTT -> null;
            };
        }

        String nativeCorrelationId(SourceKind kind) {
            return switch (kind) {
                case JMS, AMQP -> get("JMSCorrelationID");
                case RABBITMQ -> get("CamelSpringRabbitmqCorrelationId");
                case KAFKA -> get("correlationId");
                case MQTT -> {
                    MqttProperties p = mqtt();
                    yield p == null || p.getCorrelationData() == null ? null
                            : new String(p.getCorrelationData(), StandardCharsets.UTF_8);
                }
            };
        }

        String nativeReplyTo(SourceKind kind) {
            return switch (kind) {
                case JMS, AMQP -> {
                    Object d = message.getHeader("JMSReplyTo");
                    try {
                        if (d instanceof jakarta.jms.Queue q) {
                            yield q.getQueueName();
                        }
                        if (d instanceof jakarta.jms.Topic t) {
                            yield "topic:" + t.getTopicName();
                        }
                    } catch (jakarta.jms.JMSException e) {
                        throw new IllegalStateException(e);
                    }
                    yield d instanceof String s ? s : null;
                }
                case RABBITMQ -> get("CamelSpringRabbitmqReplyTo");
                case KAFKA -> get("replyTo");
                case MQTT -> {
                    MqttProperties p = mqtt();
                    yield p == null ? null : p.getResponseTopic();
                }
            };
        }
    }
}

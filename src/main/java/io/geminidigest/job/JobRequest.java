package io.geminidigest.job;

import java.nio.file.Path;
import java.util.Map;

/**
 * A request for a job from any way in (folder, broker message, HTTP), before it is accepted: the input is already
 * spooled to local disk.
 *
 * @param source        the way in: {@code folder}, {@code jms}, {@code amqp}, {@code rabbitmq}, {@code kafka},
 *                      {@code mqtt}, {@code http}
 * @param messageId     the source's own id for the request (message id, idempotency key), or null: a redelivered
 *                      message with the same id is the same job
 * @param name          the input's name (outputs are named after it)
 * @param contentType   the declared content type, or null (detection decides anyway)
 * @param spooled       where the bytes are
 * @param options       task ({@code summarize}, {@code transcribe}), language, model, prompt template, output format
 * @param replyTo       where the result goes (an endpoint URI or destination name), or null
 * @param correlationId the id the reply carries, or null
 */
public record JobRequest(String source, String messageId, String name, String contentType, Path spooled,
        Map<String, String> options, String replyTo, String correlationId) {

    public JobRequest {
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}

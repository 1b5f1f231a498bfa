package io.geminidigest.broker;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Acknowledges a message once it is safely accepted (or dead-lettered), for the brokers where that is an explicit
 * step: Kafka's offset is committed here (the consumer runs with {@code allowManualCommit=true} and
 * {@code autoCommitEnable=false}). JMS and AMQP commit their transacted session, RabbitMQ and MQTT acknowledge, when
 * the route returns without an exception; a route that fails rolls back, so the broker delivers the message again.
 */
public final class Acknowledgements {

    public void acknowledge(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT,
                KafkaManualCommit.class);
        if (commit == null) {
            commit = exchange.getProperty(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        }
        if (commit != null) {
            commit.commit();
        }
    }
}

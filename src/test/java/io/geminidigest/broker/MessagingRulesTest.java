package io.geminidigest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** The rules that need no broker: delivery options per kind, reply destinations, internal addresses. */
class MessagingRulesTest {

    @Test
    void eachKindGetsTheDeliveryOptionsItNeedsUnlessTheUriSetsThem() {
        assertThat(BrokerIngest.withDeliveryOptions("jms:queue:digest.requests"))
                .isEqualTo("jms:queue:digest.requests?disableReplyTo=true&transacted=true");
        assertThat(BrokerIngest.withDeliveryOptions("amqp:queue:q?transacted=false"))
                .isEqualTo("amqp:queue:q?transacted=false&disableReplyTo=true");
        assertThat(BrokerIngest.withDeliveryOptions("kafka:t?brokers=h:9092"))
                .contains("allowManualCommit=true", "autoCommitEnable=false", "breakOnFirstError=true",
                        "valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer");
        assertThat(BrokerIngest.withDeliveryOptions("paho-mqtt5:a/b?brokerUrl=tcp://h:1883"))
                .contains("manualAcksEnabled=true", "qos=1");
        assertThat(BrokerIngest.withDeliveryOptions("spring-rabbitmq:default?queues=q")).contains("disableReplyTo=true");
        assertThatThrownBy(() -> BrokerIngest.withDeliveryOptions("file:/tmp/in"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReplyNameIsResolvedOnTheSourcesBrokerAndNeverTakenAsAUri() {
        assertThat(SourceKind.JMS.destinationUri("my.results", null)).isEqualTo("jms:queue:my.results");
        assertThat(SourceKind.AMQP.destinationUri("topic:news", null)).isEqualTo("amqp:topic:news");
        assertThat(SourceKind.RABBITMQ.destinationUri("r", null)).isEqualTo("spring-rabbitmq:default?routingKey=r");
        assertThat(SourceKind.KAFKA.destinationUri("out", "h:9092")).isEqualTo("kafka:out?brokers=h%3A9092");
        assertThat(SourceKind.MQTT.destinationUri("a/b", "tcp://h:1883"))
                .isEqualTo("paho-mqtt5:a/b?qos=1&brokerUrl=tcp%3A%2F%2Fh%3A1883");
        for (String hostile : new String[] { "q?brokers=evil:9092", "x&y=1", "a/#", "../x", "" }) {
            assertThatThrownBy(() -> SourceKind.JMS.destinationUri(hostile, null))
                    .isInstanceOf(PoisonMessageException.class);
        }
        Replies replies = new Replies("jms:queue:digest.results");
        assertThat(replies.resolve(null, null)).isEqualTo("jms:queue:digest.results");
        assertThat(replies.resolve("kafka:out?brokers=h:9092", "jms")).isEqualTo("kafka:out?brokers=h:9092");
        assertThat(replies.resolve("out", "rabbitmq")).isEqualTo("spring-rabbitmq:default?routingKey=out");
        assertThat(replies.resolve("out", null)).isEqualTo("jms:queue:out");
    }

    @Test
    void internalAddressesAreRecognized() throws Exception {
        for (String a : new String[] { "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "100.64.0.1", "::1", "fd00::1", "fe80::1" }) {
            assertThat(MessageIntake.isInternal(InetAddress.getByName(a))).as(a).isTrue();
        }
        for (String a : new String[] { "8.8.8.8", "142.250.0.1", "2001:4860:4860::8888" }) {
            assertThat(MessageIntake.isInternal(InetAddress.getByName(a))).as(a).isFalse();
        }
    }

    @Test
    void aSpoolNameIsAJobIdOfAtMost64CharactersEndingLikeTheName() {
        assertThat(MessageIntake.spoolName("report.pdf")).matches("[0-9a-f-]{36}-report\\.pdf");
        String longName = "quarterly-report-of-the-northern-region-2026.pdf";
        assertThat(MessageIntake.spoolName(longName)).hasSize(64).endsWith("-region-2026.pdf")
                .matches("[0-9a-f-]{36}-.*");
        assertThat(MessageIntake.spoolName("\u65e5\u672c".repeat(40) + ".txt")).hasSize(64).endsWith("\u672c.txt");
        // outside the BMP a character is two in UTF-16: never over 64
        assertThat(MessageIntake.spoolName("\ud83d\udcc4".repeat(40) + ".txt").length()).isLessThanOrEqualTo(64);
    }
}

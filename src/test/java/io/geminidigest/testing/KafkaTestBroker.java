package io.geminidigest.testing;

import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;

/**
 * A real single-node Kafka (KRaft, broker and controller combined) started in the test JVM from Kafka's own test kit,
 * on free ports: what the Kafka tests and the messaging benchmark talk to. Close it when done.
 */
public final class KafkaTestBroker {

    private KafkaTestBroker() {
    }

    /** Starts the broker, waits until it is ready and creates the topics (one partition each). */
    public static KafkaClusterTestKit start(String... topics) throws Exception {
        KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        if (topics.length > 0) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(Arrays.stream(topics).map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
            }
        }
        return kafka;
    }
}

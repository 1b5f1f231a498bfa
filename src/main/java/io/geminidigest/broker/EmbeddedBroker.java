package io.geminidigest.broker;

import java.nio.file.Path;
import java.util.List;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ActiveMQ Artemis inside the application: a persistent journal under {@code <state.dir>/broker}, one acceptor on a
 * loopback address that speaks CORE, AMQP, OPENWIRE, STOMP and MQTT, security off (loopback only), and the anycast
 * queues {@code digest.requests}, {@code digest.results} and {@code digest.dlq}. A request that keeps failing
 * (rolled back {@code maxDeliveryAttempts} times) is moved to {@code digest.dlq} by the broker itself.
 *
 * <p>It is a Camel service: started before the routes (the wiring starts it at once), stopped after them.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest");

    /** The queues the application uses, created at start-up. */
    public static final List<String> QUEUES = List.of("digest.requests", "digest.results", "digest.dlq");

    /** Settings of the embedded broker. */
    public record Settings(Path directory, String host, int port, int maxDeliveryAttempts, long redeliveryDelayMs,
            int maxDiskUsage) {
    }

    private final Settings settings;
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(Settings settings) {
        this.settings = settings;
    }

    /** The URL Core (JMS) clients connect to. */
    public String coreUrl() {
        return "tcp://" + settings.host() + ":" + settings.port();
    }

    /** The URL AMQP 1.0 clients connect to (the same acceptor). */
    public String amqpUrl() {
        return "amqp://" + settings.host() + ":" + settings.port();
    }

    @Override
    protected void doStart() throws Exception {
        Path dir = settings.directory();
        Configuration config = new ConfigurationImpl()
                .setName("gemini-digest")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setMaxDiskUsage(settings.maxDiskUsage())
                .addAcceptorConfiguration("all", "tcp://" + settings.host() + ":" + settings.port()
                        + "?protocols=CORE,AMQP,OPENWIRE,STOMP,MQTT");
        for (String queue : QUEUES) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        // every address: redelivery with a pause, then the dead-letter queue (poison messages go there at once,
        // sent by the routes; this catches what fails for other reasons again and again)
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("digest.dlq"))
                .setExpiryAddress(SimpleString.of("digest.dlq"))
                .setMaxDeliveryAttempts(settings.maxDeliveryAttempts())
                .setRedeliveryDelay(settings.redeliveryDelayMs())
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true));
        config.addAddressSetting("digest.dlq", new AddressSettings()
                .setDeadLetterAddress(null).setMaxDeliveryAttempts(-1));
        server = new EmbeddedActiveMQ().setConfiguration(config);
        server.start();
        if (!server.getActiveMQServer().waitForActivation(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the embedded broker did not become active");
        }
        LOG.info("embedded broker: listening on {} (CORE, AMQP, OPENWIRE, STOMP, MQTT), journal in {}", coreUrl(),
                dir);
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}

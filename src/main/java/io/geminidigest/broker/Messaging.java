package io.geminidigest.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.amqp.AMQPComponent;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Wires messaging from the configuration: the embedded broker (unless {@code broker.embedded=false} or a
 * {@code broker.url} names an external one), the {@code jms}, {@code amqp} and {@code spring-rabbitmq} components, and
 * the beans routes/brokers.camel.yaml uses. The consumer routes themselves are added by {@link BrokerIngest} once
 * the preflight passed.
 */
public final class Messaging {

    private Messaging() {
    }

    /**
     * @param setting a configuration key's value, or "" when not set
     * @param stateDir {@code <state.dir>}: the embedded broker's journal and the spool live under it
     * @return the consumer routes (a parking listener), or null when messaging is disabled
     */
    public static BrokerIngest configure(CamelContext context, Function<String, String> setting, Path stateDir)
            throws Exception {
        var registry = context.getRegistry();
        MessagingSettings settings = new MessagingSettings(stateDir.resolve("spool"),
                parseLong(setting.apply("messaging.max-bytes"), 50L * 1024 * 1024),
                roots(setting.apply("messaging.allowed-paths")), hosts(setting.apply("messaging.allowed-url-hosts")),
                Boolean.parseBoolean(or(setting.apply("messaging.allow-internal-urls"), "false")),
                Duration.ofSeconds(parseLong(setting.apply("messaging.url-timeout-seconds"), 30)),
                or(setting.apply("messaging.results"), "jms:queue:digest.results"),
                or(setting.apply("messaging.dlq"), "jms:queue:digest.dlq"));
        registry.bind("messageIntake", new MessageIntake(settings));
        registry.bind("replies", new Replies(settings.resultsUri()));
        registry.bind("deadLetters", new DeadLetters());
        registry.bind("acknowledgements", new Acknowledgements());
        // a failure of intake that is not the message's fault: tried again in process, then dead-lettered
        // (routes/brokers.camel.yaml, route configuration broker-errors)
        IntakeFailures intakeFailures = new IntakeFailures(new IntakeFailures.Settings(
                (int) parseLong(setting.apply("messaging.max-delivery-attempts"), 5),
                Duration.ofMillis(parseLong(setting.apply("messaging.redelivery-delay-ms"), 1000)),
                Double.parseDouble(or(setting.apply("messaging.redelivery-backoff-multiplier"), "2")),
                Duration.ofMillis(parseLong(setting.apply("messaging.max-redelivery-delay-ms"), 30_000))));
        registry.bind("intakeFailures", intakeFailures);
        registry.bind("intakeRedeliveryPolicy", intakeFailures.redeliveryPolicy());
        // the reason of a dead letter is an error message: the passwords it could quote are masked
        // (RabbitMQ's well-known default "guest" is no secret, and masking the word everywhere would only confuse)
        for (String key : List.of("broker.password", "rabbitmq.password", "store.password")) {
            String secret = setting.apply(key);
            if (!"guest".equals(secret)) {
                io.geminidigest.gemini.Secrets.register(secret);
            }
        }
        if (!Boolean.parseBoolean(or(setting.apply("messaging.enabled"), "true"))) {
            return null;
        }

        // the broker: embedded unless an external one is configured
        String url = setting.apply("broker.url");
        String amqpUrl = setting.apply("broker.amqp-url");
        boolean embedded = url.isBlank() && Boolean.parseBoolean(or(setting.apply("broker.embedded"), "true"));
        String host = or(setting.apply("broker.host"), "127.0.0.1");
        int port = (int) parseLong(setting.apply("broker.port"), 61616);
        if (embedded) {
            EmbeddedBroker broker = new EmbeddedBroker(new EmbeddedBroker.Settings(stateDir.resolve("broker"), host,
                    port, (int) parseLong(setting.apply("broker.max-delivery-attempts"), 5),
                    parseLong(setting.apply("broker.redelivery-delay-ms"), 1000),
                    (int) parseLong(setting.apply("broker.max-disk-usage"), 90)));
            // started now, before any route; stopped by Camel after the routes
            broker.start();
            context.addService(broker, true, false);
            registry.bind("embeddedBroker", broker);
        }
        if (url.isBlank()) {
            url = "tcp://" + host + ":" + port;
        }
        if (amqpUrl.isBlank()) {
            amqpUrl = "amqp://" + host + ":" + port;
        }
        String user = setting.apply("broker.user");
        String password = setting.apply("broker.password");
        ActiveMQConnectionFactory jmsFactory = new ActiveMQConnectionFactory(url);
        JmsConnectionFactory amqpFactory = new JmsConnectionFactory(amqpUrl);
        if (!user.isBlank()) {
            jmsFactory.setUser(user);
            jmsFactory.setPassword(password);
            amqpFactory.setUsername(user);
            amqpFactory.setPassword(password);
        }
        // a JMS ObjectMessage from a sender is never deserialized into arbitrary classes (only plain values)
        jmsFactory.setDeserializationAllowList("java.lang");
        org.apache.qpid.jms.policy.JmsDefaultDeserializationPolicy policy =
                new org.apache.qpid.jms.policy.JmsDefaultDeserializationPolicy();
        policy.setAllowList("java.lang");
        amqpFactory.setDeserializationPolicy(policy);
        registry.bind("jmsConnectionFactory", jmsFactory);
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(jmsFactory);
        registry.bind("jms", jms);
        AMQPComponent amqp = new AMQPComponent(amqpFactory);
        registry.bind("amqp", amqp);

        CachingConnectionFactory rabbit = new CachingConnectionFactory(
                or(setting.apply("rabbitmq.host"), "127.0.0.1"), (int) parseLong(setting.apply("rabbitmq.port"), 5672));
        rabbit.setUsername(or(setting.apply("rabbitmq.username"), "guest"));
        rabbit.setPassword(or(setting.apply("rabbitmq.password"), "guest"));
        rabbit.setVirtualHost(or(setting.apply("rabbitmq.virtual-host"), "/"));
        registry.bind("rabbitConnectionFactory", rabbit);
        SpringRabbitMQComponent springRabbit = new SpringRabbitMQComponent();
        springRabbit.setConnectionFactory(rabbit);
        registry.bind("spring-rabbitmq", springRabbit);

        BrokerIngest ingest = new BrokerIngest(context, or(setting.apply("messaging.inbound"),
                "jms:queue:digest.requests"), parseLong(setting.apply("messaging.max-backlog"), 100));
        registry.bind("brokerIngest", ingest);
        return ingest;
    }

    private static List<Path> roots(String value) throws IOException {
        List<Path> roots = new ArrayList<>();
        for (String s : split(value)) {
            Path p = Path.of(s).toAbsolutePath().normalize();
            roots.add(Files.exists(p) ? p.toRealPath() : p);
        }
        return roots;
    }

    private static Set<String> hosts(String value) {
        Set<String> hosts = new LinkedHashSet<>();
        split(value).forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        return hosts;
    }

    private static List<String> split(String value) {
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    private static String or(String value, String def) {
        return value == null || value.isBlank() ? def : value.strip();
    }

    private static long parseLong(String value, long def) {
        return value == null || value.isBlank() ? def : Long.parseLong(value.strip());
    }
}

package io.geminidigest.broker;

import java.time.Duration;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geminidigest.gemini.Secrets;

/**
 * The bounded attempts of a message's intake when it fails for a reason other than its content (the job store
 * threw, a spool write failed, anything unexpected): {@link #redeliveryPolicy()} is the Camel redelivery policy of
 * that case in routes/brokers.camel.yaml ({@code messaging.max-delivery-attempts}, with an exponential backoff), and
 * this processor is its {@code onExceptionOccurred}: it counts the failed attempts on the exchange (Camel removes its
 * own redelivery headers before the exhausted message reaches the dead-letter route) and logs each one, masked of
 * secrets.
 */
public final class IntakeFailures implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest");

    /** {@code password=...} and its kin, as URI parameters or JDBC properties quote them: the value is masked. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|access[_-]?key|secret[_-]?key)=)[^&\\s;,\"']+");
    /** The password of a URI's user info ({@code scheme://user:password@host}). */
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(://[^/\\s:@]+:)[^@\\s/]+@");

    /** Exchange property: how many attempts of this message's intake failed so far. */
    public static final String ATTEMPTS = "DigestIntakeAttempts";

    /**
     * @param maxAttempts       attempts in all (the first delivery included), at least 1
     * @param redeliveryDelay   pause before the second attempt
     * @param backoffMultiplier each further pause is this much longer (1 = always the same)
     * @param maxRedeliveryDelay the longest pause
     */
    public record Settings(int maxAttempts, Duration redeliveryDelay, double backoffMultiplier,
            Duration maxRedeliveryDelay) {

        public Settings {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("messaging.max-delivery-attempts must be at least 1: "
                        + maxAttempts);
            }
            if (backoffMultiplier < 1) {
                throw new IllegalArgumentException("messaging.redelivery-backoff-multiplier must be at least 1: "
                        + backoffMultiplier);
            }
        }
    }

    private final Settings settings;

    public IntakeFailures(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The redelivery policy: Camel tries the failed step again in process, the message still unacknowledged (a crash
     * meanwhile leaves it on the broker), after a pause that doubles (by default) each time; once exhausted, the
     * exception's handler dead-letters it. Camel's own log lines are kept quiet: {@link #process} logs each failure
     * masked, and the dead-letter route logs the end.
     */
    public RedeliveryPolicy redeliveryPolicy() {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(settings.maxAttempts() - 1);
        policy.setRedeliveryDelay(settings.redeliveryDelay().toMillis());
        policy.setMaximumRedeliveryDelay(Math.max(settings.redeliveryDelay().toMillis(),
                settings.maxRedeliveryDelay().toMillis()));
        if (settings.backoffMultiplier() > 1) {
            policy.setUseExponentialBackOff(true);
            policy.setBackOffMultiplier(settings.backoffMultiplier());
        }
        policy.setLogRetryAttempted(false);
        policy.setLogExhausted(false);
        policy.setLogStackTrace(false);
        policy.setLogRetryStackTrace(false);
        policy.setRetryAttemptedLogLevel(LoggingLevel.DEBUG);
        return policy;
    }

    /** After each failed attempt (the last one too): counts it and logs it. */
    @Override
    public void process(Exchange exchange) {
        int failed = exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1;
        exchange.setProperty(ATTEMPTS, failed);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("message from {}: intake attempt {} of {} failed ({}){}", exchange.getFromRouteId(), failed,
                settings.maxAttempts(), describe(cause),
                failed < settings.maxAttempts() ? ": it is tried again" : ": it goes to the dead-letter endpoint");
    }

    /**
     * What went wrong, fit for a log line or a dead letter: the innermost cause's type and message (a bean or an
     * expression wraps the exception that tells), with API keys, registered secrets, {@code password=}-style URI
     * parameters and the password of a URI's user info masked.
     */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        text = SECRET_PARAM.matcher(text).replaceAll("$1****");
        text = USERINFO_PASSWORD.matcher(text).replaceAll("$1****@");
        return Secrets.mask(text);
    }
}

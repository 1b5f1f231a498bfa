package io.geminidigest.app;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiRest.ModelInfo;
import io.geminidigest.summarize.ChunkPlanner;

/**
 * What happens once Camel has started and before any input is taken: the preflight
 * ({@code GET /v1beta/models/{model}} through the gateway: checks key and model, reads the token limits into the
 * chunk budget), then the ingest routes are started. A bad key or an unknown model stops the run with one clear line,
 * before any input is consumed or moved. Without a key, the estimate-only mode is announced once.
 */
public final class Startup extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest");

    /**
     * The routes that take work in; started only after the preflight passed. The broker consumers
     * ({@code ingest-broker-<n>}, made from {@code messaging.inbound}) are started with them and paused with them by
     * {@link io.geminidigest.broker.BrokerIngest}, a parking listener of its own.
     */
    static final String[] INGEST_ROUTES = { "ingest-folder", "jobs-dispatcher", "jobs-dispatch-timer" };

    /** Ingest routes of the long-running mode only: a --once run takes what is in the folder, nothing else. */
    static final java.util.Set<String> LONG_RUNNING_ONLY = java.util.Set.of("jobs-dispatcher", "jobs-dispatch-timer");

    private final RunTracker tracker;

    public Startup(RunTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        // the HTTP server's own refusals (413 over its body limit, 415 for forms) as problem details
        io.geminidigest.http.ServerProblems problems = context.getRegistry().lookupByNameAndType("serverProblems",
                io.geminidigest.http.ServerProblems.class);
        if (problems != null) {
            int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.server.port}}"));
            io.vertx.ext.web.Router router = org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter
                    .lookup(context, org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter
                            .getRouterNameFromPort(port));
            if (router != null) {
                problems.install(router);
            }
        }
        try {
            preflight(context);
            if (tracker.isFatal()) {
                readiness(context).preflight(false, "preflight failed: see the log");
                return;
            }
            for (String route : INGEST_ROUTES) {
                if (context.getRoute(route) != null && !(tracker.isOnce() && LONG_RUNNING_ONLY.contains(route))) {
                    context.getRouteController().startRoute(route);
                }
            }
            readiness(context).preflight(true, "passed");
            // the broker consumers (ingest-broker-<n>), one per URI of messaging.inbound
            io.geminidigest.broker.BrokerIngest brokers = context.getRegistry().lookupByNameAndType("brokerIngest",
                    io.geminidigest.broker.BrokerIngest.class);
            if (brokers != null && !tracker.isOnce()) {
                brokers.install();
                brokers.start();
            }
        } catch (Exception e) {
            tracker.fatal("start-up failed: " + e.getMessage());
            readiness(context).preflight(false, "start-up failed: " + e.getMessage());
        }
    }

    private static Readiness readiness(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("readiness", Readiness.class);
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    void preflight(CamelContext context) {
        GeminiAccess access = context.getRegistry().lookupByNameAndType("geminiAccess", GeminiAccess.class);
        ChunkPlanner planner = context.getRegistry().lookupByNameAndType("chunkPlanner", ChunkPlanner.class);
        ModelBudget budget = context.getRegistry().lookupByNameAndType("modelBudget", ModelBudget.class);
        if (access.isEstimateOnly()) {
            LOG.warn("GEMINI_API_KEY is not set: estimate-only mode. Documents are extracted and chunked, and their "
                    + "tokens and cost estimated (sidecars with status \"estimated\"), but nothing is sent to Gemini "
                    + "and inputs stay where they are. Set GEMINI_API_KEY (export GEMINI_API_KEY=...) to summarize.");
            LOG.info("chunk budget: {}", planner.budget());
            return;
        }
        try (ProducerTemplate template = context.createProducerTemplate()) {
            org.apache.camel.Exchange answer = template.request("direct:gemini-gateway",
                    e -> e.getMessage().setBody(GeminiCall.getModel(access.model())));
            if (answer.getException() != null) {
                throw answer.getException();
            }
            ModelInfo model = answer.getMessage().getMandatoryBody(ModelInfo.class);
            planner.setBudget(budget.forModel(model.inputTokenLimit()));
            LOG.info("model {} ({}): input limit {} tokens, output limit {}; chunk budget: {}", access.model(),
                    model.version(), model.inputTokenLimit(), model.outputTokenLimit(), planner.budget());
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof io.geminidigest.gemini.GeminiException)) {
                cause = cause.getCause();
            }
            String what = cause instanceof io.geminidigest.gemini.GeminiException g
                    ? stripDot(g.summary()) + ". What to do: " + g.kind().advice()
                    : GatewaySupport.describe(cause);
            tracker.fatal("preflight failed for model " + access.model() + ": " + what
                    + ". No input was taken.");
        }
    }
}

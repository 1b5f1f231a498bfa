package io.geminidigest.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.MainConfigurationProperties;

import io.geminidigest.app.DigestConfiguration;
import io.geminidigest.app.RunTracker;
import io.geminidigest.testing.FakeGemini;

/**
 * Shared wiring of the route tests: only the route files under test are loaded, the beans are the production ones
 * ({@link DigestConfiguration}), and the settings are the shipped ones with short timings and temporary folders
 * (as in the end-to-end harness {@code DigestRun}).
 */
final class RouteTestSupport {

    private RouteTestSupport() {
    }

    /** The shipped settings with short timings, on {@code root/in} and {@code root/out}. */
    static Map<String, String> settings(Path root) {
        Map<String, String> p = io.geminidigest.testing.TestSettings.quick(root);
        // route tests need neither the message broker nor the HTTP server
        p.put("messaging.enabled", "false");
        p.put("http.enabled", "false");
        return p;
    }

    /** Settings that point the gateway at the fake server, with its valid key. */
    static Map<String, String> against(Map<String, String> settings, FakeGemini fake) {
        settings.put("gemini.base-url", fake.baseUrl());
        settings.put("gemini.api-key", FakeGemini.KEY);
        return settings;
    }

    /**
     * The settings as override properties, then the production beans. Which route files are loaded is set by each
     * test class in {@code @CamelMainTest(properties = "camel.main.routes-include-pattern=...")}: the pattern of
     * application.properties is applied after {@code @Configure} methods, so it would win over
     * {@code configuration.withRoutesIncludePattern(...)}.
     */
    static void wire(MainConfigurationProperties configuration, Map<String, String> settings, RunTracker tracker) {
        Map<String, String> copy = Map.copyOf(settings);
        configuration.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(org.apache.camel.CamelContext context) {
                copy.forEach((k, v) -> context.getPropertiesComponent().addOverrideProperty(k, v));
            }
        });
        configuration.addConfiguration(new DigestConfiguration(tracker));
        // the output and error routes tell the job store's route when a job ends: a stand-in here
        configuration.addRoutesBuilder(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:job-finished").routeId(JOB_FINISHED_STUB).log(org.apache.camel.LoggingLevel.DEBUG,
                        "job ${exchangeProperty.jobId} finished");
            }
        });
    }

    /** The id of the stand-in for routes/jobs.camel.yaml's job-finished route. */
    static final String JOB_FINISHED_STUB = "job-finished-stub";

    /** Copies a test sample to {@code target}, atomically (written beside under a hidden name, then moved). */
    static Path copySample(String sample, Path target) {
        try (InputStream s = RouteTestSupport.class.getResourceAsStream("/samples/" + sample)) {
            if (s == null) {
                throw new IllegalArgumentException("no test sample " + sample);
            }
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".copying");
            Files.copy(s, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

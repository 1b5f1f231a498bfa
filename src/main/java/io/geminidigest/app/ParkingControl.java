package io.geminidigest.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.geminidigest.limits.Parking;

/**
 * Acts on parking (per-day quota, spend cap): stops every ingest route from taking new work while parked (inputs
 * wait where they are, none is failed) and resumes them at the reset; says so in the log and in
 * {@code <state.dir>/status.json}, the status a person or a health check can read.
 */
public final class ParkingControl implements Consumer<Optional<Parking>> {

    private static final Logger LOG = LoggerFactory.getLogger("io.geminidigest");

    private final CamelContext context;
    private final Path statusFile;
    private final ExecutorService executor;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private volatile Optional<Parking> state = Optional.empty();

    public ParkingControl(CamelContext context, Path stateDir) {
        this.context = context;
        this.statusFile = stateDir.resolve("status.json");
        this.executor = context.getExecutorServiceManager().newSingleThreadExecutor(this, "parking");
    }

    @Override
    public void accept(Optional<Parking> parking) {
        state = parking;
        // route control is done on its own thread: the limiter calls in from the threads it parks
        executor.submit(() -> apply(parking));
    }

    public Optional<Parking> state() {
        return state;
    }

    private void apply(Optional<Parking> parking) {
        try {
            for (String route : Startup.INGEST_ROUTES) {
                if (context.getRoute(route) == null) {
                    continue;
                }
                if (parking.isPresent()) {
                    context.getRouteController().suspendRoute(route);
                } else if (context.getRouteController().getRouteStatus(route).isSuspended()) {
                    context.getRouteController().resumeRoute(route);
                }
            }
        } catch (Exception e) {
            LOG.error("could not {} the ingest routes: {}", parking.isPresent() ? "pause" : "resume", e.getMessage());
        }
        if (parking.isPresent()) {
            LOG.warn("Gemini quota: parked until {} ({}); no new work is taken, waiting documents stay where they are",
                    parking.get().until(), parking.get().reason());
        } else {
            LOG.info("Gemini quota: parking ended, taking work again");
        }
        writeStatus(parking);
    }

    private void writeStatus(Optional<Parking> parking) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("parked", parking.isPresent());
        parking.ifPresent(p -> {
            status.put("until", p.until().toString());
            status.put("reason", p.reason());
        });
        status.put("updatedAt", Instant.now().toString());
        try {
            Files.createDirectories(statusFile.getParent());
            Path tmp = statusFile.resolveSibling(".status.json.tmp");
            json.writeValue(tmp.toFile(), status);
            Files.move(tmp, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not write {}: {}", statusFile, e.getMessage());
        }
    }
}

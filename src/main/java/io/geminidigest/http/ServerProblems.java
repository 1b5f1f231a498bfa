package io.geminidigest.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Problem details for what the HTTP server refuses before a Camel route sees the request (Vert.x's body handler): a
 * body over the server's own limit ({@code camel.server.max-body-size}) gets {@code 413}, a request the server cannot
 * read {@code 400}, both as {@code application/problem+json} instead of a bare status; and a document posted as a form
 * ({@code application/x-www-form-urlencoded}, what {@code curl --data-binary} sends by default) is refused with
 * {@code 415} and what to send instead, before the server tries to parse it as form fields.
 */
public final class ServerProblems {

    private final long maxBodyBytes;
    private final long serverMaxBodySize;
    private final ObjectMapper json;

    public ServerProblems(long maxBodyBytes, long serverMaxBodySize, ObjectMapper json) {
        this.maxBodyBytes = maxBodyBytes;
        this.serverMaxBodySize = serverMaxBodySize;
        this.json = json;
    }

    /** Adds the handlers to the platform-http server's router. */
    public void install(Router router) {
        // ahead of the routes' body handlers: a form body is never parsed
        router.route(HttpMethod.POST, "/api/v1/jobs").order(-100).handler(this::refuseForms);
        // failures of the server's own handlers (the body handler: 413 over its limit, 400 for a body it cannot
        // read); failures of the routes are answered by the routes themselves (HttpJobsApi#problem)
        router.route().order(-100).failureHandler(this::failed);
    }

    private void failed(RoutingContext ctx) {
        switch (ctx.statusCode()) {
            case 413 -> write(ctx, new ApiProblem(413, "Content Too Large", "documents up to " + maxBodyBytes
                    + " bytes are taken (http.max-body-bytes); the server reads at most " + serverMaxBodySize
                    + " bytes of a request (camel.server.max-body-size)"));
            case 400 -> write(ctx, new ApiProblem(400, "Bad Request", "the server could not read the request"
                    + (ctx.failure() == null || ctx.failure().getMessage() == null ? ""
                            : ": " + ctx.failure().getMessage())));
            default -> ctx.next();
        }
    }

    private void refuseForms(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            write(ctx, new ApiProblem(415, "Unsupported Media Type", "a document is not a form: the body was sent as "
                    + "application/x-www-form-urlencoded (curl's default for --data-binary). Send it with its own "
                    + "type or application/octet-stream (-H 'Content-Type: application/octet-stream' "
                    + "--data-binary @file '...?name=file.pdf'), or as multipart (-F file=@file)"));
            return;
        }
        ctx.next();
    }

    private void write(RoutingContext ctx, ApiProblem p) {
        if (ctx.response().ended()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.detail());
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{\"status\":" + p.status() + "}";
        }
        ctx.response().setStatusCode(p.status()).putHeader("Content-Type", "application/problem+json").end(text);
    }
}

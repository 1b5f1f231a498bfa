package io.geminidigest.testing;

import java.io.IOException;

/**
 * One area of the API (models, generation, files/uploads). {@link FakeGemini} asks each area in turn to
 * {@linkplain #route route} a request; the first non-null route wins, otherwise the answer is 404.
 *
 * <p>Routing happens before the API key check, so unknown paths answer 404 and wrong methods 405 regardless of the
 * key; the returned {@link Route} runs after the key was accepted.
 */
interface ApiArea {

    /**
     * The handler for this request's path, {@code null} if the path does not belong to this area.
     *
     * @throws ApiError 404 for an unknown method name of a known resource, 405 for a wrong HTTP method
     */
    Route route(Inbound req) throws ApiError;

    /** Handles a routed request; throw {@link ApiError} to answer an error envelope. */
    @FunctionalInterface
    interface Route {
        void handle(Inbound req) throws ApiError, IOException;
    }

    static ApiError methodNotAllowed(Inbound req, String allowed) {
        return new ApiError(405, "METHOD_NOT_ALLOWED", "Method " + req.method + " is not allowed for "
                + req.path + "; use " + allowed + ".");
    }
}

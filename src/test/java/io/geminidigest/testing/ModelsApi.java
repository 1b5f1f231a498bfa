package io.geminidigest.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1beta/models} (paged) and {@code GET /v1beta/models/{id}}; also the registry of served models.
 */
final class ModelsApi implements ApiArea {

    static final String PREFIX = "/v1beta/models";

    /** The real API's answer to a model the key's project may not use (e.g. a preview it has no access to). */
    static final String REFUSED_MESSAGE = "The caller does not have permission";

    private final Map<String, FakeModel> models = new LinkedHashMap<>();
    private final java.util.Set<String> refused = new java.util.HashSet<>();

    synchronized void put(FakeModel model) {
        models.put(model.id(), model);
    }

    /** Every call on the model ({@code GET}, generate, countTokens) answers 403 PERMISSION_DENIED from now on. */
    synchronized void refuse(String id) {
        refused.add(id);
    }

    synchronized boolean isRefused(String id) {
        return refused.contains(id);
    }

    synchronized FakeModel find(String id) {
        return models.get(id);
    }

    /** The model, or the real 403 for a refused model, or the real 404. */
    FakeModel require(String id) throws ApiError {
        if (isRefused(id)) {
            throw ApiError.permissionDenied(REFUSED_MESSAGE);
        }
        FakeModel m = find(id);
        if (m == null) {
            throw ApiError.unknownModel(id);
        }
        return m;
    }

    synchronized List<FakeModel> all() {
        return new ArrayList<>(models.values());
    }

    @Override
    public Route route(Inbound req) throws ApiError {
        String id;
        if (req.path.equals(PREFIX)) {
            id = null;
        } else if (req.path.startsWith(PREFIX + "/") && !req.path.contains(":")
                && req.path.indexOf('/', PREFIX.length() + 1) < 0 && req.path.length() > PREFIX.length() + 1) {
            id = req.path.substring(PREFIX.length() + 1);
        } else {
            return null;
        }
        if (!req.method.equals("GET")) {
            throw ApiArea.methodNotAllowed(req, "GET");
        }
        return id == null ? this::list : r -> get(r, id);
    }

    private void get(Inbound req, String id) throws ApiError, java.io.IOException {
        req.model = id;
        req.sendJson(200, require(id).toJson());
    }

    private void list(Inbound req) throws ApiError, java.io.IOException {
        int pageSize = 50;
        String size = req.params.get("pageSize") != null ? req.params.get("pageSize") : req.params.get("page_size");
        if (size != null) {
            try {
                pageSize = Integer.parseInt(size);
            } catch (NumberFormatException e) {
                throw ApiError.invalidArgument("Invalid value at 'page_size' (TYPE_INT32), \"" + size + "\"");
            }
            if (pageSize < 0) {
                throw ApiError.invalidArgument("* ListModelsRequest.page_size: page_size must not be negative\n");
            }
            pageSize = pageSize == 0 ? 50 : Math.min(pageSize, 1000);
        }
        String token = req.params.get("pageToken") != null ? req.params.get("pageToken") : req.params.get("page_token");
        int offset = 0;
        if (token != null && !token.isEmpty()) {
            offset = decodeToken(token);
        }
        List<FakeModel> all = all();
        ObjectNode answer = Json.object();
        var arr = answer.putArray("models");
        for (int i = offset; i < Math.min(all.size(), offset + pageSize); i++) {
            arr.add(all.get(i).toJson());
        }
        if (offset + pageSize < all.size()) {
            answer.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("models-offset:" + (offset + pageSize)).getBytes(StandardCharsets.UTF_8)));
        }
        req.sendJson(200, answer);
    }

    private static int decodeToken(String token) throws ApiError {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("models-offset:")) {
                return Integer.parseInt(s.substring("models-offset:".length()));
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiError.invalidArgument("Invalid page token.");
    }
}

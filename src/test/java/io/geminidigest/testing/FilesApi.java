package io.geminidigest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The Files API: resumable and multipart uploads under {@code /upload/v1beta/files}, and
 * {@code GET /v1beta/files[/{id}]}, {@code DELETE /v1beta/files/{id}}; also the file store that generate calls
 * resolve {@code fileData.fileUri} against, and the media token rules.
 *
 * <h2>Resumable upload (strict)</h2>
 * <ol>
 * <li>{@code POST /upload/v1beta/files} with {@code X-Goog-Upload-Protocol: resumable},
 * {@code X-Goog-Upload-Command: start}, {@code X-Goog-Upload-Header-Content-Length},
 * {@code X-Goog-Upload-Header-Content-Type}, {@code Content-Type: application/json} and body
 * {@code {"file":{"displayName":...}}} → 200, headers {@code X-Goog-Upload-URL} (the session URL,
 * {@code <base>/upload/v1beta/files?upload_id=<id>&upload_protocol=resumable}) and
 * {@code X-Goog-Upload-Chunk-Granularity: 262144}.</li>
 * <li>{@code POST <session URL>} with {@code X-Goog-Upload-Command: upload} or {@code upload, finalize} and
 * {@code X-Goog-Upload-Offset}; answers {@code X-Goog-Upload-Status: active} or {@code final} (with
 * {@code {"file":{...}}}). {@code query} answers the status and {@code X-Goog-Upload-Size-Received};
 * {@code cancel} ends the session ({@code cancelled}).</li>
 * </ol>
 * Rejected with 400: missing or wrong headers, an offset other than the bytes received (the answer carries
 * {@code X-Goog-Upload-Size-Received}), a non-final chunk that does not end on a multiple of the granularity,
 * more bytes than declared, a final size other than the declared length, commands on a finished session.
 * An unknown session is 404. The session URL needs no API key (the upload id is the credential), like the real one.
 *
 * <h2>Processing</h2>
 * A finalized file is {@code PROCESSING} until both {@link #processingPolls} GETs of it were answered and
 * {@link #processingTime} (wall clock) has passed; then {@code ACTIVE}, or {@code FAILED} when the
 * {@link #failProcessing} predicate matches its display name. With the defaults (0, zero) files are {@code ACTIVE}
 * at once. Files expire {@code 48 h × timeScale} after creation.
 *
 * <h2>Media tokens (Gemini 2.x-like)</h2>
 * With a duration registered ({@link #mediaDuration}, by display name or sha256Hash): audio 32 tokens/s, video
 * 263 tokens/s (1 fps frames + audio), rounded up. Images cost {@link #imageTokens} (258 by default), any other
 * media part, and audio/video without a registered duration, {@value RequestValidator#MEDIA_PART_TOKENS}.
 * A request with {@code generationConfig.mediaResolution} is charged at Gemini 3's rates instead
 * ({@link #atResolution}): images 280 / 560 / 1120 at LOW / MEDIUM / HIGH, video frames 70 / 70 / 280 per second
 * plus the sound track (unless registered silent).
 * With {@link #durationsFromContent} on, audio without a registered duration is charged the duration its own header
 * states (FLAC, WAV; {@link MediaHeaders}), for inline data and uploaded files alike; audio whose header states none
 * is refused with 400 (the fake does not guess). The audio rate can be changed ({@link #audioTokensPerSecond}).
 */
final class FilesApi implements ApiArea {

    static final String PREFIX = "/v1beta/files";
    static final String UPLOAD = "/upload/v1beta/files";
    static final int GRANULARITY = 262_144;
    static final long MAX_FILE_BYTES = 2L << 30;
    static final int AUDIO_TOKENS_PER_SECOND = 32;
    static final int VIDEO_TOKENS_PER_SECOND = 263;
    static final String REAL_HOST = "https://generativelanguage.googleapis.com";

    /** A stored file (mutable state guarded by the FilesApi monitor). */
    private static final class StoredFile {
        final String id;
        final String displayName;
        final String mimeType;
        final long size;
        final String sha256;
        final Instant created;
        final Instant expires;
        final long readyAtNanos;
        /** The first {@link MediaHeaders#HEAD_BYTES} bytes (to read a duration from the header). */
        byte[] head = new byte[0];
        int pollsLeft;
        String state = "PROCESSING";
        Instant updated;

        StoredFile(String id, String displayName, String mimeType, long size, String sha256, Instant created,
                   Instant expires, int polls, long readyAtNanos) {
            this.id = id;
            this.displayName = displayName;
            this.mimeType = mimeType;
            this.size = size;
            this.sha256 = sha256;
            this.created = created;
            this.updated = created;
            this.expires = expires;
            this.pollsLeft = polls;
            this.readyAtNanos = readyAtNanos;
        }
    }

    /** A resumable upload session. */
    private static final class Session {
        final String id;
        final String displayName;
        final String mimeType;
        final long declared;
        final MessageDigest sha = sha256();
        final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        long received;
        /** null while active, else "final" or "cancelled". */
        String end;
        StoredFile file;
        boolean dropped;

        Session(String id, String displayName, String mimeType, long declared) {
            this.id = id;
            this.displayName = displayName;
            this.mimeType = mimeType;
            this.declared = declared;
        }

        /** Takes the next bytes of the file (in order): digest, and the start kept for its header. */
        void take(byte[] bytes) {
            sha.update(bytes);
            int keep = (int) Math.min(bytes.length, Math.max(0, MediaHeaders.HEAD_BYTES - head.size()));
            head.write(bytes, 0, keep);
        }
    }

    private final FakeGemini fake;
    private final Map<String, StoredFile> files = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final List<FakeFile> deleted = new ArrayList<>();
    private final Map<String, Duration> durations = new LinkedHashMap<>();
    private int processingPolls;
    private Duration processingTime = Duration.ZERO;
    private Predicate<String> failProcessing = name -> false;
    private int imageTokens = RequestValidator.MEDIA_PART_TOKENS;
    private int audioTokensPerSecond = AUDIO_TOKENS_PER_SECOND;
    private boolean durationsFromContent;
    private final java.util.Set<String> silentVideos = new java.util.HashSet<>();
    final AtomicInteger uploadsStarted = new AtomicInteger();
    final AtomicInteger uploadsFinalized = new AtomicInteger();
    final AtomicInteger uploadsResumed = new AtomicInteger();

    FilesApi(FakeGemini fake) {
        this.fake = fake;
    }

    // ---------------------------------------------------------------- configuration

    synchronized void processingPolls(int polls) {
        if (polls < 0) {
            throw new IllegalArgumentException("polls < 0");
        }
        processingPolls = polls;
    }

    synchronized void processingTime(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative processing time");
        }
        processingTime = d;
    }

    synchronized void failProcessing(Predicate<String> displayName) {
        failProcessing = displayName;
    }

    synchronized void mediaDuration(String displayNameOrSha256, Duration d) {
        durations.put(displayNameOrSha256, d);
    }

    synchronized void imageTokens(int tokens) {
        imageTokens = tokens;
    }

    synchronized void silentVideo(String displayNameOrSha256) {
        silentVideos.add(displayNameOrSha256);
    }

    /**
     * The part as charged under {@code generationConfig.mediaResolution} (Gemini 3 rates): an image 280 / 560 / 1120
     * tokens at LOW / MEDIUM / HIGH, a video with a registered duration its frames (1 per second, rounded up) at
     * 70 / 70 / 280 plus its sound track at the audio rate (none for a video registered silent); other parts as
     * they were. {@code MEDIA_RESOLUTION_UNSPECIFIED}: unchanged.
     */
    synchronized MediaPart atResolution(MediaPart part, String resolution) {
        int perImage;
        int perFrame;
        switch (resolution) {
            case "MEDIA_RESOLUTION_LOW" -> { perImage = 280; perFrame = 70; }
            case "MEDIA_RESOLUTION_MEDIUM" -> { perImage = 560; perFrame = 70; }
            case "MEDIA_RESOLUTION_HIGH" -> { perImage = 1120; perFrame = 280; }
            default -> { return part; }
        }
        int tokens;
        if (part.modality().equals("IMAGE")) {
            tokens = perImage;
        } else if (part.modality().equals("VIDEO") && part.duration() != null) {
            double seconds = part.duration().toNanos() / 1e9;
            boolean silent = (part.displayName() != null && silentVideos.contains(part.displayName()))
                    || silentVideos.contains(part.sha256Hash());
            tokens = (int) Math.ceil(seconds) * perFrame
                    + (silent ? 0 : (int) Math.ceil(seconds * audioTokensPerSecond));
        } else {
            return part;
        }
        return new MediaPart(part.modality(), part.mimeType(), part.fileName(), part.displayName(), part.sizeBytes(),
                part.sha256Hash(), part.duration(), tokens);
    }

    synchronized void audioTokensPerSecond(int tokens) {
        audioTokensPerSecond = tokens;
    }

    synchronized void durationsFromContent(boolean on) {
        durationsFromContent = on;
    }

    synchronized void reset() {
        files.clear();
        sessions.clear();
        deleted.clear();
        uploadsStarted.set(0);
        uploadsFinalized.set(0);
        uploadsResumed.set(0);
    }

    // ---------------------------------------------------------------- inspection

    synchronized List<FakeFile> files() {
        expire();
        List<FakeFile> all = new ArrayList<>();
        for (StoredFile f : files.values()) {
            all.add(snapshot(f));
        }
        return all;
    }

    synchronized List<FakeFile> deletedFiles() {
        return List.copyOf(deleted);
    }

    private FakeFile snapshot(StoredFile f) {
        return new FakeFile("files/" + f.id, f.displayName, f.mimeType, f.size, f.sha256, uri(f), f.state,
                f.created, f.expires, durationOf(f.displayName, f.sha256));
    }

    private String uri(StoredFile f) {
        return fake.baseUrl() + PREFIX + "/" + f.id;
    }

    private Duration durationOf(String displayName, String sha256) {
        Duration d = displayName == null ? null : durations.get(displayName);
        return d != null ? d : durations.get(sha256);
    }

    /** Drops expired files (they vanish like on the real API: 403 afterwards, not listed). */
    private void expire() {
        Instant now = Instant.now();
        files.values().removeIf(f -> !now.isBefore(f.expires));
    }

    /** Advances PROCESSING to ACTIVE / FAILED when due; {@code poll} counts a GET of the file. */
    private void advance(StoredFile f, boolean poll) {
        if (!f.state.equals("PROCESSING")) {
            return;
        }
        if (poll && f.pollsLeft > 0) {
            f.pollsLeft--;
            return;
        }
        if (f.pollsLeft == 0 && System.nanoTime() - f.readyAtNanos >= 0) {
            f.state = failProcessing.test(f.displayName == null ? "" : f.displayName) ? "FAILED" : "ACTIVE";
            f.updated = Instant.now();
        }
    }

    // ---------------------------------------------------------------- generate support

    static ApiError noPermission(String id) {
        return ApiError.permissionDenied("You do not have permission to access the File " + id
                + " or it may not exist.");
    }

    /**
     * Resolves a {@code fileData} part: the file must be of this fake (URI on this fake or on the real host),
     * exist, and be ACTIVE; a given MIME type must match the file's.
     */
    synchronized MediaPart fileDataPart(String uri, String mimeType) throws ApiError {
        String id = null;
        for (String base : new String[] {fake.baseUrl(), REAL_HOST}) {
            String prefix = base + PREFIX + "/";
            if (uri.startsWith(prefix) && uri.length() > prefix.length()) {
                id = uri.substring(prefix.length());
            }
        }
        if (id == null || !id.matches("[a-z0-9-]{1,40}")) {
            throw ApiError.invalidArgument("Invalid or unsupported file uri: " + uri);
        }
        expire();
        StoredFile f = files.get(id);
        if (f == null) {
            throw noPermission(id);
        }
        advance(f, false);
        if (!f.state.equals("ACTIVE")) {
            throw new ApiError(400, "FAILED_PRECONDITION", "The File " + id
                    + " is not in an ACTIVE state and usage is not allowed.");
        }
        if (mimeType != null && !mimeType.equals(f.mimeType)) {
            throw ApiError.invalidArgument("The mime type of file_data (" + mimeType
                    + ") does not match the mime type of the File " + id + " (" + f.mimeType + ").");
        }
        return media(f.mimeType, "files/" + id, f.displayName, f.size, f.sha256, f.head);
    }

    /** An {@code inlineData} part of the given decoded bytes. */
    synchronized MediaPart inlinePart(String mimeType, byte[] data) throws ApiError {
        return media(mimeType, null, null, data.length, base64Sha256(data), data);
    }

    private MediaPart media(String mime, String fileName, String displayName, long size, String sha, byte[] head)
            throws ApiError {
        String modality = modality(mime);
        Duration d = durationOf(displayName, sha);
        if (d == null && durationsFromContent && modality.equals("AUDIO")) {
            d = MediaHeaders.duration(head);
            if (d == null) {
                throw ApiError.invalidArgument("(fake) the " + mime + " part " + (fileName != null ? fileName
                        : "(inline)") + " states no duration in its header and none is registered; "
                        + "durations from content are on, so it cannot be charged");
            }
        }
        int tokens;
        if (modality.equals("IMAGE")) {
            tokens = imageTokens;
        } else if (d != null && (modality.equals("AUDIO") || modality.equals("VIDEO"))) {
            int rate = modality.equals("AUDIO") ? audioTokensPerSecond : VIDEO_TOKENS_PER_SECOND;
            tokens = (int) Math.ceil(d.toNanos() / 1e9 * rate);
        } else {
            tokens = RequestValidator.MEDIA_PART_TOKENS;
        }
        return new MediaPart(modality, mime, fileName, displayName, size, sha, d, tokens);
    }

    static String modality(String mime) {
        return mime.startsWith("image/") ? "IMAGE" : mime.startsWith("audio/") ? "AUDIO"
                : mime.startsWith("video/") ? "VIDEO" : "DOCUMENT";
    }

    // ---------------------------------------------------------------- routing

    @Override
    public Route route(Inbound req) throws ApiError {
        if (req.path.equals(UPLOAD)) {
            if (!req.method.equals("POST")) {
                throw ApiArea.methodNotAllowed(req, "POST");
            }
            return req.params.containsKey("upload_id") ? this::session : this::startOrMultipart;
        }
        if (req.path.equals(PREFIX)) {
            if (req.method.equals("POST")) {
                throw ApiError.invalidArgument("Files are uploaded to " + UPLOAD + ", not " + PREFIX + ".");
            }
            if (!req.method.equals("GET")) {
                throw ApiArea.methodNotAllowed(req, "GET");
            }
            return this::list;
        }
        if (req.path.startsWith(PREFIX + "/") && req.path.indexOf('/', PREFIX.length() + 1) < 0
                && !req.path.contains(":")) {
            String id = req.path.substring(PREFIX.length() + 1);
            if (id.isEmpty()) {
                return null;
            }
            return switch (req.method) {
                case "GET" -> r -> get(r, id);
                case "DELETE" -> r -> delete(r, id);
                default -> throw ApiArea.methodNotAllowed(req, "GET");
            };
        }
        return null;
    }

    // ---------------------------------------------------------------- get / list / delete

    private void get(Inbound req, String id) throws ApiError, IOException {
        ObjectNode json;
        synchronized (this) {
            expire();
            StoredFile f = files.get(id);
            if (f == null) {
                throw noPermission(id);
            }
            advance(f, true);
            json = toJson(f);
        }
        req.sendJson(200, json);
    }

    private void delete(Inbound req, String id) throws ApiError, IOException {
        synchronized (this) {
            expire();
            StoredFile f = files.remove(id);
            if (f == null) {
                throw noPermission(id);
            }
            deleted.add(snapshot(f));
        }
        req.sendJson(200, Json.object());
    }

    private void list(Inbound req) throws ApiError, IOException {
        int pageSize = 10;
        String size = param(req, "pageSize");
        if (size != null) {
            try {
                pageSize = Integer.parseInt(size);
            } catch (NumberFormatException e) {
                throw ApiError.invalidArgument("Invalid value at 'page_size' (TYPE_INT32), \"" + size + "\"");
            }
            if (pageSize < 0) {
                throw ApiError.invalidArgument("* ListFilesRequest.page_size: page_size must not be negative\n");
            }
            pageSize = pageSize == 0 ? 10 : Math.min(pageSize, 100);
        }
        String token = param(req, "pageToken");
        int offset = 0;
        if (token != null && !token.isEmpty()) {
            offset = decodeToken(token);
        }
        ObjectNode answer = Json.object();
        synchronized (this) {
            expire();
            List<StoredFile> all = new ArrayList<>(files.values());
            java.util.Collections.reverse(all); // newest first
            if (offset < all.size()) {
                var arr = answer.putArray("files");
                for (int i = offset; i < Math.min(all.size(), offset + pageSize); i++) {
                    advance(all.get(i), false);
                    arr.add(toJson(all.get(i)));
                }
            }
            if (offset + pageSize < all.size()) {
                answer.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(("files-offset:" + (offset + pageSize)).getBytes(StandardCharsets.UTF_8)));
            }
        }
        req.sendJson(200, answer);
    }

    private static String param(Inbound req, String camel) {
        String v = req.params.get(camel);
        return v != null ? v : req.params.get(Json.snake(camel));
    }

    private static int decodeToken(String token) throws ApiError {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("files-offset:")) {
                return Integer.parseInt(s.substring("files-offset:".length()));
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiError.invalidArgument("Invalid page token.");
    }

    private ObjectNode toJson(StoredFile f) {
        ObjectNode j = Json.object();
        j.put("name", "files/" + f.id);
        if (f.displayName != null) {
            j.put("displayName", f.displayName);
        }
        j.put("mimeType", f.mimeType);
        j.put("sizeBytes", Long.toString(f.size));
        j.put("createTime", f.created.toString());
        j.put("updateTime", f.updated.toString());
        j.put("expirationTime", f.expires.toString());
        j.put("sha256Hash", f.sha256);
        j.put("uri", uri(f));
        j.put("state", f.state);
        j.put("source", "UPLOADED");
        if (f.state.equals("FAILED")) {
            j.putObject("error").put("code", 3).put("message", "File processing failed.");
        }
        Duration d = durationOf(f.displayName, f.sha256);
        if (d != null && f.mimeType.startsWith("video/")) {
            j.putObject("videoMetadata").put("videoDuration",
                    new java.math.BigDecimal(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString() + "s");
        }
        return j;
    }

    // ---------------------------------------------------------------- upload start

    private void startOrMultipart(Inbound req) throws ApiError, IOException {
        applyUploadFault(req, null);
        if (req.answered()) {
            return;
        }
        String protocol = req.header("X-Goog-Upload-Protocol");
        if ("multipart".equals(protocol)) {
            multipart(req);
            return;
        }
        if (!"resumable".equals(protocol)) {
            throw ApiError.invalidArgument("X-Goog-Upload-Protocol must be \"resumable\" or \"multipart\", got "
                    + quoted(protocol) + ".");
        }
        String command = req.header("X-Goog-Upload-Command");
        if (!"start".equals(command)) {
            throw ApiError.invalidArgument("X-Goog-Upload-Command must be \"start\" to begin a resumable upload, got "
                    + quoted(command) + ".");
        }
        String length = req.header("X-Goog-Upload-Header-Content-Length");
        long declared;
        try {
            declared = Long.parseLong(length == null ? "" : length.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalidArgument("X-Goog-Upload-Header-Content-Length must be the file size in bytes, got "
                    + quoted(length) + ".");
        }
        if (declared <= 0 || declared > MAX_FILE_BYTES) {
            throw ApiError.invalidArgument("X-Goog-Upload-Header-Content-Length must be between 1 and "
                    + MAX_FILE_BYTES + " bytes, got " + declared + ".");
        }
        String mime = checkMime(req.header("X-Goog-Upload-Header-Content-Type"),
                "X-Goog-Upload-Header-Content-Type");
        String displayName = fileMetadata(req.jsonObjectBody());
        String id = randomId(24);
        synchronized (this) {
            sessions.put(id, new Session(id, displayName, mime, declared));
        }
        uploadsStarted.incrementAndGet();
        var h = req.exchange.getResponseHeaders();
        h.set("X-Goog-Upload-Status", "active");
        h.set("X-Goog-Upload-URL", fake.baseUrl() + UPLOAD + "?upload_id=" + id + "&upload_protocol=resumable");
        h.set("X-Goog-Upload-Chunk-Granularity", Integer.toString(GRANULARITY));
        h.set("X-Goog-Upload-Control-URL", fake.baseUrl() + UPLOAD + "?upload_id=" + id
                + "&upload_protocol=resumable");
        req.send(200, "text/plain; charset=utf-8", new byte[0]);
    }

    private static String checkMime(String mime, String header) throws ApiError {
        if (mime == null || !mime.trim().matches("[\\w.+-]+/[\\w.+-]+")) {
            throw ApiError.invalidArgument(header + " must be a MIME type, got " + quoted(mime) + ".");
        }
        return mime.trim();
    }

    /** Validates {@code {"file": {"displayName": ...}}} and returns the display name (or null). */
    private static String fileMetadata(JsonNode body) throws ApiError {
        for (Map.Entry<String, JsonNode> f : Json.fields(body)) {
            if (!Json.camel(f.getKey()).equals("file")) {
                throw ApiError.unknownField(f.getKey(), null);
            }
        }
        JsonNode file = Json.field(body, "file");
        if (file == null) {
            return null;
        }
        if (!file.isObject()) {
            throw ApiError.invalidJson("Invalid value at 'file' (type.googleapis.com/google.ai.generativelanguage"
                    + ".v1beta.File): expected an object, got " + file);
        }
        for (Map.Entry<String, JsonNode> f : Json.fields(file)) {
            if (!Json.camel(f.getKey()).equals("displayName")) {
                throw ApiError.unknownField(f.getKey(), "file");
            }
        }
        JsonNode name = Json.field(file, "displayName");
        if (name != null && (!name.isTextual() || name.asText().length() > 512)) {
            throw ApiError.invalidArgument("* CreateFileRequest.file.display_name: must be a string of at most 512 "
                    + "characters\n");
        }
        return name == null ? null : name.asText();
    }

    // ---------------------------------------------------------------- multipart (one shot)

    private void multipart(Inbound req) throws ApiError, IOException {
        String type = req.header("Content-Type");
        String boundary = null;
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/related")) {
            for (String p : type.split(";")) {
                p = p.trim();
                if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                    boundary = p.substring("boundary=".length()).replace("\"", "");
                }
            }
        }
        if (boundary == null || boundary.isEmpty()) {
            throw ApiError.invalidArgument("Content-Type must be multipart/related with a boundary, got "
                    + quoted(type) + ".");
        }
        List<byte[][]> parts = Multipart.parse(req.body, boundary);
        if (parts == null || parts.size() != 2) {
            throw ApiError.invalidArgument("A multipart upload needs exactly two parts (metadata JSON, then the "
                    + "media), separated by --" + boundary + ".");
        }
        JsonNode meta;
        try {
            meta = Json.MAPPER.readTree(parts.get(0)[1]);
        } catch (IOException e) {
            meta = null;
        }
        if (meta == null || !meta.isObject()) {
            throw ApiError.invalidJson("The first multipart part must be a JSON object {\"file\": {...}}.");
        }
        String displayName = fileMetadata(meta);
        String mime = checkMime(Multipart.header(parts.get(1)[0], "Content-Type"), "Content-Type of the media part");
        byte[] data = parts.get(1)[1];
        if (data.length == 0) {
            throw ApiError.invalidArgument("The media part of a multipart upload must not be empty.");
        }
        req.bodySize = req.body.length;
        uploadsStarted.incrementAndGet();
        Session s = new Session(randomId(24), displayName, mime, data.length);
        s.take(data);
        s.received = data.length;
        ObjectNode answer;
        synchronized (this) {
            answer = finish(s);
        }
        req.exchange.getResponseHeaders().set("X-Goog-Upload-Status", "final");
        req.sendJson(200, answer);
    }

    // ---------------------------------------------------------------- session requests

    private void session(Inbound req) throws ApiError, IOException {
        String id = req.params.get("upload_id");
        Session s;
        synchronized (this) {
            s = sessions.get(id);
        }
        String command = req.header("X-Goog-Upload-Command");
        if (s == null) {
            drainBody(req);
            throw ApiError.notFound("Failed to find upload session " + id + ".");
        }
        String cmd = command == null ? "" : command.replace(" ", "").toLowerCase(Locale.ROOT);
        if (cmd.equals("query")) {
            drainBody(req);
            synchronized (this) {
                statusHeaders(req, s);
                if ("final".equals(s.end)) {
                    req.sendJson(200, fileAnswer(s.file));
                    return;
                }
            }
            req.send(200, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        if (!cmd.equals("upload") && !cmd.equals("upload,finalize") && !cmd.equals("finalize")
                && !cmd.equals("cancel")) {
            drainBody(req);
            throw ApiError.invalidArgument("X-Goog-Upload-Command must be \"upload\", \"upload, finalize\", "
                    + "\"finalize\", \"query\" or \"cancel\", got " + quoted(command) + ".");
        }
        applyUploadFault(req, s);
        if (req.answered()) {
            return;
        }
        if (cmd.equals("cancel")) {
            drainBody(req);
            synchronized (this) {
                if (s.end == null) {
                    s.end = "cancelled";
                }
                statusHeaders(req, s);
            }
            req.send(200, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        boolean finalize = cmd.endsWith("finalize");
        String offsetHeader = req.header("X-Goog-Upload-Offset");
        long offset;
        try {
            offset = Long.parseLong(offsetHeader == null ? "" : offsetHeader.trim());
        } catch (NumberFormatException e) {
            drainBody(req);
            throw ApiError.invalidArgument("X-Goog-Upload-Offset must be the number of bytes already sent, got "
                    + quoted(offsetHeader) + ".");
        }
        byte[] chunk = req.exchange.getRequestBody().readAllBytes();
        req.bodySize = chunk.length;
        ObjectNode answer = null;
        synchronized (this) {
            if (s.end != null) {
                statusHeaders(req, s);
                throw ApiError.invalidArgument("The upload session " + s.id + " is " + s.end
                        + "; no further data is accepted.");
            }
            if (offset != s.received) {
                sizeHeader(req, s);
                throw ApiError.invalidArgument("X-Goog-Upload-Offset " + offset
                        + " does not match the number of bytes received so far: " + s.received + ".");
            }
            long end = s.received + chunk.length;
            if (end > s.declared) {
                sizeHeader(req, s);
                throw ApiError.invalidArgument("The upload exceeds the declared X-Goog-Upload-Header-Content-Length "
                        + s.declared + ": " + end + " bytes.");
            }
            if (!finalize && end % GRANULARITY != 0) {
                sizeHeader(req, s);
                throw ApiError.invalidArgument("A non-final chunk must end at a multiple of the chunk granularity "
                        + GRANULARITY + " bytes; this chunk of " + chunk.length + " bytes would end at " + end + ".");
            }
            if (finalize && end != s.declared) {
                sizeHeader(req, s);
                throw ApiError.invalidArgument("The finalized upload has " + end + " bytes but "
                        + "X-Goog-Upload-Header-Content-Length declared " + s.declared + ".");
            }
            if (s.dropped && chunk.length > 0) {
                s.dropped = false;
                uploadsResumed.incrementAndGet();
            }
            s.take(chunk);
            s.received = end;
            if (finalize) {
                answer = finish(s);
            }
            statusHeaders(req, s);
        }
        if (answer != null) {
            req.sendJson(200, answer);
        } else {
            req.send(200, "text/plain; charset=utf-8", new byte[0]);
        }
    }

    /** Completes a session: creates the file; caller holds the monitor. */
    private ObjectNode finish(Session s) {
        Instant now = Instant.now();
        long lifetime = Math.round(Duration.ofHours(48).toNanos() * fake.config().timeScale());
        StoredFile f = new StoredFile(randomId(12), s.displayName, s.mimeType, s.received,
                Base64.getEncoder().encodeToString(s.sha.digest()), now, now.plusNanos(lifetime), processingPolls,
                System.nanoTime() + processingTime.toNanos());
        f.head = s.head.toByteArray();
        advance(f, false);
        files.put(f.id, f);
        s.end = "final";
        s.file = f;
        sessions.put(s.id, s);
        uploadsFinalized.incrementAndGet();
        return fileAnswer(f);
    }

    private ObjectNode fileAnswer(StoredFile f) {
        ObjectNode answer = Json.object();
        answer.set("file", toJson(f));
        return answer;
    }

    private static void statusHeaders(Inbound req, Session s) {
        req.exchange.getResponseHeaders().set("X-Goog-Upload-Status", s.end == null ? "active" : s.end);
        sizeHeader(req, s);
    }

    private static void sizeHeader(Inbound req, Session s) {
        req.exchange.getResponseHeaders().set("X-Goog-Upload-Size-Received", Long.toString(s.received));
    }

    /**
     * Applies the next upload fault, if any: a status is thrown as an error, a drop closes the connection — for
     * {@link Fault.Kind#DROP_UPLOAD} after keeping the first {@code n} bytes of the chunk in the session.
     */
    private void applyUploadFault(Inbound req, Session s) throws ApiError, IOException {
        Fault fault = s == null ? fake.nextUploadFaultForStart() : fake.nextUploadFault();
        if (fault == null) {
            return;
        }
        switch (fault.kind()) {
            case STATUS -> {
                drainBody(req);
                throw new ApiError(fault.code(), fault.status(), fault.message());
            }
            case DROP_CONNECTION -> req.drop();
            case DROP_UPLOAD -> {
                if (s != null) {
                    InputStream in = req.exchange.getRequestBody();
                    byte[] part = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, fault.bytes()));
                    req.bodySize = part.length;
                    synchronized (this) {
                        if (s.end == null && Long.toString(s.received).equals(trim(req.header("X-Goog-Upload-Offset")))
                                && s.received + part.length <= s.declared) {
                            s.take(part);
                            s.received += part.length;
                        }
                        s.dropped = true;
                    }
                }
                req.drop();
            }
            default -> throw new IllegalStateException("not an upload fault: " + fault);
        }
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static void drainBody(Inbound req) throws IOException {
        if (req.body.length == 0) {
            req.bodySize = req.exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    private static String quoted(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }

    private static String randomId(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static String base64Sha256(byte[] data) {
        MessageDigest md = sha256();
        md.update(data);
        return Base64.getEncoder().encodeToString(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Minimal {@code multipart/related} parsing: parts as {headers, body}. */
    static final class Multipart {

        private Multipart() {
        }

        /** The parts, or {@code null} when the body is not well-formed. */
        static List<byte[][]> parse(byte[] body, String boundary) {
            byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            List<byte[][]> parts = new ArrayList<>();
            int pos = indexOf(body, delim, 0);
            if (pos < 0) {
                return null;
            }
            while (true) {
                int after = pos + delim.length;
                if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
                    return parts;
                }
                int headersStart = skipCrlf(body, after);
                int blank = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
                if (blank < 0) {
                    return null;
                }
                int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), blank + 4);
                if (next < 0) {
                    return null;
                }
                parts.add(new byte[][] {java.util.Arrays.copyOfRange(body, headersStart, blank),
                        java.util.Arrays.copyOfRange(body, blank + 4, next)});
                pos = next + 2;
            }
        }

        static String header(byte[] headers, String name) {
            for (String line : new String(headers, StandardCharsets.ISO_8859_1).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        private static int skipCrlf(byte[] b, int i) {
            return i + 1 < b.length && b[i] == '\r' && b[i + 1] == '\n' ? i + 2 : i;
        }

        private static int indexOf(byte[] hay, byte[] needle, int from) {
            outer:
            for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}

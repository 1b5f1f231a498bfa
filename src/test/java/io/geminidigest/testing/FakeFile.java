package io.geminidigest.testing;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one file resource of the fake's Files API (see {@link FakeGemini#files()}).
 *
 * @param name           {@code files/<id>}
 * @param displayName    as sent at upload start ({@code null} when none was sent)
 * @param mimeType       from {@code X-Goog-Upload-Header-Content-Type} (or the multipart media part)
 * @param sizeBytes      number of bytes uploaded
 * @param sha256Hash     base64 of the SHA-256 of the bytes
 * @param uri            {@code <baseUrl>/v1beta/files/<id>}, the value to send as {@code fileData.fileUri}
 * @param state          {@code PROCESSING}, {@code ACTIVE} or {@code FAILED}
 * @param createTime     when the upload was finalized (wall clock)
 * @param expirationTime {@code createTime + 48 h × timeScale}
 * @param mediaDuration  the duration registered with {@link FakeGemini#mediaDuration}, or {@code null}
 */
public record FakeFile(String name, String displayName, String mimeType, long sizeBytes, String sha256Hash,
                       String uri, String state, Instant createTime, Instant expirationTime, Duration mediaDuration) {

    /** The id part of {@link #name()}. */
    public String id() {
        return name.substring("files/".length());
    }
}

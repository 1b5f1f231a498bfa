package io.geminidigest.testing;

import java.time.Duration;

/**
 * One {@code inlineData} or {@code fileData} part of a generate / countTokens request, as the fake charged it.
 * Exposed to responders through {@link GenerateCall#mediaParts()}, e.g. to answer a transcript for "the audio it
 * got".
 *
 * @param modality    {@code IMAGE}, {@code AUDIO}, {@code VIDEO} or {@code DOCUMENT} (from the MIME type)
 * @param mimeType    the part's MIME type (for {@code fileData} without one: the file's)
 * @param fileName    {@code files/<id>} for {@code fileData}, {@code null} for {@code inlineData}
 * @param displayName the file's display name, {@code null} for inline data or files uploaded without one
 * @param sizeBytes   decoded inline bytes, or the file's size
 * @param sha256Hash  base64 of the SHA-256 of the bytes
 * @param duration    the duration registered with {@link FakeGemini#mediaDuration} (or, with
 *                    {@link FakeGemini#mediaDurationsFromContent}, read from an audio header), or {@code null}
 * @param tokens      tokens charged for this part
 */
public record MediaPart(String modality, String mimeType, String fileName, String displayName, long sizeBytes,
                        String sha256Hash, Duration duration, int tokens) {

    /** True for a {@code fileData} part. */
    public boolean isFile() {
        return fileName != null;
    }
}

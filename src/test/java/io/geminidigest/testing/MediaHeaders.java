package io.geminidigest.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The duration an audio file states in its own header, for the fake's {@link FakeGemini#mediaDurationsFromContent()}:
 * FLAC ({@code STREAMINFO}: sample rate and total samples) and WAV ({@code fmt } byte rate and {@code data} size).
 * Anything else, or a header that does not state its length (a FLAC stream written without seeking back), is
 * {@code null}: the fake does not guess.
 */
final class MediaHeaders {

    /** Bytes of the start of a file the fake keeps to read its header. */
    static final int HEAD_BYTES = 8192;

    private MediaHeaders() {
    }

    /** The duration stated in {@code head} (the first bytes of the file), or {@code null}. */
    static Duration duration(byte[] head) {
        if (head == null || head.length < 12) {
            return null;
        }
        String magic = new String(head, 0, 4, StandardCharsets.ISO_8859_1);
        if (magic.equals("fLaC")) {
            return flac(head);
        }
        if (magic.equals("RIFF") && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("WAVE")) {
            return wav(head);
        }
        return null;
    }

    private static Duration flac(byte[] h) {
        // the first metadata block must be STREAMINFO (type 0, 34 bytes); its bits 80..143 hold
        // sample rate (20), channels - 1 (3), bits per sample - 1 (5), total samples (36)
        if (h.length < 8 + 34 || (h[4] & 0x7F) != 0) {
            return null;
        }
        long v = ByteBuffer.wrap(h, 18, 8).order(ByteOrder.BIG_ENDIAN).getLong();
        long rate = v >>> 44;
        long samples = v & ((1L << 36) - 1);
        if (rate == 0 || samples == 0) {
            return null;
        }
        return Duration.ofNanos(Math.round(samples * 1e9 / rate));
    }

    private static Duration wav(byte[] h) {
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        long byteRate = 0;
        while (pos + 8 <= h.length) {
            String id = new String(h, pos, 4, StandardCharsets.ISO_8859_1);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            if (id.equals("fmt ") && pos + 16 <= h.length) {
                byteRate = Integer.toUnsignedLong(b.getInt(pos + 8 + 8));
            } else if (id.equals("data")) {
                return byteRate == 0 || size == 0 || size == 0xFFFFFFFFL ? null
                        : Duration.ofNanos(Math.round(size * 1e9 / byteRate));
            }
            pos += 8 + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - 16);
        }
        return null;
    }
}

package io.geminidigest.media;

import java.util.Objects;

/**
 * What a media file contains, as probed by {@link MediaProbe}.
 *
 * @param durationMillis duration in milliseconds, {@code 0} when unknown or not applicable (still images)
 * @param formatName     ffmpeg's container name, e.g. {@code "mp3"}, {@code "mov"} (the whole ISO family), {@code "matroska,webm"}, {@code "png_pipe"}
 * @param mimeType       MIME type derived from the container, the streams and the file name, e.g.
 *                       {@code "audio/mpeg"}, {@code "video/x-matroska"}, {@code "audio/mp4"}
 * @param sizeBytes      file size in bytes
 * @param audio          the (first) audio stream, or {@code null} when there is none
 * @param video          the (first) video stream, or {@code null} when there is none
 */
public record MediaInfo(long durationMillis, String formatName, String mimeType, long sizeBytes,
                        AudioStream audio, VideoStream video) {

    public MediaInfo {
        Objects.requireNonNull(formatName, "formatName");
        Objects.requireNonNull(mimeType, "mimeType");
        if (durationMillis < 0 || sizeBytes < 0) {
            throw new IllegalArgumentException("durationMillis and sizeBytes must not be negative");
        }
    }

    /** {@code true} when there is an audio stream. */
    public boolean hasAudio() {
        return audio != null;
    }

    /** {@code true} when there is a video stream (a still image counts as one frame of video). */
    public boolean hasVideo() {
        return video != null;
    }

    /** Duration in (fractional) seconds. */
    public double durationSeconds() {
        return durationMillis / 1000.0;
    }

    /**
     * An audio stream.
     *
     * @param codec      ffmpeg's decoder description, e.g. {@code "mp3"}, {@code "flac"}, {@code "aac (LC) (mp4a / 0x6134706D)"}
     * @param sampleRate samples per second
     * @param channels   number of channels
     * @param bitRate    bits per second, {@code 0} when unknown
     */
    public record AudioStream(String codec, int sampleRate, int channels, int bitRate) {
    }

    /**
     * A video stream.
     *
     * @param codec     ffmpeg's decoder description, e.g. {@code "h264 (High) (avc1 / 0x31637661)"}, {@code "vp9"}
     * @param width     pixels, {@code 0} when unknown
     * @param height    pixels, {@code 0} when unknown
     * @param frameRate frames per second, {@code 0} when unknown
     */
    public record VideoStream(String codec, int width, int height, double frameRate) {
    }
}

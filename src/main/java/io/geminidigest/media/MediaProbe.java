package io.geminidigest.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

import ws.schild.jave.EncoderException;
import ws.schild.jave.MultimediaObject;
import ws.schild.jave.info.AudioInfo;
import ws.schild.jave.info.MultimediaInfo;
import ws.schild.jave.info.VideoInfo;
import ws.schild.jave.process.ProcessLocator;
import ws.schild.jave.process.ffmpeg.DefaultFFMPEGLocator;

/**
 * Reads duration, container and streams of a media file with JAVE ({@code MultimediaObject.getInfo()}, which
 * runs {@code ffmpeg -i} and parses its header output).
 *
 * <p>Thread-safe (stateless apart from the immutable locator).
 */
public final class MediaProbe {

    private final ProcessLocator locator;

    /** Uses the ffmpeg binary JAVE ships. */
    public MediaProbe() {
        this(new DefaultFFMPEGLocator());
    }

    public MediaProbe(ProcessLocator locator) {
        this.locator = Objects.requireNonNull(locator, "locator");
    }

    /**
     * Probes {@code file}.
     *
     * @throws MediaException {@link MediaException.Kind#EMPTY} for a zero-length file,
     *                        {@link MediaException.Kind#CORRUPT} when the file is missing, unreadable, or ffmpeg
     *                        finds no audio or video in it
     */
    public MediaInfo probe(Path file) {
        long size = sizeOf(file);
        if (size == 0) {
            throw new MediaException(MediaException.Kind.EMPTY, file.getFileName() + " is empty (0 bytes)");
        }
        MultimediaInfo info;
        try {
            info = new MultimediaObject(file.toFile(), locator).getInfo();
        } catch (EncoderException e) {
            throw new MediaException(MediaException.Kind.CORRUPT, file.getFileName()
                    + " cannot be read as audio or video (" + readable(e) + ")", e);
        }
        AudioInfo a = info.getAudio();
        VideoInfo v = info.getVideo();
        if (a == null && v == null) {
            throw new MediaException(MediaException.Kind.CORRUPT,
                    file.getFileName() + " contains no audio or video stream that ffmpeg can decode");
        }
        MediaInfo.AudioStream audio = a == null ? null
                : new MediaInfo.AudioStream(nonNull(a.getDecoder()), a.getSamplingRate(), a.getChannels(),
                Math.max(0, a.getBitRate()));
        MediaInfo.VideoStream video = v == null ? null
                : new MediaInfo.VideoStream(nonNull(v.getDecoder()),
                v.getSize() == null ? 0 : v.getSize().getWidth(),
                v.getSize() == null ? 0 : v.getSize().getHeight(), Math.max(0, v.getFrameRate()));
        if (video != null && audio != null && isCoverArt(video)) {
            video = null; // an album cover is not video: the file is audio-only for Gemini
        }
        String format = nonNull(info.getFormat());
        String mime = mimeType(format, fileName(file), audio, video);
        if ((audio != null && !isStillImage(format)) && info.getDuration() <= 0) {
            throw new MediaException(MediaException.Kind.CORRUPT,
                    file.getFileName() + " has an audio stream but no readable duration");
        }
        return new MediaInfo(Math.max(0, info.getDuration()), format, mime, size, audio, video);
    }

    /**
     * The MIME type of a probed file, from ffmpeg's container name, the streams and (for the ambiguous ISO and
     * Matroska families) the file extension.
     */
    static String mimeType(String format, String fileName, MediaInfo.AudioStream audio,
                           MediaInfo.VideoStream video) {
        String ext = extension(fileName);
        String f = format.toLowerCase(Locale.ROOT);
        boolean hasVideo = video != null && !isCoverArt(video);
        if (f.contains("mp4") || f.contains("mov")) {
            return switch (ext) {
                case "mov", "qt" -> "video/quicktime";
                case "3gp", "3gpp" -> hasVideo ? "video/3gpp" : "audio/3gpp";
                case "m4a", "m4b" -> "audio/mp4";
                default -> hasVideo ? "video/mp4" : "audio/mp4";
            };
        }
        if (f.contains("matroska") || f.contains("webm")) {
            if ("webm".equals(ext)) {
                return hasVideo ? "video/webm" : "audio/webm";
            }
            return hasVideo ? "video/x-matroska" : "audio/x-matroska";
        }
        if (f.startsWith("image2") || f.endsWith("_pipe")) {
            return imageMime(f, ext);
        }
        return switch (f) {
            case "mp3" -> "audio/mpeg";
            case "wav", "w64" -> "audio/wav";
            case "flac" -> "audio/flac";
            case "ogg" -> hasVideo ? "video/ogg" : "audio/ogg";
            case "aac" -> "audio/aac";
            case "aiff" -> "audio/aiff";
            case "amr", "amrnb", "amrwb" -> "audio/amr";
            case "asf" -> hasVideo ? "video/x-ms-wmv" : "audio/x-ms-wma";
            case "avi" -> "video/x-msvideo";
            case "flv" -> "video/x-flv";
            case "mpeg", "mpegvideo" -> "video/mpeg";
            case "mpegts" -> "video/mp2t";
            case "caf" -> "audio/x-caf";
            case "au" -> "audio/basic";
            default -> hasVideo ? "video/" + f.split(",")[0] : "audio/" + f.split(",")[0];
        };
    }

    private static String imageMime(String format, String ext) {
        if (format.startsWith("png") || "png".equals(ext)) {
            return "image/png";
        }
        if (format.startsWith("jpeg") || "jpg".equals(ext) || "jpeg".equals(ext)) {
            return "image/jpeg";
        }
        if (format.startsWith("webp") || "webp".equals(ext)) {
            return "image/webp";
        }
        return "image/" + (ext.isEmpty() ? format.replace("_pipe", "") : ext);
    }

    private static boolean isStillImage(String format) {
        String f = format.toLowerCase(Locale.ROOT);
        return f.startsWith("image2") || f.endsWith("_pipe");
    }

    /** An MP3 or M4A with an embedded album cover shows a one-frame "video" stream (PNG or MJPEG). */
    private static boolean isCoverArt(MediaInfo.VideoStream video) {
        String c = video.codec().toLowerCase(Locale.ROOT);
        return c.startsWith("png") || c.startsWith("mjpeg") || c.startsWith("bmp");
    }

    private static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? "" : name.toString();
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new MediaException(MediaException.Kind.CORRUPT, file + " cannot be read: " + e, e);
        }
    }

    private static String readable(EncoderException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}

package io.geminidigest.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Converts media Gemini does not take into a type it does, extracts audio tracks, and cuts audio segments.
 *
 * <p><b>Audio output is FLAC, 16 kHz, mono</b> (conversions, extracted tracks and segments):
 * <ul>
 *   <li>FLAC is sample-exact: no encoder delay or frame padding (MP3 adds up to ~50-70 ms), so a segment lasts
 *       exactly {@code end - start} and the times in a transcript map back onto the recording by adding the
 *       segment start;</li>
 *   <li>it is lossless, so an already lossy source (AAC in M4A, WMA) is not degraded a second time;</li>
 *   <li>16 kHz mono is what speech recognition needs (Gemini downsamples audio anyway) and keeps a 10-minute
 *       segment around 10 MB, small enough for inline data; a whole long recording goes through the Files API.</li>
 * </ul>
 * <p><b>Video output is MP4</b> (H.264 + AAC, {@code +faststart}); a stream that already has the right codec is
 * copied, not re-encoded. Only the first video and the first audio stream are kept (subtitle and data tracks of a
 * Matroska file would make the MP4 muxer fail).
 *
 * <p>Output files are new files in {@code workDir} (unique names, safe for concurrent use); the caller deletes them.
 * A failed run leaves no partial output behind. Thread-safe.
 */
public final class MediaConverter {

    /** Sample rate of audio output. */
    public static final int SPEECH_SAMPLE_RATE = 16_000;

    private final Ffmpeg ffmpeg;

    public MediaConverter(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /**
     * A file Gemini takes: {@code in} itself when its type is native, else a converted copy in {@code workDir}
     * (audio-only → FLAC, video → MP4).
     *
     * @param info {@code in}'s probe result
     * @throws MediaException {@link MediaException.Kind#UNSUPPORTED} for a type that is neither native nor audio or
     *                        video, {@link MediaException.Kind#CONVERSION_FAILED} when ffmpeg fails
     */
    public Path toGeminiFormat(Path in, MediaInfo info, Path workDir) {
        return switch (GeminiMediaTypes.support(info.mimeType())) {
            case NATIVE -> in;
            case UNSUPPORTED -> throw new MediaException(MediaException.Kind.UNSUPPORTED,
                    in.getFileName() + ": " + GeminiMediaTypes.unsupportedMessage(info.mimeType()));
            case CONVERT -> info.hasVideo() ? toMp4(in, info, workDir) : toSpeechFlac(in, info, workDir);
        };
    }

    /**
     * The first audio track of {@code video} (or of any media file) as FLAC 16 kHz mono.
     *
     * @throws MediaException {@link MediaException.Kind#NO_AUDIO} when the file has no audio stream
     */
    public Path extractAudio(Path video, Path workDir) {
        Path out = newFile(workDir, video, "-audio", ".flac");
        List<String> args = new ArrayList<>(List.of("-i", video.toString()));
        args.addAll(speechFlacArguments());
        args.add(out.toString());
        return runAudio(args, out);
    }

    /**
     * The audio between {@code startMs} and {@code endMs} of {@code in} as FLAC 16 kHz mono. For FLAC and WAV inputs
     * (exact sample positions) ffmpeg seeks in the input ({@code -ss} before {@code -i}), which costs nothing however
     * late the segment; for other formats (VBR MP3's demuxer can only estimate positions) it seeks after decoding
     * ({@code -ss} after {@code -i}), sample-accurate but decoding everything before {@code startMs}: long recordings
     * are therefore converted to FLAC once ({@link #extractAudio}) and cut from that.
     *
     * @throws IllegalArgumentException unless {@code 0 <= startMs < endMs}
     * @throws MediaException           {@link MediaException.Kind#NO_AUDIO} when the file has no audio stream
     */
    public Path cut(Path in, long startMs, long endMs, Path workDir) {
        if (startMs < 0 || endMs <= startMs) {
            throw new IllegalArgumentException("need 0 <= start < end, was " + startMs + ".." + endMs);
        }
        Path out = newFile(workDir, in, "-" + startMs + "-" + endMs, ".flac");
        String name = in.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean exactSeek = name.endsWith(".flac") || name.endsWith(".wav");
        List<String> args = exactSeek
                ? new ArrayList<>(List.of("-ss", seconds(startMs), "-i", in.toString(), "-t", seconds(endMs - startMs)))
                : new ArrayList<>(List.of("-i", in.toString(), "-ss", seconds(startMs), "-t",
                        seconds(endMs - startMs)));
        args.addAll(speechFlacArguments());
        args.add(out.toString());
        return runAudio(args, out);
    }

    private Path toSpeechFlac(Path in, MediaInfo info, Path workDir) {
        if (!info.hasAudio()) {
            throw new MediaException(MediaException.Kind.NO_AUDIO, in.getFileName() + " has no audio stream");
        }
        return extractAudio(in, workDir);
    }

    private Path toMp4(Path in, MediaInfo info, Path workDir) {
        Path out = newFile(workDir, in, "", ".mp4");
        List<String> args = new ArrayList<>(List.of("-y", "-i", in.toString(), "-map", "0:v:0"));
        if (codecIs(info.video().codec(), "h264")) {
            args.addAll(List.of("-c:v", "copy"));
        } else {
            args.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"));
        }
        if (info.hasAudio()) {
            args.addAll(List.of("-map", "0:a:0"));
            if (codecIs(info.audio().codec(), "aac")) {
                args.addAll(List.of("-c:a", "copy"));
            } else {
                args.addAll(List.of("-c:a", "aac", "-b:a", "128k"));
            }
        }
        args.addAll(List.of("-movflags", "+faststart", "-f", "mp4", out.toString()));
        return runInto(args, out, MediaException.Kind.CONVERSION_FAILED);
    }

    private static List<String> speechFlacArguments() {
        return List.of("-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", Integer.toString(SPEECH_SAMPLE_RATE),
                "-c:a", "flac", "-f", "flac", "-y");
    }

    /** Runs an audio extraction; "no audio stream to map" becomes {@link MediaException.Kind#NO_AUDIO}. */
    private Path runAudio(List<String> args, Path out) {
        try {
            return runInto(args, out, MediaException.Kind.CONVERSION_FAILED);
        } catch (MediaException e) {
            if (e.kind() == MediaException.Kind.CONVERSION_FAILED && e.getMessage().contains("matches no streams")) {
                throw new MediaException(MediaException.Kind.NO_AUDIO,
                        "no audio stream in " + args.get(args.indexOf("-i") + 1), e);
            }
            throw e;
        }
    }

    private Path runInto(List<String> args, Path out, MediaException.Kind failure) {
        try {
            ffmpeg.run(args, failure);
            return out;
        } catch (RuntimeException e) {
            deleteQuietly(out);
            throw e;
        }
    }

    private static boolean codecIs(String codec, String name) {
        String c = codec.toLowerCase(Locale.ROOT).strip();
        return c.equals(name) || c.startsWith(name + " ");
    }

    /** {@code 12345} → {@code "12.345"}. */
    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }

    private static Path newFile(Path workDir, Path in, String suffix, String extension) {
        String name = in.getFileName() == null ? "media" : in.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Files.createDirectories(workDir);
            return Files.createTempFile(workDir, base + suffix + "-", extension);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an output file in " + workDir, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort
        }
    }
}

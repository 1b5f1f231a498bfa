package io.geminidigest.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generates small real media files with ffmpeg's lavfi sources, so that no large binaries are checked in.
 */
final class MediaFixtures {

    static final Ffmpeg FFMPEG = new Ffmpeg();
    static final MediaProbe PROBE = new MediaProbe();

    private final Path dir;

    MediaFixtures(Path dir) {
        this.dir = dir;
    }

    /** A 440 Hz tone of {@code seconds}, encoded by the output file's extension (mp3, wav, flac, m4a, ...). */
    Path tone(String name, double seconds) {
        return generate(name, List.of("-f", "lavfi", "-i",
                String.format(Locale.ROOT, "sine=frequency=440:sample_rate=16000:duration=%s", seconds)),
                audioCodecFor(name));
    }

    /**
     * Speech-like audio: a tone (amplitude {@code amplitude}, 0.5 ≈ -9 dBFS) during the given intervals
     * (seconds, pairs of start, end) and digital silence elsewhere, {@code seconds} long.
     */
    Path pattern(String name, double seconds, double amplitude, double... intervals) {
        StringBuilder on = new StringBuilder();
        for (int i = 0; i < intervals.length; i += 2) {
            on.append(on.length() == 0 ? "" : "+")
                    .append(String.format(Locale.ROOT, "between(t,%s,%s)", intervals[i], intervals[i + 1]));
        }
        String expr = String.format(Locale.ROOT, "if(%s,%s*sin(2*PI*300*t)*(0.6+0.4*sin(2*PI*4*t)),0)",
                on.length() == 0 ? "0" : on, amplitude);
        return generate(name, List.of("-f", "lavfi", "-i",
                String.format(Locale.ROOT, "aevalsrc=exprs='%s':s=16000:d=%s", expr, seconds)), audioCodecFor(name));
    }

    /** Digital silence. */
    Path silence(String name, double seconds) {
        return generate(name, List.of("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", Double.toString(seconds)),
                audioCodecFor(name));
    }

    /** A tiny {@code testsrc2} video (160x120, 10 fps), with a tone when {@code withAudio}. */
    Path video(String name, double seconds, boolean withAudio, String videoCodec, String audioCodec) {
        List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i",
                String.format(Locale.ROOT, "testsrc2=size=160x120:rate=10:duration=%s", seconds)));
        if (withAudio) {
            args.addAll(List.of("-f", "lavfi", "-i",
                    String.format(Locale.ROOT, "sine=frequency=440:sample_rate=48000:duration=%s", seconds)));
        }
        List<String> codecs = new ArrayList<>(List.of("-c:v", videoCodec, "-pix_fmt", "yuv420p"));
        if ("libx264".equals(videoCodec)) {
            codecs.addAll(List.of("-preset", "ultrafast"));
        }
        if (withAudio) {
            codecs.addAll(List.of("-c:a", audioCodec));
        }
        return generate(name, args, codecs);
    }

    /** A zero-length file. */
    Path empty(String name) {
        return write(name, new byte[0]);
    }

    /** Random bytes. */
    Path randomBytes(String name, int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return write(name, bytes);
    }

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path generate(String name, List<String> inputs, List<String> codecs) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("-y"));
        args.addAll(inputs);
        args.addAll(codecs);
        args.add(out.toString());
        FFMPEG.run(args);
        return out;
    }

    private static List<String> audioCodecFor(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "mp3" -> List.of("-c:a", "libmp3lame", "-b:a", "64k");
            case "m4a" -> List.of("-c:a", "aac", "-b:a", "64k");
            case "flac" -> List.of("-c:a", "flac");
            case "ogg" -> List.of("-c:a", "libvorbis");
            default -> List.of("-c:a", "pcm_s16le");
        };
    }
}

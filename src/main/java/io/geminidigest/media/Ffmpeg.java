package io.geminidigest.media;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import ws.schild.jave.process.ffmpeg.DefaultFFMPEGLocator;

/**
 * Runs the static ffmpeg binary that JAVE ships ({@code jave-nativebin-linux64}).
 *
 * <p><b>Why {@link ProcessBuilder} and not JAVE's {@code Encoder}:</b> the {@code Encoder} only builds the
 * arguments it models (codec, bit rate, sampling rate, size, offset/duration). What this package needs is outside
 * that model: audio filters whose output is parsed from stderr ({@code silencedetect} with {@code -f null -}),
 * stream copy ({@code -c copy}) when the codecs already suit Gemini, explicit stream maps ({@code -map 0:a:0?}) so
 * that subtitle or data tracks do not break the MP4 muxer, and {@code -movflags +faststart}. Running the binary
 * directly with a list of arguments keeps every argument explicit and testable, and since no shell is involved a
 * file name can never be interpreted as shell syntax. JAVE is still used to <em>locate</em> (unpack) the binary and
 * for probing ({@link MediaProbe}).
 *
 * <p>Every run gets {@code -nostdin -hide_banner -nostats}; stdout is discarded; stderr is read on a separate
 * thread (so a chatty ffmpeg never blocks on a full pipe) and kept. A non-zero exit throws
 * {@link MediaException} ({@link MediaException.Kind#CONVERSION_FAILED} by default) carrying the last stderr lines;
 * a run longer than the timeout is killed and throws {@link MediaException.Kind#TIMEOUT}.
 *
 * <p>Thread-safe: the instance is immutable and every run is its own process.
 */
public final class Ffmpeg {

    /** Default time limit of one run. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** How many stderr lines a failure message carries. */
    static final int ERROR_TAIL_LINES = 8;
    /** Upper bound of kept stderr lines (a pathological input could print millions of warnings). */
    static final int MAX_KEPT_LINES = 200_000;

    private final String executable;
    private final Duration timeout;

    /** The bundled binary, with {@link #DEFAULT_TIMEOUT}. */
    public Ffmpeg() {
        this(bundledExecutable(), DEFAULT_TIMEOUT);
    }

    /**
     * @param executable path of an ffmpeg binary
     * @param timeout    time limit of one run
     */
    public Ffmpeg(String executable, Duration timeout) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** The same binary with another time limit. */
    public Ffmpeg withTimeout(Duration newTimeout) {
        return new Ffmpeg(executable, newTimeout);
    }

    /** Path of the binary JAVE unpacks for this platform (cached after the first call). */
    public static String bundledExecutable() {
        return BundledBinary.PATH;
    }

    /** Path of the binary this instance runs. */
    public String executable() {
        return executable;
    }

    /** Time limit of one run. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Runs ffmpeg with {@code arguments} (without the program name); a failure is reported as
     * {@link MediaException.Kind#CONVERSION_FAILED}.
     *
     * @return the finished run (exit code 0) and its stderr
     */
    public Result run(List<String> arguments) {
        return run(arguments, MediaException.Kind.CONVERSION_FAILED);
    }

    /**
     * Runs ffmpeg with {@code arguments}; a non-zero exit is reported as {@code failureKind}.
     *
     * @return the finished run (exit code 0) and its stderr
     * @throws MediaException {@code failureKind} on a non-zero exit, {@link MediaException.Kind#TIMEOUT} when the
     *                        time limit passed
     */
    public Result run(List<String> arguments, MediaException.Kind failureKind) {
        List<String> command = new ArrayList<>(arguments.size() + 4);
        command.add(executable);
        command.add("-nostdin");
        command.add("-hide_banner");
        command.add("-nostats");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ffmpeg " + executable, e);
        }
        Deque<String> stderr = new ArrayDeque<>();
        Thread reader = new Thread(() -> drain(process, stderr), "ffmpeg-stderr-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new MediaException(MediaException.Kind.TIMEOUT,
                        "ffmpeg did not finish within " + timeout + ": " + describe(arguments));
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Kind.TIMEOUT, "interrupted while running ffmpeg", e);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException(e);
        }
        List<String> lines;
        synchronized (stderr) {
            lines = new ArrayList<>(stderr);
        }
        Result result = new Result(process.exitValue(), lines);
        if (result.exitCode() != 0) {
            throw new MediaException(failureKind, "ffmpeg failed (exit " + result.exitCode() + ") on "
                    + describe(arguments) + ": " + result.tail(ERROR_TAIL_LINES));
        }
        return result;
    }

    private static void drain(Process process, Deque<String> sink) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (sink) {
                    if (sink.size() >= MAX_KEPT_LINES) {
                        sink.removeFirst();
                    }
                    sink.addLast(line);
                }
            }
        } catch (IOException ignored) {
            // the process was killed; what was read so far is kept
        }
    }

    /** The input file(s) of a command line, for messages. */
    private static String describe(List<String> arguments) {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i + 1 < arguments.size(); i++) {
            if ("-i".equals(arguments.get(i))) {
                inputs.add(arguments.get(i + 1));
            }
        }
        return inputs.isEmpty() ? String.join(" ", arguments) : String.join(", ", inputs);
    }

    /**
     * A finished ffmpeg run.
     *
     * @param exitCode the process exit code
     * @param stderr   everything ffmpeg printed on stderr, line by line
     */
    public record Result(int exitCode, List<String> stderr) {

        public Result {
            stderr = List.copyOf(stderr);
        }

        /** The last {@code n} stderr lines, joined with " | ". */
        public String tail(int n) {
            List<String> last = stderr.subList(Math.max(0, stderr.size() - n), stderr.size());
            return last.isEmpty() ? "(no output)" : String.join(" | ", last).strip();
        }
    }

    /** Lazy holder: JAVE copies the binary out of its jar on first use. */
    private static final class BundledBinary {
        static final String PATH = new DefaultFFMPEGLocator().getExecutablePath();
    }
}

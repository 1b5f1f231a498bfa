package io.geminidigest.media;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds speech and silences in a recording with ffmpeg's {@code silencedetect} filter
 * ({@code ffmpeg -i in -map 0:a:0 -af silencedetect=noise=-35dB:d=0.5 -f null -}).
 *
 * <p>The filter prints {@code silence_start: S} once a silence has lasted the minimum duration and
 * {@code silence_end: E | silence_duration: D} when sound returns; a recording that ends in silence may end
 * without a {@code silence_end}, or with one printed after ffmpeg's final report at the end of the decoded audio;
 * both are taken as "silent until the (probed) end". Speech is the complement of the
 * silences; speech regions shorter than {@code minSpeechMillis} (clicks, breaths) are dropped.
 *
 * <p>Thread-safe.
 */
public final class SpeechDetector {

    /** Default noise threshold: quieter than this counts as silence. */
    public static final double DEFAULT_NOISE_DB = -35;
    /** Default minimum duration of a silence. */
    public static final double DEFAULT_MIN_SILENCE_SECONDS = 0.5;
    /** Default minimum duration of a speech region. */
    public static final long DEFAULT_MIN_SPEECH_MILLIS = 100;

    /**
     * A silence ending this close to the probed duration runs to the end: the probe's duration of lossy files
     * (MP3 padding, estimated durations) can exceed the decoded audio by tens of milliseconds.
     */
    static final long END_TOLERANCE_MILLIS = 150;

    private static final Pattern START = Pattern.compile("silence_start:\\s*(-?[0-9.]+(?:e-?[0-9]+)?)");
    private static final Pattern END = Pattern.compile("silence_end:\\s*(-?[0-9.]+(?:e-?[0-9]+)?)");

    private final Ffmpeg ffmpeg;
    private final MediaProbe probe;
    private final double noiseDb;
    private final double minSilenceSeconds;
    private final long minSpeechMillis;

    /** With the default thresholds. */
    public SpeechDetector(Ffmpeg ffmpeg, MediaProbe probe) {
        this(ffmpeg, probe, DEFAULT_NOISE_DB, DEFAULT_MIN_SILENCE_SECONDS, DEFAULT_MIN_SPEECH_MILLIS);
    }

    /**
     * @param noiseDb           level (dBFS, negative) below which audio counts as silence
     * @param minSilenceSeconds shortest pause reported as a silence
     * @param minSpeechMillis   shortest sound kept as speech
     */
    public SpeechDetector(Ffmpeg ffmpeg, MediaProbe probe, double noiseDb, double minSilenceSeconds,
                          long minSpeechMillis) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.probe = Objects.requireNonNull(probe, "probe");
        if (!(noiseDb < 0) || !(minSilenceSeconds > 0) || minSpeechMillis < 0) {
            throw new IllegalArgumentException("need noiseDb < 0, minSilenceSeconds > 0, minSpeechMillis >= 0");
        }
        this.noiseDb = noiseDb;
        this.minSilenceSeconds = minSilenceSeconds;
        this.minSpeechMillis = minSpeechMillis;
    }

    /** Probes {@code file}, then {@link #detect(Path, MediaInfo)}. */
    public SpeechMap detect(Path file) {
        return detect(file, probe.probe(file));
    }

    /**
     * Speech and silences of {@code file}'s first audio stream.
     *
     * @param info {@code file}'s probe result (for the duration)
     * @throws MediaException {@link MediaException.Kind#NO_AUDIO} when there is no audio stream
     */
    public SpeechMap detect(Path file, MediaInfo info) {
        if (!info.hasAudio()) {
            throw new MediaException(MediaException.Kind.NO_AUDIO, file.getFileName() + " has no audio stream");
        }
        String filter = String.format(Locale.ROOT, "silencedetect=noise=%sdB:d=%s", noiseDb, minSilenceSeconds);
        Ffmpeg.Result result = ffmpeg.run(List.of("-i", file.toString(), "-map", "0:a:0", "-vn", "-sn", "-dn",
                "-af", filter, "-f", "null", "-"), MediaException.Kind.CORRUPT);
        return parse(result.stderr(), info.durationMillis(), minSpeechMillis);
    }

    /**
     * Builds the map from {@code silencedetect} output lines.
     *
     * @param lines           ffmpeg's stderr
     * @param durationMillis  duration of the recording
     * @param minSpeechMillis shortest sound kept as speech
     */
    static SpeechMap parse(List<String> lines, long durationMillis, long minSpeechMillis) {
        List<Region> silences = new ArrayList<>();
        Long open = null;
        boolean finished = false;
        for (String line : lines) {
            if (line.startsWith("size=") || line.startsWith("video:")) {
                finished = true; // ffmpeg's final report: a silence_end after it is the end of the input
            }
            Matcher start = START.matcher(line);
            if (start.find()) {
                open = clamp(toMillis(start.group(1)), durationMillis);
                continue;
            }
            Matcher end = END.matcher(line);
            if (end.find() && open != null) {
                long endMs = clamp(toMillis(end.group(1)), durationMillis);
                addSilence(silences, open, finished || durationMillis - endMs <= END_TOLERANCE_MILLIS
                        ? durationMillis : endMs);
                open = null;
            }
        }
        if (open != null) {
            addSilence(silences, open, durationMillis);
        }
        return new SpeechMap(durationMillis, complement(silences, durationMillis, minSpeechMillis), silences);
    }

    private static void addSilence(List<Region> silences, long start, long end) {
        if (end <= start) {
            return;
        }
        if (!silences.isEmpty() && start <= silences.get(silences.size() - 1).endMs()) {
            Region last = silences.remove(silences.size() - 1);
            silences.add(new Region(last.startMs(), Math.max(last.endMs(), end)));
        } else {
            silences.add(new Region(start, end));
        }
    }

    private static List<Region> complement(List<Region> silences, long duration, long minSpeechMillis) {
        List<Region> speech = new ArrayList<>();
        long cursor = 0;
        for (Region s : silences) {
            addSpeech(speech, cursor, s.startMs(), minSpeechMillis);
            cursor = s.endMs();
        }
        addSpeech(speech, cursor, duration, minSpeechMillis);
        return speech;
    }

    private static void addSpeech(List<Region> speech, long start, long end, long minSpeechMillis) {
        if (end - start >= Math.max(1, minSpeechMillis)) {
            speech.add(new Region(start, end));
        }
    }

    private static long toMillis(String seconds) {
        return Math.round(Double.parseDouble(seconds) * 1000);
    }

    private static long clamp(long millis, long duration) {
        return Math.max(0, Math.min(millis, duration));
    }
}

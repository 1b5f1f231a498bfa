package io.geminidigest.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.media.Ffmpeg;
import io.geminidigest.media.MediaConverter;
import io.geminidigest.media.MediaInfo;
import io.geminidigest.media.MediaProbe;
import io.geminidigest.media.Segment;
import io.geminidigest.media.SegmentPlanner;
import io.geminidigest.media.SpeechDetector;
import io.geminidigest.media.SpeechMap;
import io.geminidigest.testing.Answer;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.GenerateCall;
import io.geminidigest.testing.MediaPart;
import io.geminidigest.testing.RecordedRequest;

/**
 * A 3-hour recording transcribed against a fake limited to 60 requests and 32,000 tokens per (time-scaled) minute.
 *
 * <ol>
 *   <li><b>Recording</b> (cached in {@code bench/out/}): seeded speech-like pattern, written as 16 kHz mono 16-bit
 *       PCM WAV in Java and encoded to FLAC with the bundled ffmpeg: bursts of "voice" (a 110–260 Hz tone with two
 *       harmonics, a 4 Hz syllable rhythm and 20 ms fades) of 2–8 s, pauses of 0.3–1.5 s, and now and then (2% of the
 *       pauses) a long silence of 6–40 s; a noise floor at about -60 dBFS everywhere (a real room is never digitally
 *       silent, and it keeps the FLAC segments at a realistic size).</li>
 *   <li><b>Local processing</b>, in this JVM: {@link SpeechDetector#detect} on the file before the run; after it,
 *       the segment plan ({@link SegmentPlanner}, shipped settings, with the budget the application reports in its
 *       sidecar, {@code media.budgetTokens}) and {@link MediaConverter#cut} of the first and of the last planned
 *       segment (the recording is FLAC: the cut seeks directly).</li>
 *   <li><b>The run</b>: the application ({@code --once}) in a fresh {@code java -Xmx512m} (peak heap from the memory
 *       MXBeans, as in {@link PipelineBench}) against a {@link FakeGemini} in this JVM with
 *       {@code limits(60, 32000, 0)} and the time scale; the application configured to the same limits and scale,
 *       everything else shipped (segments up to 4 MiB inline, larger ones uploaded). The fake reads each audio
 *       part's duration from its own FLAC header ({@link FakeGemini#mediaDurationsFromContent()}), inline or
 *       uploaded, and charges 32 tokens per second of it, as Gemini does; a part without a stated duration would be
 *       refused, so nothing is charged a guess. The responder answers transcription requests with a JSON transcript
 *       (its length from the prompt) and the summary calls with text.</li>
 * </ol>
 * Usage: {@code MediaBench [scale] [key=value ...]} (default scale 0.1: a "minute" of 6 s).
 * {@code MediaBench --child <baseUrl> <dir> <scale> [key=value ...]} is the application's JVM.
 */
public final class MediaBench {

    static final int RPM = 60;
    static final int TPM = 32_000;
    static final double DEFAULT_SCALE = 0.1;
    static final int SAMPLE_RATE = 16_000;
    static final long DURATION_MS = 3 * 3_600_000L;
    static final long SEED = 20_261_126L;
    static final String NAME = "talk-3h.flac";
    static final String CHILD_LINE = "BENCH-MEDIA ";
    static final String CHILD_HEAP = "512m";

    private static final Pattern LENGTH = Pattern.compile("The audio is (\\d+):(\\d+)\\.(\\d+)");

    private MediaBench() {
    }

    /** A speech burst (ms). */
    record Burst(long startMs, long endMs, double f0) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        double scale = DEFAULT_SCALE;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String a : args) {
            if (a.contains("=")) {
                overrides.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                scale = Double.parseDouble(a);
            }
        }
        Path outDir = Path.of(System.getProperty("bench.out", "bench/out"));
        Files.createDirectories(outDir);
        BenchReport report = new BenchReport(args.length == 0 ? "media"
                : "media-" + String.join("_", args).replaceAll("[^A-Za-z0-9._-]", "-"));

        List<Burst> bursts = schedule();
        Path recording = outDir.resolve(NAME);
        if (!Files.exists(recording)) {
            long t0 = System.nanoTime();
            write(bursts, recording);
            System.out.printf(Locale.ROOT, "recording written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        long speechTruth = bursts.stream().mapToLong(b -> b.endMs() - b.startMs()).sum();
        long longSilenceTruth = 0;
        long previous = 0;
        for (Burst b : bursts) {
            longSilenceTruth += b.startMs() - previous > 5_000 ? b.startMs() - previous : 0;
            previous = b.endMs();
        }
        longSilenceTruth += DURATION_MS - previous > 5_000 ? DURATION_MS - previous : 0;
        String s = "recording";
        report.figure(s, "file", NAME, String.format(Locale.ROOT, "%.1f MB FLAC 16 kHz mono, cached in %s",
                Files.size(recording) / 1e6, outDir))
                .figure(s, "duration", BenchReport.round(DURATION_MS / 3_600_000.0), "h")
                .figure(s, "speech bursts", bursts.size(), "2-8 s, pauses 0.3-1.5 s")
                .figure(s, "speech (generated)", BenchReport.round(speechTruth / 60_000.0), "min")
                .figure(s, "long silences > 5 s (generated)", BenchReport.round(longSilenceTruth / 60_000.0), "min");

        // ---- local processing in this JVM: detection, plan, two cuts
        Ffmpeg ffmpeg = new Ffmpeg().withTimeout(Duration.ofMinutes(30));
        MediaProbe probe = new MediaProbe();
        long t0 = System.nanoTime();
        MediaInfo info = probe.probe(recording);
        SpeechMap speech = new SpeechDetector(ffmpeg, probe, -35, 0.5, 100).detect(recording, info);
        double detectSeconds = (System.nanoTime() - t0) / 1e9;
        double hours = DURATION_MS / 3_600_000.0;
        s = "local processing (this JVM)";
        report.figure(s, "speech detection (probe + silencedetect)", BenchReport.round(detectSeconds), String.format(
                Locale.ROOT, "s = %.1f s per hour of media", detectSeconds / hours))
                .figure(s, "speech detected", BenchReport.round(speech.speechMillis() / 60_000.0), "min");

        // ---- the run
        List<MediaPart> audioParts = new CopyOnWriteArrayList<>();
        FakeGemini.Config config = FakeGemini.Config.defaults().withTimeScale(scale);
        JsonNode sidecar;
        try (FakeGemini fake = FakeGemini.start(config).limits(RPM, TPM, 0)) {
            // every audio part is charged the duration its own FLAC header states (inline or uploaded)
            fake.mediaDurationsFromContent();
            fake.respondWith(call -> {
                audioParts.addAll(call.mediaParts("AUDIO"));
                return answer(call);
            });
            Path dir = outDir.resolve("media-run");
            deleteTree(dir);
            Files.createDirectories(dir.resolve("in"));
            try {
                Files.createLink(dir.resolve("in").resolve(NAME), recording);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(recording, dir.resolve("in").resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
            }
            JsonNode child = runChild(fake.baseUrl(), dir, scale, overrides);
            sidecar = analyse(report, fake, child, dir, audioParts, scale, hours, detectSeconds, overrides);
        }

        // ---- the plan and two cuts, in this JVM, with the budget the application used
        int budget = sidecar.path("media").path("budgetTokens").asInt();
        List<Segment> plan = new SegmentPlanner(SegmentPlanner.Settings.defaults(budget, 32_768)).plan(speech);
        long sentMs = plan.stream().mapToLong(Segment::durationMs).sum();
        Path work = Files.createTempDirectory("bench-media-cut");
        double[] firstCutAndBytes = timeCut(ffmpeg, recording, plan.get(0), work);
        double lastCut = timeCut(ffmpeg, recording, plan.get(plan.size() - 1), work)[0];
        deleteTree(work);
        s = "local processing (this JVM)";
        report.figure(s, "planned segments", plan.size(), "budget " + budget + " tokens (sidecar), max 10 min")
                .figure(s, "sent duration (planned)", BenchReport.round(sentMs / 60_000.0), String.format(Locale.ROOT,
                        "min, %.1f%% of the recording", 100.0 * sentMs / DURATION_MS))
                .figure(s, "cut of the first segment", BenchReport.round(firstCutAndBytes[0]), "s (FLAC encode, "
                        + String.format(Locale.ROOT, "%.1f MB)", firstCutAndBytes[1] / 1e6))
                .figure(s, "cut of the last segment", BenchReport.round(lastCut), "s (seeks directly in the FLAC)")
                .figure(s, "load average at the end", loadAverage(), "1, 5, 15 min (other builds share the cores)")
                .detail(s, "plan", plan.stream().map(x -> x.startMs() + "-" + x.endMs()).toList());
        report.write();
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------------------ recording

    /** The seeded speech pattern: bursts 2-8 s, pauses 0.3-1.5 s, 2% of the pauses a long silence of 6-40 s. */
    static List<Burst> schedule() {
        Random random = new Random(SEED);
        List<Burst> bursts = new ArrayList<>();
        long t = 1_000 + random.nextInt(2_000);
        while (true) {
            long length = 2_000 + random.nextInt(6_001);
            if (t + length > DURATION_MS - 1_000) {
                break;
            }
            bursts.add(new Burst(t, t + length, 110 + 150 * random.nextDouble()));
            t += length;
            t += random.nextDouble() < 0.02 ? 6_000 + random.nextInt(34_001) : 300 + random.nextInt(1_201);
        }
        return bursts;
    }

    /** Writes the recording as WAV (PCM 16-bit, 16 kHz, mono), then encodes it to FLAC with ffmpeg. */
    static void write(List<Burst> bursts, Path flac) throws IOException {
        Path wav = flac.resolveSibling(flac.getFileName() + ".tmp.wav");
        long samples = DURATION_MS * SAMPLE_RATE / 1000;
        Random noise = new Random(SEED + 1);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(wav), 1 << 20)) {
            long dataBytes = samples * 2;
            out.write(header(dataBytes));
            byte[] buffer = new byte[SAMPLE_RATE * 2];
            int b = 0;
            for (long i = 0; i < samples;) {
                int n = 0;
                for (; n < SAMPLE_RATE && i < samples; n++, i++) {
                    double t = (double) i / SAMPLE_RATE;
                    long ms = i * 1000 / SAMPLE_RATE;
                    while (b < bursts.size() && bursts.get(b).endMs() <= ms) {
                        b++;
                    }
                    double v = noise.nextGaussian() * 0.001;
                    if (b < bursts.size() && bursts.get(b).startMs() <= ms) {
                        Burst burst = bursts.get(b);
                        double fromStart = t - burst.startMs() / 1000.0;
                        double toEnd = burst.endMs() / 1000.0 - t;
                        double fade = Math.min(1, Math.min(fromStart, toEnd) / 0.02);
                        double syllables = 0.6 + 0.4 * Math.abs(Math.sin(2 * Math.PI * 2 * fromStart));
                        double w = 2 * Math.PI * burst.f0() * t;
                        v += 0.3 * fade * syllables * (Math.sin(w) + 0.5 * Math.sin(2 * w) + 0.25 * Math.sin(3 * w))
                                / 1.75;
                    }
                    int pcm = (int) Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
                    buffer[2 * n] = (byte) pcm;
                    buffer[2 * n + 1] = (byte) (pcm >> 8);
                }
                out.write(buffer, 0, 2 * n);
            }
        }
        Path tmp = flac.resolveSibling(flac.getFileName() + ".tmp.flac");
        new Ffmpeg().withTimeout(Duration.ofMinutes(30)).run(List.of("-y", "-i", wav.toString(), "-c:a", "flac",
                tmp.toString()));
        Files.move(tmp, flac, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(wav);
    }

    private static byte[] header(long dataBytes) {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt((int) (36 + dataBytes)).put("WAVE".getBytes());
        h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(SAMPLE_RATE)
                .putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16);
        h.put("data".getBytes()).putInt((int) dataBytes);
        return h.array();
    }

    /** Seconds of one {@link MediaConverter#cut}, and the size of its output. */
    private static double[] timeCut(Ffmpeg ffmpeg, Path recording, Segment segment, Path work) throws IOException {
        long t0 = System.nanoTime();
        Path out = new MediaConverter(ffmpeg).cut(recording, segment.startMs(), segment.endMs(), work);
        return new double[] { (System.nanoTime() - t0) / 1e9, Files.size(out) };
    }

    // ------------------------------------------------------------------------------------------------ responder

    /** A JSON transcript for a transcription request (its length from the prompt), text for the summary calls. */
    static Answer answer(GenerateCall call) {
        Matcher m = LENGTH.matcher(call.userText());
        if (!m.find()) {
            return Answer.text("Summary of the recording: a long conversation about the bank and the sister.");
        }
        long length = Long.parseLong(m.group(1)) * 60_000 + Long.parseLong(m.group(2)) * 1000
                + Long.parseLong(m.group(3));
        StringBuilder sb = new StringBuilder("{\"language\":\"en\",\"segments\":[");
        // one cue a minute: a realistic number of cues would only make the fake's answers longer
        for (long start = 0; start < length; start += 60_000) {
            long end = Math.min(length, start + 55_000);
            sb.append(start == 0 ? "" : ",").append("{\"start\":\"").append(time(start)).append("\",\"end\":\"")
                    .append(time(end)).append("\",\"speaker\":\"Speaker 1\",\"text\":\"Alice was beginning to get "
                            + "very tired of sitting by her sister on the bank.\"}");
        }
        return Answer.text(sb.append("]}").toString());
    }

    static String time(long ms) {
        return String.format(Locale.ROOT, "%02d:%02d.%03d", ms / 60_000, (ms / 1000) % 60, ms % 1000);
    }

    // ------------------------------------------------------------------------------------------------ analysis

    /** The load average (1, 5, 15 min) from /proc/loadavg, or "?" where there is none. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static JsonNode analyse(BenchReport report, FakeGemini fake, JsonNode child, Path dir,
            List<MediaPart> audioParts, double scale, double hours, double detectSeconds,
            Map<String, String> overrides) throws IOException {
        List<RecordedRequest> generate = fake.requests().stream().filter(RecordedRequest::isGenerate).toList();
        List<RecordedRequest> ok = generate.stream().filter(r -> r.status() == 200 && r.promptTokens() >= 0).toList();
        List<RecordedRequest> transcribe = ok.stream().filter(r -> r.userText() != null
                && LENGTH.matcher(r.userText()).find()).toList();
        long promptTokens = ok.stream().mapToLong(RecordedRequest::promptTokens).sum();
        long audioTokens = audioParts.stream().mapToLong(MediaPart::tokens).sum();
        long partsWithoutDuration = audioParts.stream().filter(p -> p.duration() == null).count();
        long uploadedParts = audioParts.stream().filter(MediaPart::isFile).count();
        long sentMs = audioParts.stream().filter(p -> p.duration() != null).mapToLong(p -> p.duration().toMillis())
                .sum();
        long minuteNanos = fake.minute().toNanos();
        Instant first = generate.get(0).at();
        Instant last = generate.get(generate.size() - 1).at();
        Instant lastTranscribe = transcribe.get(transcribe.size() - 1).at();
        double firstToLast = Duration.between(first, last).toNanos() / 1e9;
        double firstToLastTranscribe = Duration.between(first, lastTranscribe).toNanos() / 1e9;
        double minimumAudio = (double) audioTokens / TPM * minuteNanos / 1e9;
        double minimumAll = (double) promptTokens / TPM * minuteNanos / 1e9;
        long[] sizes = transcribe.stream().mapToLong(RecordedRequest::promptTokens).toArray();
        long largestAudio = audioParts.stream().mapToLong(MediaPart::tokens).max().orElse(0);
        List<RecordedRequest> counts = fake.requests().stream().filter(r -> r.path().endsWith(":countTokens"))
                .toList();

        List<JsonNode> sidecars = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".summary.json")).toList()) {
                sidecars.add(BenchApp.JSON.readTree(p.toFile()));
            }
        }
        JsonNode sidecar = sidecars.isEmpty() ? BenchApp.JSON.createObjectNode() : sidecars.get(0);
        JsonNode media = sidecar.path("media");
        long localMillis = media.path("localMillis").asLong(-1);
        double childSeconds = child.path("seconds").asDouble();
        int budget = media.path("budgetTokens").asInt();
        long uploadBytes = 0;
        long uploadMillis = 0;
        long processingMillis = 0;
        int resumes = 0;
        for (JsonNode u : media.path("uploadTimings")) {
            uploadBytes += u.path("bytes").asLong();
            uploadMillis += u.path("uploadMillis").asLong();
            processingMillis += u.path("processingMillis").asLong();
            resumes += u.path("resumes").asInt();
        }

        String s = String.format(Locale.ROOT, "run, scale %s (minute %d ms)", scale, fake.minute().toMillis());
        report.figure(s, "exit code", child.path("exit").asInt(), null)
                .figure(s, "recordings ok", child.path("ok").asInt(), "of 1, status "
                        + sidecar.path("status").asText())
                .figure(s, "segments (sidecar media.segments)", media.path("segments").asInt(), "planned "
                        + media.path("plannedSegments").asInt() + ", split over the budget "
                        + media.path("segmentsSplitOverBudget").asInt() + ", split at MAX_TOKENS "
                        + media.path("segmentsSplitAtOutputLimit").asInt())
                .figure(s, "countTokens calls", counts.size(), "sidecar countTokensCalls "
                        + media.path("countTokensCalls").asInt() + "; segments whose estimate is >= 90% of the budget")
                .figure(s, "transcription calls ok", transcribe.size(), uploadedParts + " by upload, "
                        + (audioParts.size() - uploadedParts) + " inline; " + partsWithoutDuration
                        + " parts without a duration")
                .figure(s, "uploads (sidecar)", media.path("uploads").size(), "deleted: " + fake.deletedFiles().size()
                        + ", left: " + fake.files().size())
                .figure(s, "upload time (sidecar uploadTimings)", uploadMillis, String.format(Locale.ROOT,
                        "ms for %.1f MB; waiting for ACTIVE %d ms; resumes %d", uploadBytes / 1e6, processingMillis,
                        resumes))
                .figure(s, "sent duration", BenchReport.round(sentMs / 60_000.0), String.format(Locale.ROOT,
                        "min of %.0f (%.1f%%), long silences not sent", DURATION_MS / 60_000.0,
                        100.0 * sentMs / DURATION_MS))
                .figure(s, "audio tokens (fake's count)", audioTokens, "32 tokens/s of sent audio")
                .figure(s, "audio tokens (sent, sidecar)", (long) Math.ceil(media.path("alignment").path("sentMillis")
                        .asLong() * 32 / 1000.0), "32 x seconds of the segments sent (media.alignment.sentMillis)")
                .figure(s, "audio tokens (sidecar)", media.path("promptTokensByModality").path("AUDIO").asLong(),
                        "media.promptTokensByModality.AUDIO")
                .figure(s, "prompt tokens, all calls ok", promptTokens, ok.size() + " calls: transcription + summary")
                .figure(s, "chunk budget (sidecar media.budgetTokens)", budget, "tokens of media per request")
                .figure(s, "largest audio part", largestAudio, "tokens (fake's count); must be <= the budget: "
                        + (largestAudio <= budget ? "yes" : "NO"))
                .figure(s, "largest request", fake.maxPromptTokensSeen(), "tokens (fake's count, audio + prompt)")
                .figure(s, "transcription request size median", BenchReport.quantile(sizes, 0.5), "tokens")
                .figure(s, "theoretical minimum, audio tokens", BenchReport.round(minimumAudio),
                        "s = audio tokens / " + TPM + " x minute")
                .figure(s, "theoretical minimum, all prompt tokens", BenchReport.round(minimumAll), "s")
                .figure(s, "wall, first to last transcription call", BenchReport.round(firstToLastTranscribe), "s")
                .figure(s, "wall, first request to last answer", BenchReport.round(firstToLast), "s")
                .figure(s, "ratio wall / minimum (audio)", BenchReport.round(firstToLastTranscribe / minimumAudio),
                        "first to last transcription call")
                .figure(s, "ratio wall / minimum (all)", BenchReport.round(firstToLast / minimumAll),
                        "first request to last answer")
                .figure(s, "wall, whole run", BenchReport.round(childSeconds), "s, start-up to exit (child JVM)")
                .figure(s, "429 answers", fake.countStatus(429), "target 0")
                .figure(s, "local: conversion + cutting + alignment (sidecar localMillis)", localMillis, String.format(
                        Locale.ROOT, "ms = %.1f s per hour of media", localMillis / 1000.0 / hours))
                .figure(s, "local: detection + cutting + alignment", BenchReport.round(detectSeconds
                        + localMillis / 1000.0), String.format(Locale.ROOT, "s = %.1f s per hour (detection "
                                + "measured in this JVM)", (detectSeconds + localMillis / 1000.0) / hours))
                .figure(s, "peak heap (sum of pool peaks)", BenchReport.round(child.path("peakHeapSumBytes").asLong()
                        / 1e6), "MB, -Xmx" + CHILD_HEAP + ", " + child.path("gc").asText())
                .figure(s, "peak old generation", BenchReport.round(child.path("peakOldBytes").asLong() / 1e6), "MB")
                .figure(s, "heap used after full GC at the end", BenchReport.round(child.path("usedAfterGcBytes")
                        .asLong() / 1e6), "MB")
                .detail(s, "settings overridden", overrides)
                .detail(s, "transcription request sizes", sizes)
                .detail(s, "transcription call times (s from the first request)", transcribe.stream().map(r ->
                        BenchReport.round(Duration.between(first, r.at()).toNanos() / 1e9)).toList())
                .detail(s, "status counts", fake.statusCounts())
                .detail(s, "sidecar media", media)
                .detail(s, "sidecar timings", sidecar.path("timings"))
                .detail(s, "pools", child.path("pools"));
        return sidecar;
    }

    // ------------------------------------------------------------------------------------------------ child JVM

    private static JsonNode runChild(String baseUrl, Path dir, double scale, Map<String, String> overrides)
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + CHILD_HEAP, "-cp",
                System.getProperty("java.class.path"), MediaBench.class.getName(), "--child", baseUrl, dir.toString(),
                Double.toString(scale)));
        overrides.forEach((k, v) -> command.add(k + "=" + v));
        System.out.println("running the application in a child JVM (log: " + log + ")");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        List<String> lines = Files.readAllLines(log);
        String line = lines.stream().filter(l -> l.startsWith(CHILD_LINE)).findFirst().orElseThrow(
                () -> new IllegalStateException("child exited with " + exit + " without figures:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()))));
        return BenchApp.JSON.readTree(line.substring(CHILD_LINE.length()));
    }

    /** In the child JVM: the application once on {@code dir/in} against the fake, then the heap figures. */
    private static void child(String[] args) throws Exception {
        String baseUrl = args[1];
        Path dir = Path.of(args[2]);
        String scale = args[3];
        BenchApp app = new BenchApp(dir).against(baseUrl, FakeGemini.KEY)
                .set("ratelimit.preset", "tier1")
                .set("ratelimit.time-scale", scale)
                .set("ratelimit.requests-per-minute", Integer.toString(RPM))
                .set("ratelimit.tokens-per-minute", Integer.toString(TPM))
                .set("ratelimit.requests-per-day", "0")
                .set("gemini.retry.initial-delay-ms", "10")
                .set("gemini.retry.max-delay-ms", "200")
                .set("http.enabled", "false")
                .set("messaging.enabled", "false");
        for (int i = 4; i < args.length; i++) {
            app.set(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        long t0 = System.nanoTime();
        int exit = app.once(1800);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long sum = 0;
        long old = 0;
        Map<String, Long> pools = new LinkedHashMap<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                long peak = pool.getPeakUsage().getUsed();
                pools.put(pool.getName(), peak);
                sum += peak;
                if (pool.getName().contains("Old") || pool.getName().contains("Tenured")) {
                    old += peak;
                }
            }
        }
        System.gc();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("exit", exit);
        figures.put("ok", app.tracker().okCount());
        figures.put("seconds", seconds);
        figures.put("peakHeapSumBytes", sum);
        figures.put("peakOldBytes", old);
        figures.put("usedAfterGcBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        figures.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName())
                .collect(Collectors.joining(" + ")));
        figures.put("pools", pools);
        System.out.println(CHILD_LINE + BenchApp.JSON.writeValueAsString(figures));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

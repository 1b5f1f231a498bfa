package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.media.Ffmpeg;
import io.geminidigest.testing.Answer;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.GenerateCall;
import io.geminidigest.testing.RecordedRequest;
import io.geminidigest.transcript.SubtitleFiles;

/**
 * Audio and video end to end: real recordings generated with ffmpeg (tone bursts where the speech is, digital silence
 * between), transcribed through the fake Gemini, whose cue times are wrong the way the real model's are.
 */
class TranscriptionTest {

    /** Bursts of "speech" (ms): two close ones, then a long silence (not sent), then a last one. */
    static final long[][] SPEECH = { { 500, 3500 }, { 5000, 9000 }, { 16000, 19000 } };
    static final long DURATION = 20_000;

    private static final Pattern LENGTH = Pattern.compile("The audio is (\\d+):(\\d+)\\.(\\d+)");

    FakeGemini fake;

    @TempDir
    Path root;

    @BeforeEach
    void start() {
        fake = FakeGemini.start();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    /** Writes a recording with tone where {@link #SPEECH} says and silence elsewhere; returns its path. */
    static Path recording(Path dir, String name, String... extraOutputArgs) {
        StringBuilder on = new StringBuilder();
        for (long[] s : SPEECH) {
            on.append(on.isEmpty() ? "" : "+").append(String.format(java.util.Locale.ROOT, "between(t\\,%.3f\\,%.3f)",
                    s[0] / 1000.0, s[1] / 1000.0));
        }
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("-y", "-f", "lavfi", "-i",
                "aevalsrc=0.5*sin(2*PI*440*t)*(" + on + "):s=16000:d=" + DURATION / 1000.0));
        args.addAll(List.of(extraOutputArgs));
        args.add(out.toString());
        new Ffmpeg().run(args);
        return out;
    }

    /** Audio length the prompt states, in ms. */
    static long promptedLength(GenerateCall call) {
        Matcher m = LENGTH.matcher(call.userText());
        if (!m.find()) {
            return -1;
        }
        return Long.parseLong(m.group(1)) * 60_000 + Long.parseLong(m.group(2)) * 1000 + Long.parseLong(m.group(3));
    }

    /** A transcript whose times run 15% slow and start early: wrong the way the model's are. */
    static Answer driftingTranscript(GenerateCall call) {
        long length = promptedLength(call);
        if (length < 0) {
            return Answer.text("Summary of the recording: a speaker says three things.");
        }
        double end = Math.min(length * 1.15, length + 2000) / 1000.0;
        return Answer.text("{\"language\":\"en\",\"segments\":[{\"start\":\"00:00.000\",\"end\":\""
                + seconds(end) + "\",\"speaker\":\"Speaker 1\",\"text\":\"Alice was beginning to get very tired of "
                + "sitting by her sister on the bank.\"}]}");
    }

    static String seconds(double s) {
        long ms = Math.round(s * 1000);
        return String.format(java.util.Locale.ROOT, "%02d:%02d.%03d", ms / 60_000, (ms / 1000) % 60, ms % 1000);
    }

    @Test
    void aRecordingBecomesTranscriptSubtitlesAndSummaryOnItsOwnTimeline() throws Exception {
        fake.respondWith(TranscriptionTest::driftingTranscript);
        DigestRun run = new DigestRun(root).against(fake);
        recording(run.in, "talk.mp3", "-c:a", "libmp3lame", "-b:a", "48k");

        assertThat(run.once()).isEqualTo(0);

        for (String suffix : List.of(".transcript.md", ".srt", ".vtt", ".transcript.json", ".summary.md",
                ".summary.json")) {
            assertThat(run.output("talk.mp3" + suffix)).as(suffix).exists();
        }
        var srt = SubtitleFiles.parseSrt(Files.readString(run.output("talk.mp3.srt")));
        var vtt = SubtitleFiles.parseVtt(Files.readString(run.output("talk.mp3.vtt")));
        assertThat(srt).isNotEmpty();
        assertThat(vtt).hasSameSizeAs(srt);
        long lastEnd = 0;
        for (var cue : srt) {
            assertThat(cue.startMs()).isGreaterThanOrEqualTo(lastEnd);
            assertThat(cue.endMs()).isLessThanOrEqualTo(DURATION);
            // no cue in the long silence between 9 s and 16 s
            assertThat(cue.startMs() >= 9_500 && cue.startMs() < 15_500).as("cue at " + cue.startMs()).isFalse();
            lastEnd = cue.endMs();
        }
        // the model's drifted end (15% late) was brought back onto the speech, within half a second
        assertThat(srt.get(srt.size() - 1).endMs()).isBetween(SPEECH[2][1] - 500, SPEECH[2][1] + 500);
        assertThat(srt.get(0).startMs()).isBetween(SPEECH[0][0] - 500, SPEECH[0][0] + 500);

        JsonNode sidecar = run.json("talk.mp3.summary.json");
        assertThat(sidecar.path("media").path("kind").asText()).isEqualTo("audio");
        JsonNode alignment = sidecar.path("media").path("alignment");
        assertThat(alignment.path("cues").asInt()).isPositive();
        assertThat(alignment.path("largestCorrectionMillis").asLong()).isPositive();
        assertThat(alignment.path("shareOfCueTimeOnSpeech").asDouble()).isGreaterThan(0.8);
        assertThat(alignment.path("sentMillis").asLong()).isLessThan(DURATION - 5_000);
        assertThat(sidecar.path("media").path("durationMillis").asLong()).isBetween(19_500L, 20_500L);
        // the long silence split the recording: two requests, and the silence was never sent
        assertThat(sidecar.path("media").path("segments").asInt()).isEqualTo(2);
        long transcribeCalls = fake.requests().stream().filter(r -> r.isGenerate()
                && r.userText().contains("Transcribe")).count();
        assertThat(transcribeCalls).isEqualTo(2);
        assertThat(Files.readString(run.output("talk.mp3.summary.md"))).contains("Summary of the recording");
        assertThat(Files.readString(run.output("talk.mp3.transcript.md"))).contains("Alice was beginning");
        // structured output was asked for, with a schema
        assertThat(fake.requests().stream().filter(r -> r.isGenerate() && r.userText().contains("Transcribe"))
                .allMatch(r -> r.body().path("generationConfig").has("responseSchema"))).isTrue();
        // audio is counted per second whatever the media resolution: none is sent with it (nor with text)
        assertThat(fake.requests().stream().filter(RecordedRequest::isGenerate))
                .noneMatch(r -> r.body().path("generationConfig").has("mediaResolution"));
        assertThat(run.in.resolve(".done/talk.mp3")).exists();
    }

    @Test
    void aSegmentCutOffAtTheOutputLimitIsSplitAndRedoneNeverWrittenTruncated() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        fake.respondWith(call -> {
            if (promptedLength(call) > 3000 && calls.getAndIncrement() == 0) {
                return Answer.text("{\"segments\":[{\"start\":\"00:00.000\",\"end\":\"00:01.0")
                        .withFinishReason("MAX_TOKENS");
            }
            return driftingTranscript(call);
        });
        DigestRun run = new DigestRun(root).against(fake);
        recording(run.in, "talk.wav");

        assertThat(run.once()).isEqualTo(0);

        long transcribeCalls = fake.requests().stream().filter(r -> r.isGenerate()
                && r.userText().contains("Transcribe")).count();
        assertThat(transcribeCalls).isGreaterThanOrEqualTo(4); // the cut-off one, its two halves, the other segment
        JsonNode media = run.json("talk.wav.summary.json").path("media");
        // segments counts the requests whose answers make the transcript: the planned two, one of them in halves
        assertThat(media.path("plannedSegments").asInt()).isEqualTo(2);
        assertThat(media.path("segmentsSplitAtOutputLimit").asInt()).isEqualTo(1);
        assertThat(media.path("segments").asInt()).isEqualTo(3);
        assertThat(media.path("countTokensCalls").asInt()).as("far below the budget: no count").isZero();
        assertThat(fake.requests().stream().filter(r -> r.path().endsWith(":countTokens")).count()).isZero();
        var srt = SubtitleFiles.parseSrt(Files.readString(run.output("talk.wav.srt")));
        assertThat(srt).isNotEmpty();
        assertThat(srt.get(srt.size() - 1).endMs()).isLessThanOrEqualTo(DURATION);

        // the cut-off request was billed: the sidecar counts it (marked discarded), so its totals are what the fake
        // billed, request by request
        JsonNode sidecar = run.json("talk.wav.summary.json");
        List<RecordedRequest> billed = billedByFake();
        // the responder cut off the first request for more than 3 s of audio
        RecordedRequest truncated = billed.stream().filter(r -> promptedLengthOf(r) > 3000).findFirst()
                .orElseThrow();
        assertBilledTotals(sidecar, billed);
        List<JsonNode> discarded = discardedCalls(sidecar);
        assertThat(discarded).hasSize(1);
        assertThat(discarded.get(0).path("discarded").asText()).isEqualTo("output-truncated");
        assertThat(discarded.get(0).path("finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(discarded.get(0).path("promptTokens").asLong()).isEqualTo(truncated.billedPromptTokens())
                .isPositive();
        assertThat(discarded.get(0).path("outputTokens").asLong()).isEqualTo(truncated.billedOutputTokens())
                .isPositive();
        assertThat(sidecar.path("totals").path("discardedCalls").asInt()).isEqualTo(1);
    }

    /**
     * A recording that fails after billed requests says what it spent: the first segment was transcribed, the second
     * refused (finish reason SAFETY, billed); error.json lists both with what the fake billed.
     */
    @Test
    void aRecordingThatFailsAfterATranscribedSegmentHasItsSpendInTheErrorReport() throws Exception {
        AtomicInteger transcriptions = new AtomicInteger();
        fake.respondWith(call -> call.userText().contains("Transcribe") && transcriptions.getAndIncrement() == 1
                ? Answer.text("{\"segments\":[]}").withFinishReason("SAFETY") : driftingTranscript(call));
        DigestRun run = new DigestRun(root).against(fake);
        recording(run.in, "talk.wav");

        assertThat(run.once()).isEqualTo(1);

        JsonNode error = run.json("talk.wav.error.json");
        assertThat(error.path("outcome").asText()).isEqualTo("answer-refused");
        List<RecordedRequest> billed = billedByFake();
        assertThat(billed).hasSize(2);
        assertBilledTotals(error, billed);
        List<JsonNode> discarded = discardedCalls(error);
        assertThat(discarded).hasSize(1);
        assertThat(discarded.get(0).path("finishReason").asText()).isEqualTo("SAFETY");
        assertThat(error.path("totals").path("discardedCalls").asInt()).isEqualTo(1);
    }

    /** The generate requests the fake answered with a usage (it bills them), in order. */
    private List<RecordedRequest> billedByFake() {
        return fake.requests().stream().filter(r -> r.isGenerate() && r.usage() != null).toList();
    }

    private static long promptedLengthOf(RecordedRequest r) {
        Matcher m = LENGTH.matcher(r.userText());
        return m.find() ? Long.parseLong(m.group(1)) * 60_000 + Long.parseLong(m.group(2)) * 1000
                + Long.parseLong(m.group(3)) : -1;
    }

    /** The sidecar's calls and totals are every request the fake billed, with its usage, and its cost their sum. */
    private static void assertBilledTotals(JsonNode sidecar, List<RecordedRequest> billed) {
        JsonNode totals = sidecar.path("totals");
        assertThat(totals.path("calls").asInt()).isEqualTo(billed.size());
        assertThat(sidecar.path("calls").size()).isEqualTo(billed.size());
        assertThat(totals.path("promptTokens").asLong())
                .isEqualTo(billed.stream().mapToLong(RecordedRequest::billedPromptTokens).sum());
        assertThat(totals.path("outputTokens").asLong() + totals.path("thinkingTokens").asLong())
                .isEqualTo(billed.stream().mapToLong(RecordedRequest::billedOutputTokens).sum());
        double sumOfCalls = 0;
        for (JsonNode c : sidecar.path("calls")) {
            sumOfCalls += c.path("costUsd").asDouble();
        }
        assertThat(sidecar.path("costUsd").asDouble()).isPositive()
                .isCloseTo(sumOfCalls, org.assertj.core.data.Offset.offset(1e-5));
    }

    private static List<JsonNode> discardedCalls(JsonNode sidecar) {
        List<JsonNode> out = new ArrayList<>();
        sidecar.path("calls").forEach(c -> {
            if (c.has("discarded")) {
                out.add(c);
            }
        });
        return out;
    }

    /**
     * A segment planned at the budget from the estimate (32 tokens/s) that the fake counts higher (40 tokens/s, read
     * from the FLAC segment's own header) is confirmed with countTokens on the same contents, found over the budget
     * and split before anything is generated; segments far below the confirmation band are sent without a count.
     */
    @Test
    void aSegmentCountedOverTheBudgetIsSplitBeforeSendingAndOnlySegmentsNearTheBudgetAreCounted() throws Exception {
        List<io.geminidigest.testing.MediaPart> transcribed = new java.util.concurrent.CopyOnWriteArrayList<>();
        fake.mediaDurationsFromContent().audioTokensPerSecond(40).respondWith(call -> {
            if (promptedLength(call) > 0) {
                transcribed.addAll(call.mediaParts("AUDIO"));
            }
            return driftingTranscript(call);
        });
        // a chunk budget of some 560 tokens (17.5 s of audio): 100,000 tokens/min x 0.95 / 125 - the prompt template
        DigestRun run = new DigestRun(root).against(fake)
                .set("ratelimit.tokens-per-minute", "100000")
                .set("chunk.tokens-per-minute-parts", "125")
                .set("media.inline-max-bytes", "1000")
                .set("media.poll-initial-millis", "20");
        // 24 s of uninterrupted "speech" (longer than a segment may be: cut at the limit, inside speech), a long
        // silence, then 3 s (far below the budget)
        Path in = run.in.resolve("talk.wav");
        new Ffmpeg().run(List.of("-y", "-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*440*t)*(between(t\\,0.5\\,24.5)"
                + "+between(t\\,32\\,35)):s=16000:d=40", in.toString()));

        assertThat(run.once()).isEqualTo(0);

        JsonNode media = run.json("talk.wav.summary.json").path("media");
        int budget = media.path("budgetTokens").asInt();
        assertThat(budget).as("budget").isBetween(300, 760);
        // planned: the cut at the limit (estimate = the budget), the rest of the first island, the last island
        assertThat(media.path("plannedSegments").asInt()).isEqualTo(3);
        assertThat(media.path("segmentsSplitOverBudget").asInt()).isEqualTo(1);
        assertThat(media.path("segments").asInt()).as("requests made: the counted one in two halves").isEqualTo(4);
        assertThat(media.path("countTokensCalls").asInt()).isEqualTo(1);

        // exactly one countTokens call: for the segment at the budget, with the same contents (the uploaded audio
        // and the prompt), counted over the budget
        List<RecordedRequest> counts = fake.requests().stream().filter(r -> r.path().endsWith(":countTokens"))
                .toList();
        assertThat(counts).hasSize(1);
        assertThat(counts.get(0).status()).isEqualTo(200);
        assertThat(counts.get(0).promptTokens()).isGreaterThan(budget);
        JsonNode parts = counts.get(0).body().path("contents").get(0).path("parts");
        String countedUri = parts.get(0).path("fileData").path("fileUri").asText();
        assertThat(parts.get(1).path("text").asText()).contains("Transcribe");
        assertThat(fake.deletedFiles().stream().filter(f -> f.uri().equals(countedUri)).findFirst().orElseThrow()
                .displayName()).isEqualTo("talk.wav 300ms");
        // that segment was never generated; no generate request carried more audio than the budget
        assertThat(transcribed).extracting(io.geminidigest.testing.MediaPart::fileName)
                .doesNotContain(countedUri.substring(countedUri.indexOf("files/")));
        assertThat(transcribed).hasSize(4);
        assertThat(transcribed).allSatisfy(p -> assertThat(p.tokens()).isLessThanOrEqualTo(budget));
        // the short last segment went without a count
        assertThat(transcribed.stream().filter(p -> p.displayName().equals("talk.wav 31800ms")).count()).isEqualTo(1);

        // every upload with its timings, the one found over the budget included
        JsonNode timings = media.path("uploadTimings");
        assertThat(timings).hasSize(5);
        for (JsonNode u : timings) {
            assertThat(u.path("file").asText()).startsWith("files/");
            assertThat(u.path("displayName").asText()).startsWith("talk.wav ");
            assertThat(u.path("bytes").asLong()).isGreaterThan(1000);
            assertThat(u.path("uploadMillis").asLong()).isNotNegative();
            assertThat(u.path("reused").asBoolean(true)).isFalse();
            assertThat(u.path("resumes").asInt()).isZero();
        }
        assertThat(Files.readString(run.output("talk.wav.summary.json"))).doesNotContain(FakeGemini.KEY);

        // the transcript still runs on the recording's own timeline
        var srt = SubtitleFiles.parseSrt(Files.readString(run.output("talk.wav.srt")));
        assertThat(srt).isNotEmpty();
        assertThat(srt.get(srt.size() - 1).endMs()).isBetween(34_500L, 35_500L);
    }

    @Test
    void anAnswerThatIsNotValidJsonIsRepairedOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        fake.respondWith(call -> {
            if (promptedLength(call) > 0 && calls.getAndIncrement() == 0) {
                return Answer.text("Here is the transcript: Alice was beginning to get very tired.");
            }
            return driftingTranscript(call);
        });
        DigestRun run = new DigestRun(root).against(fake);
        recording(run.in, "talk.flac");

        assertThat(run.once()).isEqualTo(0);

        assertThat(fake.requests().stream().anyMatch(r -> r.isGenerate() && r.userText().contains("Transcribe")
                && r.userText().toLowerCase().contains("not valid"))).isTrue();
        assertThat(run.output("talk.flac.srt")).exists();
        // the invalid answer was billed: counted, marked discarded, before its repair
        JsonNode sidecar = run.json("talk.flac.summary.json");
        assertBilledTotals(sidecar, billedByFake());
        List<JsonNode> discarded = discardedCalls(sidecar);
        assertThat(discarded).hasSize(1);
        assertThat(discarded.get(0).path("discarded").asText()).isEqualTo("invalid-transcript");
        assertThat(discarded.get(0).path("finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void brokenSilentAndSoundlessMediaEndWithClearOutcomes() throws Exception {
        fake.respondWith(call -> Answer.text("## Scenes\n[00:00] Moving colour bars."));
        DigestRun run = new DigestRun(root).against(fake);
        Files.write(run.in.resolve("empty.mp3"), new byte[0]);
        byte[] noise = new byte[50_000];
        new java.util.Random(7).nextBytes(noise);
        noise[0] = (byte) 0xFF;
        noise[1] = (byte) 0xFB; // an MP3 frame sync, so the type says audio, the content says nothing
        Files.write(run.in.resolve("corrupt.mp3"), noise);
        new Ffmpeg().run(List.of("-y", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "8",
                run.in.resolve("silence.wav").toString()));
        new Ffmpeg().run(List.of("-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "3", "-an",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", run.in.resolve("silent-video.mp4").toString()));
        // a video whose sound track is there but holds no speech: described too, not given empty subtitles
        new Ffmpeg().run(List.of("-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-f", "lavfi", "-i",
                "anullsrc=r=16000:cl=mono", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-shortest", run.in.resolve("quiet-video.mp4").toString()));

        assertThat(run.once()).isEqualTo(1);

        assertThat(run.json("empty.mp3.error.json").path("outcome").asText()).isIn("empty", "corrupt");
        assertThat(run.json("corrupt.mp3.error.json").path("outcome").asText()).isIn("corrupt", "empty");
        JsonNode silent = run.json("silence.wav.error.json");
        assertThat(silent.path("outcome").asText()).isEqualTo("empty");
        assertThat(silent.path("message").asText()).contains("silent");
        // a video without a sound track is described with scene times instead of getting empty subtitles
        assertThat(Files.readString(run.output("silent-video.mp4.summary.md"))).contains("Scenes");
        assertThat(run.json("silent-video.mp4.summary.json").path("media").path("kind").asText())
                .isEqualTo("video-without-sound");
        assertThat(Files.readString(run.output("quiet-video.mp4.summary.md"))).contains("Scenes");
        assertThat(run.output("quiet-video.mp4.srt")).doesNotExist();
        assertThat(fake.requests().stream().filter(r -> r.isGenerate() && r.userText().contains("Transcribe"))
                .count()).as("nothing silent or broken was sent").isZero();
        assertThat(run.leftInInput()).isEmpty();
    }

    @Test
    void withoutAKeyARecordingGetsItsSegmentPlanAndCostEstimate() throws Exception {
        DigestRun run = new DigestRun(root).set("gemini.base-url", fake.baseUrl());
        recording(run.in, "talk.wav");

        assertThat(run.once()).isEqualTo(0);

        JsonNode sidecar = run.json("talk.wav.summary.json");
        assertThat(sidecar.path("status").asText()).isEqualTo("estimated");
        assertThat(sidecar.path("media").path("segments").asInt()).isEqualTo(2);
        assertThat(sidecar.path("media").path("durationMillis").asLong()).isBetween(19_500L, 20_500L);
        // 32 tokens a second of what is sent (about 13 s: the long silence is not) plus the prompt of each request
        assertThat(sidecar.path("totals").path("promptTokens").asLong()).isBetween(2 * 300 + 12 * 32L,
                2 * 300 + 15 * 32L);
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aVideoInAContainerGeminiDoesNotTakeIsConvertedFirst() throws Exception {
        fake.respondWith(call -> Answer.text("## Scenes\n[00:00] A " + call.mediaParts().get(0).mimeType() + " clip."));
        DigestRun run = new DigestRun(root).against(fake);
        new Ffmpeg().run(List.of("-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "2", "-an",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", run.in.resolve("clip.mkv").toString()));

        assertThat(run.once()).isEqualTo(0);

        assertThat(Files.readString(run.output("clip.mkv.summary.md"))).contains("A video/mp4 clip.");
        assertThat(run.json("clip.mkv.summary.json").path("detectedType").asText()).isEqualTo("video/x-matroska");
    }
}

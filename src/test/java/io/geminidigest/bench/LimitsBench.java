package io.geminidigest.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.geminidigest.app.LimiterGate;
import io.geminidigest.testing.FakeGemini;
import io.geminidigest.testing.RecordedRequest;

/**
 * Pacing under limits: at least 20 documents and over 1,000,000 input tokens against a fake limited to 60 requests
 * and 32,000 input tokens per (time-scaled) minute, with the application configured to the same limits.
 *
 * <p>Figures per time scale: documents completed; prompt tokens as the fake counted them (successful generate calls,
 * map and reduce); the theoretical minimum wall time (tokens ÷ 32,000 minutes) against the measured one; the
 * sustained utilisation of the tokens-per-minute limit while a backlog exists, in consecutive one-minute windows from
 * the first request to the last map request (after it only the last reduce calls remain); 429s (with limits equal to
 * the server's, every one is caused by our own pacing); the largest request against the chunk budget.
 *
 * <p>Usage: {@code LimitsBench [scale ...] [key=value ...]}: time scales (default 0.1, a "minute" of 6 s; 0.04 is a
 * "minute" of 2.4 s) and application settings that override the benchmark's (e.g. {@code ratelimit.margin=0}).
 */
public final class LimitsBench {

    static final int RPM = 60;
    static final int TPM = 32_000;
    static final long MIN_DOCUMENT_TOKENS = 1_000_000;
    /**
     * A "minute" of 6 s: the run takes about 4-5 minutes of wall time. The limiter's skew allowance has a floor of
     * 100 ms real time (scheduling and transfer do not speed up with the fake): 1.6% of a 6 s minute, 4% of a 2.4 s one.
     */
    static final double DEFAULT_SCALE = 0.1;
    static final String REDUCE_MARKER = "--- PART SUMMARIES ---";

    private LimitsBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Double> scales = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String a : args) {
            if (a.contains("=")) {
                overrides.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                scales.add(Double.parseDouble(a));
            }
        }
        if (scales.isEmpty()) {
            scales = List.of(DEFAULT_SCALE);
        }
        Map<String, String> documents = documents();
        // bench/out/limits.json for the default run, limits-<arguments>.json for others
        BenchReport report = new BenchReport(args.length == 0 ? "limits"
                : "limits-" + String.join("_", args).replaceAll("[^A-Za-z0-9._-]", "-"));
        long documentTokens = documents.values().stream().mapToLong(FakeGemini::countTokens).sum();
        report.figure("input", "documents", documents.size(), "moby-dick slices + alice.txt + french.utf8.txt")
                .figure("input", "document tokens", documentTokens, "fake tokenizer, text only")
                .detail("input", "settings overridden", overrides);
        for (double scale : scales) {
            run(report, scale, documents, overrides);
        }
        report.write();
        System.exit(0);
    }

    /**
     * Slices of moby-dick of varied sizes (about 8K to 80K tokens; the text is read cyclically) until the documents
     * hold over {@link #MIN_DOCUMENT_TOKENS}, plus alice.txt and french.utf8.txt.
     */
    static Map<String, String> documents() {
        String moby = BenchDocuments.sampleText("moby-dick.txt");
        String twice = moby + "\n\n" + moby;
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("alice.txt", BenchDocuments.sampleText("alice.txt"));
        docs.put("french.utf8.txt", BenchDocuments.sampleText("french.utf8.txt"));
        long tokens = docs.values().stream().mapToLong(FakeGemini::countTokens).sum();
        int at = 0;
        for (int i = 0; tokens <= MIN_DOCUMENT_TOKENS || docs.size() < 20; i++) {
            int length = 30_000 + (int) ((i * 104_729L) % 270_000);
            String slice = twice.substring(at, at + length);
            docs.put(String.format("moby-%02d.txt", i), slice);
            tokens += FakeGemini.countTokens(slice);
            at = (at + length) % moby.length();
        }
        return docs;
    }

    private static void run(BenchReport report, double scale, Map<String, String> documents,
            Map<String, String> overrides) throws Exception {
        try (FakeGemini fake = FakeGemini.start(FakeGemini.Config.defaults().withTimeScale(scale))
                .limits(RPM, TPM, 0)) {
            BenchApp app = new BenchApp(Files.createTempDirectory("bench-limits"))
                    .against(fake.baseUrl(), FakeGemini.KEY)
                    .set("ratelimit.preset", "tier1")
                    .set("ratelimit.time-scale", Double.toString(scale))
                    .set("ratelimit.requests-per-minute", Integer.toString(RPM))
                    .set("ratelimit.tokens-per-minute", Integer.toString(TPM))
                    .set("ratelimit.requests-per-day", "0")
                    .set("ingest.concurrency", "4")
                    .set("gemini.retry.initial-delay-ms", "10")
                    .set("gemini.retry.max-delay-ms", "200");
            overrides.forEach(app::set);
            // the limiter's queue: (time, calls waiting for admission) at every change, for the backlog minutes
            List<Map.Entry<Instant, Integer>> waiting = java.util.Collections.synchronizedList(new ArrayList<>());
            LimiterGate[] gate = new LimiterGate[1];
            app.beforeStart(context -> {
                gate[0] = context.getRegistry().lookupByNameAndType("limiter", LimiterGate.class);
                gate[0].addWaitingListener((model, at, n) -> waiting.add(Map.entry(at, n)));
            });
            for (Map.Entry<String, String> d : documents.entrySet()) {
                BenchDocuments.write(app.in(), d.getKey(), d.getValue().getBytes(StandardCharsets.UTF_8));
            }
            long t0 = System.nanoTime();
            int exit = app.once(900);
            double runSeconds = (System.nanoTime() - t0) / 1e9;
            analyse(report, String.format("scale %s (minute %d ms)", scale, fake.minute().toMillis()), fake, app,
                    documents.size(), exit, runSeconds, List.copyOf(waiting));
            // the limiter's own view: estimates charged at admission against the server's counts settled
            long charged = gate[0].limiters().values().stream().mapToLong(l -> l.stats().tokensCharged()).sum();
            long settled = gate[0].limiters().values().stream().mapToLong(l -> l.stats().tokensSettled()).sum();
            String s = String.format("scale %s (minute %d ms)", scale, fake.minute().toMillis());
            report.figure(s, "limiter: estimates charged / server counts settled",
                    BenchReport.round(settled == 0 ? 0 : (double) charged / settled), charged + " / " + settled
                            + " tokens");
        }
    }

    private static void analyse(BenchReport report, String s, FakeGemini fake, BenchApp app, int documents, int exit,
            double runSeconds, List<Map.Entry<Instant, Integer>> waiting) throws Exception {
        List<RecordedRequest> generate = fake.requests().stream().filter(RecordedRequest::isGenerate).toList();
        List<RecordedRequest> ok = generate.stream().filter(r -> r.status() == 200 && r.promptTokens() >= 0).toList();
        long tokens = ok.stream().mapToLong(RecordedRequest::promptTokens).sum();
        long minuteNanos = fake.minute().toNanos();
        Instant first = generate.get(0).at();
        Instant last = generate.get(generate.size() - 1).at();
        Instant lastMap = ok.stream().filter(r -> r.userText() == null || !r.userText().contains(REDUCE_MARKER))
                .map(RecordedRequest::at).max(Instant::compareTo).orElse(last);
        double firstToLast = Duration.between(first, last).toNanos() / 1e9;
        double minimum = (double) tokens / TPM * minuteNanos / 1e9;

        // tokens admitted per consecutive minute window while there is a backlog (first request to last map request)
        long backlogNanos = Duration.between(first, lastMap).toNanos();
        int windows = (int) (backlogNanos / minuteNanos);
        long[] perWindow = new long[windows];
        long inBacklog = 0;
        for (RecordedRequest r : ok) {
            long t = Duration.between(first, r.at()).toNanos();
            if (t < backlogNanos) {
                inBacklog += r.promptTokens();
                int w = (int) (t / minuteNanos);
                if (w < windows) {
                    perWindow[w] += r.promptTokens();
                }
            }
        }
        double mean = windows == 0 ? 0 : java.util.Arrays.stream(perWindow).average().orElse(0) / TPM;
        double min = windows == 0 ? 0 : (double) java.util.Arrays.stream(perWindow).min().orElse(0) / TPM;
        double overall = backlogNanos == 0 ? 0 : inBacklog / ((double) backlogNanos / minuteNanos) / TPM;

        // backlog minutes: the full minute windows from the first request to the last during which the limiter's queue
        // was never empty (some call waited for admission the whole time); utilisation over those only
        int allWindows = (int) (Duration.between(first, last).toNanos() / minuteNanos);
        long[] perWindowAll = new long[allWindows];
        for (RecordedRequest r : ok) {
            int w = (int) (Duration.between(first, r.at()).toNanos() / minuteNanos);
            if (w < allWindows) {
                perWindowAll[w] += r.promptTokens();
            }
        }
        boolean[] backlogMinute = new boolean[allWindows];
        java.util.Arrays.fill(backlogMinute, true);
        int current = 0;
        int e = 0;
        long waitedNanos = 0;
        Instant since = null;
        for (int w = 0; w < allWindows; w++) {
            Instant from = first.plusNanos(w * minuteNanos);
            Instant to = from.plusNanos(minuteNanos);
            while (e < waiting.size() && !waiting.get(e).getKey().isAfter(from)) {
                current = waiting.get(e++).getValue();
            }
            backlogMinute[w] = current > 0;
            while (e < waiting.size() && waiting.get(e).getKey().isBefore(to)) {
                current = waiting.get(e++).getValue();
                if (current == 0) {
                    backlogMinute[w] = false;
                }
            }
        }
        for (Map.Entry<Instant, Integer> ev : waiting) {
            if (ev.getValue() > 0 && since == null) {
                since = ev.getKey();
            } else if (ev.getValue() == 0 && since != null) {
                waitedNanos += Duration.between(since, ev.getKey()).toNanos();
                since = null;
            }
        }
        long[] backlogTokens = java.util.stream.IntStream.range(0, allWindows).filter(w -> backlogMinute[w])
                .mapToLong(w -> perWindowAll[w]).toArray();
        double backlogMean = java.util.Arrays.stream(backlogTokens).average().orElse(0) / TPM;
        double backlogMin = (double) java.util.Arrays.stream(backlogTokens).min().orElse(0) / TPM;
        double allMean = java.util.Arrays.stream(perWindowAll).average().orElse(0) / TPM;
        double waitingShare = waitedNanos / (double) Duration.between(first, last).toNanos();

        // the most tokens the server saw in any rolling minute (must stay at most the limit)
        long rollingMax = 0;
        long sum = 0;
        for (int i = 0, j = 0; i < ok.size(); i++) {
            sum += ok.get(i).promptTokens();
            while (Duration.between(ok.get(j).at(), ok.get(i).at()).toNanos() >= minuteNanos) {
                sum -= ok.get(j++).promptTokens();
            }
            rollingMax = Math.max(rollingMax, sum);
        }

        long[] sizes = ok.stream().mapToLong(RecordedRequest::promptTokens).toArray();
        List<JsonNode> sidecars = app.sidecars();
        int budget = sidecars.stream().mapToInt(j -> j.path("chunking").path("budgetTokens").asInt()).max().orElse(0);
        long mapCalls = ok.stream().filter(r -> r.userText() != null && !r.userText().contains(REDUCE_MARKER)).count();

        report.figure(s, "exit code", exit, null)
                .figure(s, "documents completed", app.tracker().okCount(), "of " + documents)
                .figure(s, "prompt tokens (fake's count)", tokens, "successful generate calls, map + reduce")
                .figure(s, "generate calls ok", ok.size(), mapCalls + " map/single, " + (ok.size() - mapCalls)
                        + " reduce")
                .figure(s, "theoretical minimum", BenchReport.round(minimum), "s = tokens / " + TPM + " x minute")
                .figure(s, "wall, first request to last answer", BenchReport.round(firstToLast), "s")
                .figure(s, "wall, whole run", BenchReport.round(runSeconds), "s, start-up to exit")
                .figure(s, "ratio wall / minimum", BenchReport.round(firstToLast / minimum), null)
                .figure(s, "backlog window", BenchReport.round(backlogNanos / 1e9), "s, first to last map request, "
                        + windows + " full minutes")
                .figure(s, "utilisation per minute, mean", BenchReport.round(mean * 100), "% of " + TPM + " TPM")
                .figure(s, "utilisation per minute, min", BenchReport.round(min * 100), "%")
                .figure(s, "utilisation over the backlog", BenchReport.round(overall * 100), "%")
                .figure(s, "backlog minutes", backlogTokens.length, "of " + allWindows + " full minutes from the "
                        + "first to the last request: the limiter's queue never empty during the minute")
                .figure(s, "utilisation over backlog minutes, mean", BenchReport.round(backlogMean * 100), "% of "
                        + TPM + " TPM")
                .figure(s, "utilisation over backlog minutes, min", BenchReport.round(backlogMin * 100), "%")
                .figure(s, "utilisation per minute to the last request, mean", BenchReport.round(allMean * 100),
                        "% (every full minute, reduce calls included)")
                .figure(s, "time with calls waiting", BenchReport.round(waitingShare * 100), "% of first to last "
                        + "request")
                .figure(s, "max tokens in a rolling minute", rollingMax, "by arrival at the fake; limit " + TPM)
                .figure(s, "429 answers", fake.countStatus(429), "target 0")
                .figure(s, "max prompt tokens in one request", fake.maxPromptTokensSeen(), "chunk budget " + budget)
                .figure(s, "request size median", BenchReport.quantile(sizes, 0.5), "tokens")
                .figure(s, "requests over 15,200 tokens", java.util.Arrays.stream(sizes).filter(n -> n > 15_200)
                        .count(), "E/2 with the 5% margin: the limiter's burst cap")
                .detail(s, "tokens per minute window", perWindow)
                .detail(s, "tokens per minute window to the last request", perWindowAll)
                .detail(s, "backlog minutes", backlogMinute)
                .detail(s, "arrivals, ms from the first request", ok.stream()
                        .mapToLong(r -> Duration.between(first, r.at()).toMillis()).toArray())
                .detail(s, "limiter queue changes, [ms from the first request, waiting]", waiting.stream()
                        .map(w -> List.of(Duration.between(first, w.getKey()).toNanos() / 1e6, w.getValue())).toList())
                .detail(s, "status counts", fake.statusCounts())
                .detail(s, "request sizes", sizes);
    }
}

package io.geminidigest.summarize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.geminidigest.chunk.Chunk;
import io.geminidigest.chunk.TextPacker;
import io.geminidigest.chunk.TokenEstimator;
import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiRest.Content;
import io.geminidigest.gemini.GeminiRest.GenerateContentRequest;
import io.geminidigest.gemini.GeminiRest.GenerationConfig;
import io.geminidigest.gemini.GeminiRest.ThinkingConfig;
import io.geminidigest.gemini.GenerateResult;

/**
 * Map-reduce summarization as a sequence of levels. Level 1 is one call for a document that fits the budget, or one
 * "map" call per chunk. Each later level combines the previous level's summaries in document order: in one "reduce"
 * call when they fit the budget together, otherwise in groups that do (and again, until one summary remains).
 * <p>
 * Pure: it builds requests and reads answers; the route makes the calls.
 */
public final class MapReduceSummarizer {

    /** Generation settings shared by every summarization request. */
    public record Settings(String model, int maxOutputTokens, Double temperature, String thinkingLevel,
            Integer thinkingBudget, String language, int longContextTokens) {
    }

    private static final String PART_SEPARATOR = "\n\n";

    private final PromptTemplates templates;
    private final TokenEstimator estimator;
    private final Settings settings;

    public MapReduceSummarizer(PromptTemplates templates, TokenEstimator estimator, Settings settings) {
        this.templates = templates;
        this.estimator = estimator;
        this.settings = settings;
    }

    /** Tokens the largest template, with the system instruction, adds to a request's text. */
    public int templateTokens() {
        String system = system(null);
        int worst = 0;
        List<String> all = new ArrayList<>(List.of(templates.single(), templates.map(), templates.reduce()));
        all.addAll(templates.named().values());
        for (String t : all) {
            String overhead = PromptTemplates.render(templates.overhead(t), values("", "1000", "1000", " \"a title\"",
                    " so far"));
            worst = Math.max(worst, estimator.estimate(overhead));
        }
        return worst + estimator.estimate(system) + 16; // + role and part framing
    }

    /** Starts a run: the level-1 calls. */
    public SummaryRun start(SummaryInput input, ChunkPlan plan) {
        SummaryRun run = new SummaryRun(input, plan);
        List<Chunk> chunks = plan.chunks();
        List<GeminiCall> calls = new ArrayList<>(chunks.size());
        if (chunks.size() == 1) {
            calls.add(call(input, "summary", templates.single(input.options().prompt()), values(chunks.get(0).text(), "1", "1",
                    title(input), "")));
        } else {
            int n = chunks.size();
            for (Chunk c : chunks) {
                String part = Integer.toString(c.index() + 1);
                calls.add(call(input, "map " + part + "/" + n, templates.map(),
                        values(c.text(), part, Integer.toString(n), title(input), "")));
            }
        }
        run.startLevel(calls);
        return run;
    }

    /**
     * Takes the answers of the current level (in document order) and sets up the next level, or finishes the run.
     */
    public SummaryRun next(SummaryRun run, List<GenerateResult> answers) {
        if (answers.size() != run.getPending().size()) {
            throw new IllegalStateException("expected " + run.getPending().size() + " answers at level " + run.levels()
                    + " but got " + answers.size());
        }
        run.record(answers);
        if (answers.size() == 1) {
            run.finish(answers.get(0).text().strip());
            return run;
        }
        List<String> parts = answers.stream().map(a -> a.text().strip()).toList();
        int budget = run.plan().budget().tokens();
        List<List<Integer>> groups = new TextPacker(estimator).pack(parts, budget, estimator.estimate(PART_SEPARATOR));
        if (groups.size() >= parts.size()) {
            throw new IllegalStateException("the part summaries are too long to combine within the budget of " + budget
                    + " tokens; lower summarize.max-output-tokens");
        }
        List<GeminiCall> calls = new ArrayList<>(groups.size());
        int level = run.levels() + 1;
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> group = groups.get(g);
            StringBuilder text = new StringBuilder();
            for (int i : group) {
                if (!text.isEmpty()) {
                    text.append(PART_SEPARATOR);
                }
                text.append(parts.get(i));
            }
            boolean whole = groups.size() == 1;
            String scope = whole ? "" : " (parts " + (group.get(0) + 1) + " to " + (group.get(group.size() - 1) + 1)
                    + " of " + parts.size() + " only)";
            String label = whole ? "reduce (level " + level + ")"
                    : "reduce " + (g + 1) + "/" + groups.size() + " (level " + level + ")";
            calls.add(call(run.input(), label, templates.reduce(run.input().options().prompt()),
                    values(text.toString(), "", "", title(run.input()), scope)));
        }
        run.startLevel(calls);
        return run;
    }

    GeminiCall call(SummaryInput input, String what, String template, Map<String, String> values) {
        String prompt = PromptTemplates.render(template, values);
        String system = system(input);
        GenerateContentRequest request = new GenerateContentRequest(Content.system(system),
                List.of(Content.user(prompt)), generationConfig());
        int estimate = estimator.estimate(system) + estimator.estimate(prompt) + 16;
        GeminiCall.TimeoutClass timeout = estimate > settings.longContextTokens()
                ? GeminiCall.TimeoutClass.LONG_CONTEXT : GeminiCall.TimeoutClass.TEXT;
        String model = input.options().model() != null ? input.options().model() : settings.model();
        return GeminiCall.generate(input.name() + " " + what, model, request, estimate, timeout);
    }

    private GenerationConfig generationConfig() {
        ThinkingConfig thinking = null;
        if (settings.thinkingBudget() != null) {
            thinking = new ThinkingConfig(null, settings.thinkingBudget());
        } else if (settings.thinkingLevel() != null && !settings.thinkingLevel().isBlank()) {
            thinking = new ThinkingConfig(settings.thinkingLevel(), null);
        }
        return new GenerationConfig(settings.maxOutputTokens(), settings.temperature(), null, null, thinking);
    }

    private String system(SummaryInput input) {
        Map<String, String> v = new HashMap<>();
        v.put("language", language(input));
        return PromptTemplates.render(templates.system(), v);
    }

    private String language(SummaryInput input) {
        if (input != null && input.options().language() != null) {
            return input.options().language();
        }
        if (settings.language() != null && !settings.language().isBlank()) {
            return settings.language();
        }
        return "the language the document is written in";
    }

    private static String title(SummaryInput input) {
        return input.title() == null || input.title().isBlank() ? "" : " (\"" + input.title().strip() + "\")";
    }

    private static Map<String, String> values(String text, String part, String parts, String title, String scope) {
        Map<String, String> v = new HashMap<>();
        v.put("text", text);
        v.put("part", part);
        v.put("parts", parts);
        v.put("title", title);
        v.put("scope", scope);
        return v;
    }
}

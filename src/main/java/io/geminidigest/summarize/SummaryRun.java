package io.geminidigest.summarize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GenerateResult;

/**
 * The state of one document's map-reduce: the calls still to make at the current level, every answer so far (for
 * the sidecar), and the summary once the last level is done. Owned by one exchange; the answers of one level are
 * handed in together, in document order, after the level's calls have all returned.
 */
public final class SummaryRun {

    private final SummaryInput input;
    private final ChunkPlan plan;
    private final List<GenerateResult> answers = new ArrayList<>();
    private List<GeminiCall> pending = List.of();
    private int level;
    private String summary;

    public SummaryRun(SummaryInput input, ChunkPlan plan) {
        this.input = input;
        this.plan = plan;
    }

    public SummaryInput input() {
        return input;
    }

    public ChunkPlan plan() {
        return plan;
    }

    /** The calls of the current level, in document order. */
    public List<GeminiCall> getPending() {
        return pending;
    }

    public boolean isFinished() {
        return summary != null;
    }

    public String summary() {
        return summary;
    }

    /** Number of levels run: 1 for a document that fits one request, 2 for map + reduce, more for a long book. */
    public int levels() {
        return level;
    }

    public List<GenerateResult> answers() {
        return Collections.unmodifiableList(answers);
    }

    void startLevel(List<GeminiCall> calls) {
        this.pending = List.copyOf(calls);
        this.level++;
    }

    void record(List<GenerateResult> levelAnswers) {
        answers.addAll(levelAnswers);
    }

    void finish(String text) {
        this.summary = text;
        this.pending = List.of();
    }
}

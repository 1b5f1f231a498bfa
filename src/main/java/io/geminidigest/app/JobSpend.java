package io.geminidigest.app;

import java.util.ArrayList;
import java.util.List;

import io.geminidigest.gemini.GenerateResult;

/**
 * What one job has been billed so far: every answered generate request of the job, in the order answered, the
 * answers that were not used included (cut off, refused, repaired). Held in the job's exchange property
 * {@link #PROPERTY} from the start of the pipeline; the gateway records each billed answer of a call whose exchange
 * carries it (the summary's calls; the visual reader forwards it with its call), and the media transcriber adds its
 * transcription calls when it ends, also when it fails; so a job that fails after billed calls can say what it spent
 * ({@code error.json}). Thread-safe: a level's calls run in parallel.
 */
public final class JobSpend {

    /** The exchange property that holds a job's spend. */
    public static final String PROPERTY = "jobSpend";

    private final List<GenerateResult> billed = new ArrayList<>();

    /** A new, empty spend (a job's, at the start of the pipeline). */
    public static JobSpend create() {
        return new JobSpend();
    }

    /** Records billed answers (each one a request Google billed: not {@link GenerateResult#billed()} expanded). */
    public synchronized void add(List<GenerateResult> answers) {
        billed.addAll(answers);
    }

    /** The billed answers so far, oldest first. */
    public synchronized List<GenerateResult> billed() {
        return List.copyOf(billed);
    }
}

package io.geminidigest.job;

/**
 * The answer of the content index when a job's content arrives.
 *
 * @param state     {@link State#NEW}: this job owns the content and must complete or release it;
 *                  {@link State#DONE}: the same content was already summarized; {@link State#BUSY}: another job
 *                  is working on the same content right now
 * @param source    the name of the input that processed (or is processing) the content, for DONE and BUSY
 * @param outputRef where that input's summary was written (relative to the output folder), for DONE
 */
public record Claim(State state, String source, String outputRef) {

    public enum State { NEW, DONE, BUSY }

    public static Claim fresh() {
        return new Claim(State.NEW, null, null);
    }

    public boolean isNew() {
        return state == State.NEW;
    }
}

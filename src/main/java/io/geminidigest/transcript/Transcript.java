package io.geminidigest.transcript;

import java.util.List;

/**
 * A transcript: the detected language (BCP-47 code or name as the model gave it, may be {@code null}),
 * the cues in time order and the duration of the audio it covers.
 */
public record Transcript(String language, List<Cue> cues, long durationMillis) {

    public Transcript {
        cues = List.copyOf(cues);
    }

    public Transcript withCues(List<Cue> newCues) {
        return new Transcript(language, newCues, durationMillis);
    }
}

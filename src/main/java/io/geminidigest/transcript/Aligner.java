package io.geminidigest.transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Aligns the model's cues onto locally detected speech.
 *
 * <p>Gemini's timestamps run past the end of the audio, drift (scaled over a segment), are shifted or are
 * invented in silences. Per window (a segment as sent to the model, or the whole recording):
 * <ol>
 *   <li>{@link DriftFit} estimates the systematic error (scale and shift) and undoes it; the identity is
 *       kept when the model's clock is right;</li>
 *   <li>every cue is clamped into the window, its start snapped to the nearest speech onset and its end
 *       to the nearest speech offset within the tolerance (a start inside speech that no earlier cue covers
 *       moves to the onset of that speech; an end lying in silence is pulled back to the speech it ends);</li>
 *   <li>cues that are still implausible (start in a silence longer than the tolerance, not monotonic,
 *       spanning a silence longer than {@code maxSilenceInCueMs}) are re-timed across the speech between
 *       their plausible neighbours in proportion to their text length; when no speech is left there (text
 *       invented in a silence) they are dropped; when fewer than 40 % of a window's cues are plausible, the
 *       whole window is re-timed that way.</li>
 * </ol>
 * Use {@link #alignSegments} for a segmented recording (drift is per model answer, so per segment, and it
 * must be fitted before the joiner clamps and trims); {@link #align} for one answer or already joined cues.
 * A final pass guarantees the invariants: cues lie in {@code [0, duration]}, are sorted and never overlap,
 * and none starts in a silence longer than the tolerance.
 */
public final class Aligner {

    private static final double MIN_PLAUSIBLE_SHARE = 0.4;

    /** A cue with the index of the input cue it came from. */
    private record Placed(int index, Cue cue) {
    }

    /**
     * Aligns the cues of one model answer, or of a joined transcript treated as one window, in recording
     * time. The cues must not have been clamped or trimmed yet: times past the end are evidence of drift.
     */
    public AlignmentResult align(List<Cue> cues, List<Region> speech, long durationMs, AlignmentSettings settings) {
        SpeechMap map = speechMap(speech, durationMs);
        if (map.isEmpty() || cues.isEmpty()) {
            return nothingToAlign(cues.size(), map);
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cues.size(); i++) {
            all.add(i);
        }
        List<Placed> placed = alignWindow(cues, all, new Region(0, durationMs), map, settings);
        return summarize(cues, enforceInvariants(placed, map, settings), map, settings);
    }

    /**
     * Aligns the transcripts of the segments of a recording and joins them (the recommended path): the
     * drift is fitted per segment, on the model's own times (relative to the audio sent, not yet clamped),
     * each segment's cues are kept within its audio, and the aligned segments are joined by
     * {@link TranscriptJoiner} (overlap removal, seam dedupe) before the invariants are enforced.
     */
    public AlignmentResult alignSegments(List<SegmentTranscript> segments, List<Region> speech, long durationMs,
                                         AlignmentSettings settings) {
        SpeechMap map = speechMap(speech, durationMs);
        int total = segments.stream().mapToInt(s -> s.cues().size()).sum();
        if (map.isEmpty() || total == 0) {
            return nothingToAlign(total, map);
        }
        List<SegmentTranscript> aligned = new ArrayList<>();
        long largest = 0;
        int retimed = 0;
        for (SegmentTranscript segment : segments) {
            long audioStart = segment.audioStartMs();
            List<Cue> raw = segment.cues().stream().map(c -> c.shifted(audioStart)).toList();
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                indices.add(i);
            }
            Region window = new Region(Math.min(audioStart, durationMs), Math.min(segment.segmentEndMs(), durationMs));
            List<Placed> placed = alignWindow(raw, indices, window, map, settings);
            List<Cue> relative = new ArrayList<>();
            for (Placed p : placed) {
                long correction = correction(raw.get(p.index()), p.cue());
                largest = Math.max(largest, correction);
                retimed += correction > settings.toleranceMs() ? 1 : 0;
                relative.add(p.cue().shifted(-audioStart));
            }
            retimed += raw.size() - placed.size();
            aligned.add(new SegmentTranscript(segment.segmentStartMs(), segment.segmentEndMs(),
                    segment.overlapBeforeMs(), relative));
        }
        List<Placed> joined = new ArrayList<>();
        for (Cue cue : TranscriptJoiner.join(aligned)) {
            joined.add(new Placed(-1, cue));
        }
        List<Cue> cues = enforceInvariants(joined, map, settings).stream().map(Placed::cue).toList();
        return new AlignmentResult(cues, retimed, largest, shareOnSpeech(cues, map),
                warning(retimed, total, largest, settings));
    }

    private static SpeechMap speechMap(List<Region> speech, long durationMs) {
        if (durationMs < 0) {
            throw new IllegalArgumentException("negative duration " + durationMs);
        }
        return new SpeechMap(speech, durationMs);
    }

    private static AlignmentResult nothingToAlign(int cueCount, SpeechMap map) {
        if (!map.isEmpty()) {
            return new AlignmentResult(List.of(), 0, 0, 0.0, null);
        }
        String warning = "no speech detected in the recording (" + Timecodes.formatSeconds(map.durationMs())
                + " of silence): " + (cueCount == 0 ? "nothing to transcribe" : "all " + cueCount + " cues dropped");
        return new AlignmentResult(List.of(), cueCount, 0, 0.0, warning);
    }

    private List<Placed> alignWindow(List<Cue> all, List<Integer> indices, Region window, SpeechMap full,
                                     AlignmentSettings settings) {
        if (indices.isEmpty()) {
            return List.of();
        }
        long w0 = window.startMs();
        long w1 = window.endMs();
        long tol = settings.toleranceMs();
        SpeechMap speech = full.clip(w0, w1);
        if (speech.isEmpty()) {
            return List.of(); // no speech in this window: whatever the model said here is invented
        }
        List<Cue> raw = indices.stream().map(all::get).toList();
        DriftFit.Transform transform = new DriftFit(raw, speech, w0, settings).fit();

        int n = raw.size();
        Cue[] timed = new Cue[n];
        int plausible = 0;
        long previousEnd = w0;
        for (int k = 0; k < n; k++) {
            Cue cue = raw.get(k);
            long s = clamp(transform.apply(cue.startMs()), w0, w1);
            long e = clamp(transform.apply(cue.endMs()), w0, w1);
            if (speech.distanceToOnset(s) <= tol) {
                s = speech.nearestOnset(s);
            } else if (k == 0 || timed[k - 1] != null) {
                // inside speech that no earlier cue covers: the utterance starts where that speech starts
                int region = speech.regionAt(s);
                if (region >= 0 && speech.regions().get(region).startMs() >= previousEnd) {
                    s = speech.regions().get(region).startMs();
                }
            }
            if (speech.distanceToOffset(e) <= tol) {
                e = speech.nearestOffset(e);
            } else if (e > w0 && full.regionAt(e - 1) < 0) {
                long speechEnd = speech.previousOffset(e);
                if (speechEnd > s) {
                    e = speechEnd; // the end lies in silence: end with the speech
                }
            }
            boolean ok = e > s
                    && !full.inLongSilence(s, tol)
                    && s >= previousEnd - tol
                    && speech.longestSilenceWithin(s, e) <= settings.maxSilenceInCueMs();
            if (ok) {
                timed[k] = cue.withTimes(s, e);
                previousEnd = Math.max(previousEnd, e);
                plausible++;
            }
        }
        if (plausible < MIN_PLAUSIBLE_SHARE * n) {
            Arrays.fill(timed, null);
        }
        retimeImplausible(raw, timed, speech, w0, w1, settings);
        List<Placed> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (timed[k] != null) {
                out.add(new Placed(indices.get(k), timed[k]));
            }
        }
        return out;
    }

    /** Re-times each run of implausible cues across the speech between its plausible neighbours. */
    private static void retimeImplausible(List<Cue> raw, Cue[] timed, SpeechMap speech, long w0, long w1,
                                          AlignmentSettings settings) {
        boolean[] anchor = new boolean[timed.length];
        for (int k = 0; k < timed.length; k++) {
            anchor[k] = timed[k] != null;
        }
        int k = 0;
        while (k < timed.length) {
            if (anchor[k]) {
                k++;
                continue;
            }
            int from = k;
            while (k < timed.length && !anchor[k]) {
                k++;
            }
            long gapStart = from > 0 ? timed[from - 1].endMs() : w0;
            long gapEnd = k < timed.length ? timed[k].startMs() : w1;
            if (gapEnd > gapStart) {
                distribute(raw.subList(from, k), timed, from, speech.clip(gapStart, gapEnd), settings);
            }
        }
    }

    /** Lays the cues end to end over the speech of the gap, each taking speech time in proportion to its text. */
    private static void distribute(List<Cue> run, Cue[] timed, int offset, SpeechMap gap, AlignmentSettings settings) {
        List<Region> regions = gap.regions();
        long total = regions.stream().mapToLong(Region::durationMs).sum();
        if (total == 0) {
            return; // no speech left for these cues: dropped
        }
        long[] weights = run.stream().mapToLong(c -> weight(c.text(), settings.weighting())).toArray();
        long sum = Arrays.stream(weights).sum();
        long cumulative = 0;
        for (int i = 0; i < run.size(); i++) {
            long startPos = total * cumulative / sum;
            cumulative += weights[i];
            long endPos = total * cumulative / sum;
            long s = speechPosition(regions, startPos, true);
            long e = speechPosition(regions, endPos, false);
            if (e > s) {
                timed[offset + i] = run.get(i).withTimes(s, e);
            }
        }
    }

    /** Real time of a position on the concatenated speech; at a region boundary a start takes the next onset. */
    private static long speechPosition(List<Region> regions, long position, boolean start) {
        long accumulated = 0;
        for (Region r : regions) {
            long length = r.durationMs();
            if (start ? position < accumulated + length : position <= accumulated + length) {
                return r.startMs() + (position - accumulated);
            }
            accumulated += length;
        }
        return regions.get(regions.size() - 1).endMs();
    }

    static long weight(String text, AlignmentSettings.Weighting weighting) {
        String t = text.strip();
        if (t.isEmpty()) {
            return 1;
        }
        return weighting == AlignmentSettings.Weighting.WORDS
                ? t.split("\\s+").length
                : Math.max(1, t.replaceAll("\\s+", "").length());
    }

    /** Sorted, within the recording, non-overlapping, no start in a long silence. */
    private static List<Placed> enforceInvariants(List<Placed> placed, SpeechMap speech, AlignmentSettings settings) {
        long duration = speech.durationMs();
        List<Placed> sorted = new ArrayList<>();
        for (Placed p : placed) {
            long s = clamp(p.cue().startMs(), 0, duration);
            long e = clamp(p.cue().endMs(), s, duration);
            if (speech.inLongSilence(s, settings.toleranceMs())) {
                long next = speech.nextOnset(s);
                if (next < 0 || next >= e) {
                    continue;
                }
                s = next;
            }
            sorted.add(new Placed(p.index(), p.cue().withTimes(s, e)));
        }
        sorted.sort(Comparator.comparingLong((Placed p) -> p.cue().startMs()).thenComparingLong(p -> p.cue().endMs()));
        List<Placed> out = new ArrayList<>();
        String carried = null;
        for (int i = 0; i < sorted.size(); i++) {
            Placed p = sorted.get(i);
            Cue cue = p.cue();
            if (carried != null) {
                cue = new Cue(cue.startMs(), cue.endMs(), cue.speaker(), carried + " " + cue.text());
                carried = null;
            }
            if (i + 1 < sorted.size()) {
                long nextStart = sorted.get(i + 1).cue().startMs();
                if (cue.endMs() > nextStart) {
                    cue = cue.withTimes(cue.startMs(), nextStart);
                }
            }
            if (cue.endMs() <= cue.startMs()) {
                if (i + 1 < sorted.size()) {
                    carried = cue.text(); // same start as the next cue: keep the text with it
                }
                continue;
            }
            out.add(new Placed(p.index(), cue));
        }
        return out;
    }

    private static AlignmentResult summarize(List<Cue> input, List<Placed> kept, SpeechMap speech,
                                             AlignmentSettings settings) {
        long largest = 0;
        int moved = 0;
        for (Placed p : kept) {
            long correction = correction(input.get(p.index()), p.cue());
            largest = Math.max(largest, correction);
            moved += correction > settings.toleranceMs() ? 1 : 0;
        }
        int retimed = moved + input.size() - kept.size();
        List<Cue> cues = kept.stream().map(Placed::cue).toList();
        return new AlignmentResult(cues, retimed, largest, shareOnSpeech(cues, speech),
                warning(retimed, input.size(), largest, settings));
    }

    private static long correction(Cue original, Cue aligned) {
        return Math.max(Math.abs(aligned.startMs() - original.startMs()), Math.abs(aligned.endMs() - original.endMs()));
    }

    private static double shareOnSpeech(List<Cue> cues, SpeechMap speech) {
        long cueTime = 0;
        long onSpeech = 0;
        for (Cue cue : cues) {
            cueTime += cue.durationMs();
            onSpeech += speech.speechWithin(cue.startMs(), cue.endMs());
        }
        return cueTime == 0 ? 0.0 : (double) onSpeech / cueTime;
    }

    private static String warning(int retimed, int total, long largest, AlignmentSettings settings) {
        if (retimed * 2 <= total) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "most cues had to be re-timed: %d of %d moved by more than %d ms "
                        + "or dropped (largest correction %.1f s); the model's timestamps were unreliable",
                retimed, total, settings.toleranceMs(), largest / 1000.0);
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}

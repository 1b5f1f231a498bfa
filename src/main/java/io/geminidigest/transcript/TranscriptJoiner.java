package io.geminidigest.transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Joins the transcripts of consecutive segments into one transcript of the recording.
 *
 * <ul>
 *   <li>each segment's cues are offset by the start of the audio sent ({@code segmentStart - overlapBefore})
 *       and clamped into that audio ({@code [audioStart, segmentEnd]});</li>
 *   <li>a cue at the seam whose text is near-identical to a cue of the other side is kept once (the longer
 *       text; spanning both when they touch or the earlier one was cut at the seam, else with the earlier
 *       segment's times);</li>
 *   <li>other cues whose midpoint lies in the overlap that the previous segment already covered are dropped
 *       (the previous segment transcribed that speech); when such a cue runs on past the seam, the previous
 *       segment's cue that was cut at the seam is extended to its end, so the join leaves no gap;</li>
 *   <li>the result is sorted, monotonic and non-overlapping: an end that passes the next start is trimmed.</li>
 * </ul>
 */
public final class TranscriptJoiner {

    /** How far from the seam (beyond the overlap) cues are compared for duplicate text. */
    private static final long SEAM_WINDOW_MS = 2_000;
    /** Near-identical cues closer than this at the seam are taken as the same speech heard twice. */
    private static final long SEAM_TOUCH_MS = 500;

    private TranscriptJoiner() {
    }

    public static List<Cue> join(List<SegmentTranscript> segments) {
        List<SegmentTranscript> ordered = new ArrayList<>(segments);
        ordered.sort(Comparator.comparingLong(SegmentTranscript::segmentStartMs));
        List<Cue> joined = new ArrayList<>();
        long coveredUntil = Long.MIN_VALUE;
        for (SegmentTranscript segment : ordered) {
            long audioStart = segment.audioStartMs();
            long seam = segment.segmentStartMs();
            boolean overlapCovered = coveredUntil >= seam - segment.overlapBeforeMs() && !joined.isEmpty();
            List<Cue> incoming = new ArrayList<>();
            for (Cue relative : segment.cues()) {
                long start = clamp(audioStart + relative.startMs(), audioStart, segment.segmentEndMs());
                long end = clamp(audioStart + relative.endMs(), start, segment.segmentEndMs());
                incoming.add(relative.withTimes(start, end));
            }
            incoming.sort(Comparator.comparingLong(Cue::startMs));
            if (overlapCovered) {
                dedupeSeam(joined, incoming, seam, segment.overlapBeforeMs());
                long coveredEnd = Math.min(seam, coveredUntil);
                for (var it = incoming.iterator(); it.hasNext(); ) {
                    Cue cue = it.next();
                    if (cue.midpointMs() < coveredEnd) {
                        // duplicated speech of the overlap: the previous segment has it; if the speech runs on
                        // past the seam, the previous segment's cue that was cut there runs on with it
                        extendCutCue(joined, cue, coveredEnd);
                        it.remove();
                    }
                }
            }
            joined.addAll(incoming);
            coveredUntil = Math.max(coveredUntil, segment.segmentEndMs());
        }
        return monotonic(joined);
    }

    /** Removes near-identical cues across the seam, keeping the longer text over the union of both times. */
    private static void dedupeSeam(List<Cue> before, List<Cue> after, long seam, long overlapMs) {
        long window = overlapMs + SEAM_WINDOW_MS;
        for (int i = 0; i < after.size(); i++) {
            Cue next = after.get(i);
            if (next.startMs() > seam + window) {
                break;
            }
            for (int j = before.size() - 1; j >= 0; j--) {
                Cue previous = before.get(j);
                if (previous.endMs() < seam - window) {
                    break;
                }
                if (nearlySameText(previous.text(), next.text())) {
                    Cue longer = next.text().length() >= previous.text().length() ? next : previous;
                    // touching, or the earlier cue was cut at the seam: the same speech runs on into this segment
                    boolean sameSpeech = next.startMs() <= previous.endMs() + SEAM_TOUCH_MS || previous.endMs() >= seam;
                    // the same utterance heard on both sides spans both; otherwise trust the earlier segment's times
                    Cue merged = sameSpeech
                            ? new Cue(Math.min(previous.startMs(), next.startMs()), Math.max(previous.endMs(), next.endMs()),
                                    longer.speaker(), longer.text())
                            : new Cue(previous.startMs(), previous.endMs(), previous.speaker(), longer.text());
                    before.set(j, merged);
                    after.remove(i--);
                    break;
                }
            }
        }
    }

    /** Lets the cue that the previous segment cut at the seam end where the dropped overlap cue ends. */
    private static void extendCutCue(List<Cue> before, Cue dropped, long seam) {
        if (dropped.endMs() <= seam || before.isEmpty()) {
            return;
        }
        int last = before.size() - 1;
        Cue cut = before.get(last);
        if (cut.endMs() >= seam && cut.startMs() < dropped.endMs() && dropped.endMs() > cut.endMs()) {
            before.set(last, cut.withTimes(cut.startMs(), dropped.endMs()));
        }
    }

    /** Sorted, with ends trimmed to the next start; a cue trimmed to nothing gives its text to the next. */
    static List<Cue> monotonic(List<Cue> cues) {
        List<Cue> sorted = new ArrayList<>(cues);
        sorted.sort(Comparator.comparingLong(Cue::startMs).thenComparingLong(Cue::endMs));
        List<Cue> out = new ArrayList<>();
        String carried = null;
        for (int i = 0; i < sorted.size(); i++) {
            Cue cue = sorted.get(i);
            if (carried != null) {
                cue = new Cue(cue.startMs(), cue.endMs(), cue.speaker(), carried + " " + cue.text());
                carried = null;
            }
            if (i + 1 < sorted.size()) {
                long nextStart = sorted.get(i + 1).startMs();
                if (cue.endMs() > nextStart) {
                    if (nextStart <= cue.startMs()) {
                        carried = cue.text();
                        continue;
                    }
                    cue = cue.withTimes(cue.startMs(), nextStart);
                }
            }
            out.add(cue);
        }
        return out;
    }

    /** Same words after normalisation, one text containing the other, or a word overlap of at least 70 %. */
    static boolean nearlySameText(String a, String b) {
        String x = normalize(a);
        String y = normalize(b);
        if (x.isEmpty() || y.isEmpty()) {
            return false;
        }
        if (x.equals(y)) {
            return true;
        }
        String shorter = x.length() <= y.length() ? x : y;
        String longer = shorter == x ? y : x;
        if (shorter.length() >= 12 && longer.contains(shorter)) {
            return true;
        }
        Set<String> wx = new HashSet<>(Arrays.asList(x.split(" ")));
        Set<String> wy = new HashSet<>(Arrays.asList(y.split(" ")));
        Set<String> union = new HashSet<>(wx);
        union.addAll(wy);
        wx.retainAll(wy);
        return union.size() >= 3 && wx.size() >= 0.7 * union.size();
    }

    private static String normalize(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}

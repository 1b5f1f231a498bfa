package io.geminidigest.transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Detected speech regions of a recording, sorted and merged, with fast look-ups of onsets, offsets and
 * silences (binary search).
 */
final class SpeechMap {

    private final List<Region> regions;
    private final long[] onsets;
    private final long[] offsets;
    private final long durationMs;

    SpeechMap(List<Region> speech, long durationMs) {
        this.durationMs = durationMs;
        List<Region> sorted = new ArrayList<>(speech);
        sorted.sort(Comparator.comparingLong(Region::startMs));
        List<Region> merged = new ArrayList<>();
        for (Region r : sorted) {
            long start = Math.max(0, r.startMs());
            long end = Math.min(durationMs, r.endMs());
            if (end <= start) {
                continue;
            }
            if (!merged.isEmpty() && start <= merged.get(merged.size() - 1).endMs()) {
                Region last = merged.remove(merged.size() - 1);
                merged.add(new Region(last.startMs(), Math.max(last.endMs(), end)));
            } else {
                merged.add(new Region(start, end));
            }
        }
        this.regions = List.copyOf(merged);
        this.onsets = merged.stream().mapToLong(Region::startMs).toArray();
        this.offsets = merged.stream().mapToLong(Region::endMs).toArray();
    }

    List<Region> regions() {
        return regions;
    }

    boolean isEmpty() {
        return regions.isEmpty();
    }

    long durationMs() {
        return durationMs;
    }

    /** The speech map restricted to {@code [from, to)}. */
    SpeechMap clip(long from, long to) {
        List<Region> clipped = new ArrayList<>();
        for (Region r : regions) {
            long s = Math.max(from, r.startMs());
            long e = Math.min(to, r.endMs());
            if (e > s) {
                clipped.add(new Region(s, e));
            }
        }
        return new SpeechMap(clipped, durationMs);
    }

    /** Distance to the nearest onset, {@link Long#MAX_VALUE} when there is none. */
    long distanceToOnset(long t) {
        return Math.abs(t - nearest(onsets, t));
    }

    long distanceToOffset(long t) {
        return Math.abs(t - nearest(offsets, t));
    }

    long nearestOnset(long t) {
        return nearest(onsets, t);
    }

    long nearestOffset(long t) {
        return nearest(offsets, t);
    }

    /** Index of the region containing {@code t}, or -1. */
    int regionAt(long t) {
        int i = floorIndex(onsets, t);
        return i >= 0 && t < offsets[i] ? i : -1;
    }

    /** The first onset at or after {@code t}, or -1. */
    long nextOnset(long t) {
        int i = Arrays.binarySearch(onsets, t);
        int idx = i >= 0 ? i : -i - 1;
        return idx < onsets.length ? onsets[idx] : -1;
    }

    /** The last offset at or before {@code t}, or -1. */
    long previousOffset(long t) {
        int i = floorIndex(offsets, t);
        return i >= 0 ? offsets[i] : -1;
    }

    /**
     * Length of the silence that contains {@code t}, 0 when {@code t} is on speech. Silence before the
     * first region and after the last counts up to the recording's bounds.
     */
    long silenceAround(long t) {
        if (regionAt(t) >= 0) {
            return 0;
        }
        long before = previousOffset(t);
        long after = nextOnset(t);
        return (after < 0 ? durationMs : after) - Math.max(0, before);
    }

    /** Whether {@code t} lies in a silence longer than {@code tolerance}. */
    boolean inLongSilence(long t, long tolerance) {
        return silenceAround(t) > tolerance;
    }

    /** Longest silence strictly inside {@code (from, to)}. */
    long longestSilenceWithin(long from, long to) {
        long longest = 0;
        int i = Math.max(0, floorIndex(onsets, from));
        long cursor = from;
        for (; i < regions.size() && regions.get(i).startMs() < to; i++) {
            Region r = regions.get(i);
            if (r.startMs() > cursor) {
                longest = Math.max(longest, r.startMs() - cursor);
            }
            cursor = Math.max(cursor, r.endMs());
        }
        if (cursor < to && cursor > from) {
            longest = Math.max(longest, to - cursor);
        }
        return longest;
    }

    /** Speech time within {@code [from, to)}. */
    long speechWithin(long from, long to) {
        long total = 0;
        int i = Math.max(0, floorIndex(onsets, from));
        for (; i < regions.size() && regions.get(i).startMs() < to; i++) {
            total += regions.get(i).overlap(from, to);
        }
        return total;
    }

    private static long nearest(long[] sorted, long t) {
        if (sorted.length == 0) {
            return Long.MAX_VALUE / 4;
        }
        int i = Arrays.binarySearch(sorted, t);
        if (i >= 0) {
            return sorted[i];
        }
        int ins = -i - 1;
        if (ins == 0) {
            return sorted[0];
        }
        if (ins == sorted.length) {
            return sorted[sorted.length - 1];
        }
        return t - sorted[ins - 1] <= sorted[ins] - t ? sorted[ins - 1] : sorted[ins];
    }

    /** Index of the last element {@code <= t}, or -1. */
    private static int floorIndex(long[] sorted, long t) {
        int i = Arrays.binarySearch(sorted, t);
        if (i >= 0) {
            while (i + 1 < sorted.length && sorted[i + 1] == t) {
                i++;
            }
            return i;
        }
        return -i - 2;
    }
}

package io.geminidigest.transcript;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the systematic error of the model's clock in one window (a segment as sent to the model): the
 * affine map {@code real = origin + shift + scale * (model - origin)} that puts most cue starts on speech
 * onsets and cue ends on speech offsets.
 *
 * <p>Hypotheses come from the identity, from mapping the span of the cues onto the span of the speech,
 * from single-anchor shifts and from two-anchor pairs (cue starts mapped onto onsets); each is scored by
 * how close the mapped boundaries land to detected boundaries (soft count within the tolerance) and the
 * best ones are refined by iterated least squares on the matched boundaries. The identity wins ties, so a
 * model with correct times is left alone.
 */
final class DriftFit {

    /** The fitted map. */
    record Transform(double scale, double shiftMs, long originMs) {

        static Transform identity(long origin) {
            return new Transform(1.0, 0.0, origin);
        }

        long apply(long modelMs) {
            return Math.round(originMs + shiftMs + scale * (modelMs - originMs));
        }

        boolean isIdentity() {
            return scale == 1.0 && shiftMs == 0.0;
        }
    }

    private static final int SAMPLE = 160;
    private static final int REFINED = 6;
    private static final double IDENTITY_PREFERENCE = 0.97;

    private final SpeechMap speech;
    private final AlignmentSettings settings;
    private final long origin;
    private final List<Cue> cues;
    private final List<Cue> sample;

    DriftFit(List<Cue> cues, SpeechMap speech, long originMs, AlignmentSettings settings) {
        this.cues = cues;
        this.speech = speech;
        this.settings = settings;
        this.origin = originMs;
        this.sample = sample(cues);
    }

    Transform fit() {
        Transform identity = Transform.identity(origin);
        if (cues.isEmpty() || speech.isEmpty()) {
            return identity;
        }
        List<Scored> candidates = new ArrayList<>();
        for (Transform t : hypotheses()) {
            candidates.add(new Scored(t, score(t, sample)));
        }
        candidates.sort(Comparator.comparingDouble(Scored::score).reversed());
        Scored best = new Scored(identity, score(identity, cues));
        double identityScore = best.score();
        for (int i = 0; i < Math.min(REFINED, candidates.size()); i++) {
            Transform refined = refine(candidates.get(i).transform());
            double s = score(refined, cues);
            if (s > best.score()) {
                best = new Scored(refined, s);
            }
        }
        return best.score() * IDENTITY_PREFERENCE <= identityScore ? identity : best.transform();
    }

    private record Scored(Transform transform, double score) {
    }

    private List<Transform> hypotheses() {
        List<Transform> out = new ArrayList<>();
        out.add(Transform.identity(origin));
        List<Region> regions = speech.regions();
        // span of the cues onto span of the speech
        long firstStart = cues.stream().mapToLong(Cue::startMs).min().orElse(0);
        long lastEnd = cues.stream().mapToLong(Cue::endMs).max().orElse(0);
        addPair(out, firstStart, regions.get(0).startMs(), lastEnd, regions.get(regions.size() - 1).endMs());
        // single anchors: pure shifts
        for (int q = 1; q <= 5; q++) {
            Cue anchor = cues.get((cues.size() - 1) * q / 6);
            for (Region r : regions) {
                double shift = r.startMs() - anchor.startMs();
                if (Math.abs(shift) <= settings.maxShiftMs()) {
                    out.add(new Transform(1.0, shift, origin));
                }
            }
        }
        // anchor pairs: scale and shift
        int n = cues.size();
        if (n >= 4) {
            int[][] pairs = {{n / 4, 3 * n / 4}, {n / 8, 5 * n / 8}, {3 * n / 8, 7 * n / 8}, {n / 10, 9 * n / 10}};
            for (int[] pair : pairs) {
                Cue a = cues.get(pair[0]);
                Cue b = cues.get(Math.min(n - 1, pair[1]));
                long span = b.startMs() - a.startMs();
                if (span <= 0) {
                    continue;
                }
                long aFrom = origin - settings.maxShiftMs() + Math.round(settings.minScale() * (a.startMs() - origin));
                long aTo = origin + settings.maxShiftMs() + Math.round(settings.maxScale() * (a.startMs() - origin));
                for (Region ra : regions) {
                    if (ra.startMs() < aFrom || ra.startMs() > aTo) {
                        continue;
                    }
                    double lo = ra.startMs() + settings.minScale() * span;
                    double hi = ra.startMs() + settings.maxScale() * span;
                    for (Region rb : regions) {
                        if (rb.startMs() >= lo && rb.startMs() <= hi) {
                            addPair(out, a.startMs(), ra.startMs(), b.startMs(), rb.startMs());
                        }
                    }
                }
            }
        }
        return out;
    }

    private void addPair(List<Transform> out, long model1, long real1, long model2, long real2) {
        if (model2 == model1) {
            return;
        }
        double scale = (double) (real2 - real1) / (model2 - model1);
        double shift = real1 - origin - scale * (model1 - origin);
        if (scale >= settings.minScale() && scale <= settings.maxScale() && Math.abs(shift) <= settings.maxShiftMs()) {
            out.add(new Transform(scale, shift, origin));
        }
    }

    /** Iterated least squares on the boundaries that the transform puts near detected boundaries. */
    private Transform refine(Transform start) {
        Transform t = start;
        long window = settings.toleranceMs() * 2;
        for (int iteration = 0; iteration < 4; iteration++) {
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            int count = 0;
            for (Cue cue : cues) {
                long ms = t.apply(cue.startMs());
                long me = t.apply(cue.endMs());
                long on = speech.nearestOnset(ms);
                long off = speech.nearestOffset(me);
                if (Math.abs(on - ms) <= window) {
                    double x = cue.startMs() - origin, y = on - origin;
                    sx += x; sy += y; sxx += x * x; sxy += x * y; count++;
                }
                if (Math.abs(off - me) <= window) {
                    double x = cue.endMs() - origin, y = off - origin;
                    sx += x; sy += y; sxx += x * x; sxy += x * y; count++;
                }
            }
            if (count < 4) {
                return t;
            }
            double var = sxx - sx * sx / count;
            if (var <= 1e-6) {
                return t;
            }
            double scale = (sxy - sx * sy / count) / var;
            double shift = (sy - scale * sx) / count;
            if (scale < settings.minScale() || scale > settings.maxScale() || Math.abs(shift) > settings.maxShiftMs()) {
                return t;
            }
            t = new Transform(scale, shift, origin);
        }
        return t;
    }

    /** Soft count of boundaries landing within the tolerance of a detected boundary (1 on it, 0 at the edge). */
    private double score(Transform t, List<Cue> which) {
        double tol = settings.toleranceMs();
        double total = 0;
        for (Cue cue : which) {
            long ds = speech.distanceToOnset(t.apply(cue.startMs()));
            long de = speech.distanceToOffset(t.apply(cue.endMs()));
            total += Math.max(0, 1 - ds / tol) + Math.max(0, 1 - de / tol);
        }
        return total;
    }

    private static List<Cue> sample(List<Cue> cues) {
        if (cues.size() <= SAMPLE) {
            return cues;
        }
        List<Cue> out = new ArrayList<>(SAMPLE);
        for (int i = 0; i < SAMPLE; i++) {
            out.add(cues.get((int) ((long) i * cues.size() / SAMPLE)));
        }
        return out;
    }
}

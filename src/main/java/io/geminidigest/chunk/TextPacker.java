package io.geminidigest.chunk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Groups consecutive parts (e.g. chunk summaries in the reduce step of map-reduce) so that each
 * group fits a token budget. Immutable and thread-safe.
 */
public final class TextPacker {

    private final TokenEstimator estimator;

    public TextPacker(TokenEstimator estimator) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
    }

    /** A packer with {@link TokenEstimator#defaults()}. */
    public static TextPacker defaults() {
        return new TextPacker(TokenEstimator.defaults());
    }

    /**
     * Groups consecutive parts, in order, so that each group's estimated total (the parts' estimates
     * plus {@code separatorTokens} between neighbours) is at most {@code budgetTokens}. Greedy: a
     * group takes parts while they fit. A part larger than the budget on its own becomes a group of
     * its own; the caller re-splits it.
     *
     * @return the groups as lists of indices into {@code parts}; empty for no parts
     */
    public List<List<Integer>> pack(List<String> parts, int budgetTokens, int separatorTokens) {
        Objects.requireNonNull(parts, "parts");
        if (budgetTokens <= 0 || separatorTokens < 0) {
            throw new IllegalArgumentException("budgetTokens must be positive and separatorTokens non-negative, was "
                    + budgetTokens + " and " + separatorTokens);
        }
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> group = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < parts.size(); i++) {
            int tokens = estimator.estimate(Objects.requireNonNull(parts.get(i), "part"));
            long withPart = group.isEmpty() ? tokens : total + separatorTokens + tokens;
            if (!group.isEmpty() && withPart > budgetTokens) {
                groups.add(List.copyOf(group));
                group.clear();
                withPart = tokens;
            }
            group.add(i);
            total = withPart;
        }
        if (!group.isEmpty()) {
            groups.add(List.copyOf(group));
        }
        return Collections.unmodifiableList(groups);
    }
}

package io.geminidigest.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextPackerTest {

    private final TokenEstimator estimator = new TokenEstimator(1.0);
    private final TextPacker packer = new TextPacker(estimator);

    /** A part of exactly {@code tokens} raw tokens (a CJK character costs 1). */
    private static String part(int tokens) {
        return "天".repeat(tokens);
    }

    @Test
    void noPartsNoGroups() {
        assertThat(packer.pack(List.of(), 100, 5)).isEmpty();
    }

    @Test
    void everythingFitsInOneGroup() {
        assertThat(packer.pack(List.of(part(10), part(20), part(30)), 100, 5))
                .containsExactly(List.of(0, 1, 2));
    }

    @Test
    void separatorsAreCounted() {
        List<String> parts = List.of(part(30), part(30), part(30));
        assertThat(packer.pack(parts, 90, 0)).containsExactly(List.of(0, 1, 2));
        assertThat(packer.pack(parts, 90, 1)).containsExactly(List.of(0, 1), List.of(2));
    }

    @Test
    void oversizedPartIsItsOwnGroup() {
        List<String> parts = List.of(part(10), part(500), part(10), part(10));
        assertThat(packer.pack(parts, 100, 2)).containsExactly(List.of(0), List.of(1), List.of(2, 3));
    }

    @Test
    void groupsAreConsecutiveInOrderAndWithinBudget() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            parts.add(part(1 + (i * 37) % 60));
        }
        int budget = 150;
        int separator = 3;
        List<List<Integer>> groups = packer.pack(parts, budget, separator);
        List<Integer> flattened = groups.stream().flatMap(List::stream).toList();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            expected.add(i);
        }
        assertThat(flattened).isEqualTo(expected);
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> group = groups.get(g);
            int total = group.stream().mapToInt(i -> estimator.estimate(parts.get(i))).sum()
                    + separator * (group.size() - 1);
            assertThat(total).isLessThanOrEqualTo(budget);
            if (g + 1 < groups.size()) { // greedy: the next part would not have fitted
                int next = estimator.estimate(parts.get(groups.get(g + 1).get(0)));
                assertThat(total + separator + next).isGreaterThan(budget);
            }
        }
        assertThat(groups.get(0)).isUnmodifiable();
        assertThat(Collections.unmodifiableList(groups)).isEqualTo(groups);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> packer.pack(List.of("a"), 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> packer.pack(List.of("a"), 10, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TextPacker.defaults().pack(List.of("a", "b"), 10, 1)).containsExactly(List.of(0, 1));
    }
}

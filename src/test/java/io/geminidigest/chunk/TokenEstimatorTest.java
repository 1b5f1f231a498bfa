package io.geminidigest.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    private final TokenEstimator raw = new TokenEstimator(1.0);
    private final TokenEstimator defaults = TokenEstimator.defaults();

    @Test
    void emptyTextCostsNothing() {
        assertThat(defaults.estimate("")).isZero();
        assertThat(defaults.estimate("abc", 1, 1)).isZero();
    }

    @Test
    void englishProseIsAboutFourCharsPerToken() {
        String alice = Samples.alice();
        assertThat(alice.length()).isBetween(140_000, 150_000);
        int expected = alice.length() / 4; // ~36K
        assertThat(raw.estimate(alice)).isBetween((int) (expected * 0.75), (int) (expected * 1.25));
        assertThat(defaults.estimate(alice)).isBetween((int) (expected * 0.75), (int) (expected * 1.25));
        assertThat(raw.estimate("The quick brown fox jumps over the lazy dog.")).isBetween(9, 14);
    }

    @Test
    void cjkIsAboutOneTokenPerCharacter() {
        assertThat(raw.estimate("天地玄黃宇宙洪荒")).isEqualTo(8);
        assertThat(raw.estimate("ひらがなカタカナ한국어")).isEqualTo(11);
        String chinese = Samples.chinese();
        long visible = chinese.codePoints().filter(cp -> !Character.isWhitespace(cp)).count();
        assertThat((double) raw.estimate(chinese) / visible).isBetween(0.8, 1.25);
    }

    @Test
    void otherScriptsAreDenserThanEnglish() {
        String english = "the people of the country were happy with the weather today";
        String russian = "люди этой страны были довольны сегодняшней погодой и солнцем";
        assertThat((double) russian.length() / raw.estimate(russian))
                .isLessThan((double) english.length() / raw.estimate(english));
    }

    @Test
    void codeIsDenserThanProse() {
        String code = """
                for (int i = 0; i < items.size(); i++) {
                    if (items.get(i).isEmpty()) { map.put(key, List.of(i, i + 1)); }
                }
                """;
        String prose = Samples.alice().substring(20_000, 30_000);
        double codeCharsPerToken = (double) code.length() / raw.estimate(code);
        double proseCharsPerToken = (double) prose.length() / raw.estimate(prose);
        assertThat(codeCharsPerToken).isLessThan(proseCharsPerToken * 0.85);
    }

    @Test
    void digitsCostOneTokenPerOneToThreeDigits() {
        assertThat(raw.estimate("7")).isEqualTo(1);
        assertThat(raw.estimate("123456")).isBetween(2, 6);
    }

    @Test
    void whitespaceIsMostlyFree() {
        assertThat(raw.estimate("word")).isEqualTo(raw.estimate(" word"));
        assertThat(raw.estimate("a\nb")).isLessThan(raw.estimate("a.b") + 1);
        assertThat(raw.estimate("   ")).isLessThanOrEqualTo(1);
    }

    @Test
    void safetyFactorMultipliesTheRawEstimate() {
        String alice = Samples.alice();
        int base = raw.estimate(alice);
        assertThat((double) new TokenEstimator(1.5).estimate(alice)).isCloseTo(base * 1.5, within(2.0));
        assertThat((double) defaults.estimate(alice)).isCloseTo(base * TokenEstimator.DEFAULT_SAFETY_FACTOR, within(2.0));
        assertThat(new TokenEstimator().safetyFactor()).isEqualTo(1.1);
        assertThat(defaults.estimate("x")).isEqualTo(1); // 4 units * 1.1 rounds up to a token
    }

    @Test
    void rejectsUnreasonableSafetyFactors() {
        assertThatThrownBy(() -> new TokenEstimator(0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("safetyFactor");
        assertThatThrownBy(() -> new TokenEstimator(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangeEqualsSubstringEstimate() {
        String text = Samples.alice().substring(0, 20_000) + "漢字テキスト 😀 e\u0301 " + Samples.chinese().substring(0, 500);
        Random random = new Random(42);
        for (int k = 0; k < 500; k++) {
            int a = random.nextInt(text.length());
            int b = a + random.nextInt(text.length() - a + 1);
            assertThat(defaults.estimate(text, a, b)).isEqualTo(defaults.estimate(text.substring(a, b)));
        }
    }

    @Test
    void unitsForTokensIsTheLargestFittingAmount() {
        for (int tokens = 1; tokens < 2000; tokens += 7) {
            long units = defaults.unitsForTokens(tokens);
            assertThat(defaults.tokensForUnits(units)).isLessThanOrEqualTo(tokens);
            assertThat(defaults.tokensForUnits(units + 1)).isGreaterThan(tokens);
        }
    }

    /** The chunker's incremental estimates rely on this bound. */
    @Property(tries = 200)
    void rangeCostsAtMostOneTokenMoreThanItsShareOfTheWhole(@ForAll("texts") String text,
                                                          @ForAll("fractions") double f1,
                                                          @ForAll("fractions") double f2) {
        long[] prefix = raw.prefixUnits(text);
        int a = (int) (Math.min(f1, f2) * text.length());
        int b = (int) (Math.max(f1, f2) * text.length());
        assertThat(prefix[text.length()]).isEqualTo(raw.rawUnits(text, 0, text.length()));
        assertThat(raw.rawUnits(text, a, b))
                .isLessThanOrEqualTo(prefix[b] - prefix[a] + TokenEstimator.RANGE_START_SLACK_UNITS);
    }

    @Provide
    Arbitrary<String> texts() {
        return TextGenerators.texts();
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1);
    }
}

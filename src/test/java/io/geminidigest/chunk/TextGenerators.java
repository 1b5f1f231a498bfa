package io.geminidigest.chunk;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for mixed texts: English, CJK, long words, headings, CRLF, emoji, combining marks. */
final class TextGenerators {

    private TextGenerators() {
    }

    static Arbitrary<String> texts() {
        return fragments().list().ofMinSize(0).ofMaxSize(150).map(list -> String.join("", list));
    }

    static Arbitrary<String> fragments() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
        Arbitrary<String> separator = Arbitraries.of(" ", " ", " ", ", ", ". ", "! ", "? ", "… ", ".\" ",
                "\t", "  ", " \n", ".\n", "\r\n", "\n\n", ".\r\n\r\n", "   \n");
        Arbitrary<String> english = Combinators.combine(word, separator).as(String::concat);
        Arbitrary<String> cjk = Arbitraries.strings().withCharRange('\u4e00', '\u9fa5').ofMinLength(1).ofMaxLength(40)
                .flatMap(run -> Arbitraries.of("", "。", "！", "？", "。」", "，", "\n\n").map(run::concat));
        Arbitrary<String> longWord = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(50).ofMaxLength(600);
        Arbitrary<String> heading = word.map(w -> "\n\n# " + w + " heading\n\n");
        Arbitrary<String> special = Arbitraries.of("😀", "👍🏽", "e\u0301", "a\u0308\u0323", "café ", "naïve ",
                "\uD83D\uDE00\uD83D\uDE01", "한국어 ", "ひらがな", "2024 ", "x = f(y);\n", "\t\tindent\n", "Привет мир. ");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, english),
                net.jqwik.api.Tuple.of(3, cjk),
                net.jqwik.api.Tuple.of(1, longWord),
                net.jqwik.api.Tuple.of(1, heading),
                net.jqwik.api.Tuple.of(3, special));
    }
}

package io.geminidigest.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminidigest.transcript.SubtitleFiles.ParsedCue;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random cues always give valid SRT and WebVTT files, and times survive the round trip. */
class SubtitlePropertiesTest {

    private final SubtitleWriter writer = new SubtitleWriter();

    record Spec(long gapMs, long durationMs, String speaker, String text) {
    }

    private static Arbitrary<String> words(int maxLength) {
        return Arbitraries.strings().withCharRange('a', 'z').withChars("<>&é'-,.!?").ofMinLength(1).ofMaxLength(maxLength);
    }

    private static Arbitrary<List<Cue>> cues(Arbitrary<Long> durations, Arbitrary<String> texts) {
        Arbitrary<Spec> spec = Combinators.combine(
                Arbitraries.longs().between(0, 20_000), durations,
                Arbitraries.of("Speaker 1", "Speaker 2", "Dr. <Who>", "").injectNull(0.2), texts).as(Spec::new);
        return spec.list().ofMaxSize(40).map(specs -> {
            List<Cue> out = new ArrayList<>();
            long t = 0;
            for (Spec s : specs) {
                long start = t + s.gapMs();
                out.add(new Cue(start, start + s.durationMs(), s.speaker(), s.text()));
                t = start + s.durationMs();
            }
            return out;
        });
    }

    /** Short cues whose text fits in one cue: written unchanged. */
    @Provide
    Arbitrary<List<Cue>> simpleCues() {
        Arbitrary<String> text = words(10).list().ofMinSize(1).ofMaxSize(6).map(w -> String.join(" ", w));
        return cues(Arbitraries.longs().between(1, 7_000), text);
    }

    /** Anything: long cues, long texts, long words, odd characters and white space. */
    @Provide
    Arbitrary<List<Cue>> anyCues() {
        Arbitrary<String> text = Arbitraries.oneOf(words(60), Arbitraries.strings().ofMaxLength(3).map(s -> s + " \n---> x"))
                .list().ofMinSize(1).ofMaxSize(60).map(w -> String.join(" ", w));
        return cues(Arbitraries.longs().between(0, 120_000), text);
    }

    private static String spaces(String text) {
        return text.codePoints().map(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().replaceAll(" +", " ").strip();
    }

    private static String noArrows(String text) {
        String t = text;
        while (t.contains("-->")) {
            t = t.replace("-->", "->");
        }
        return t;
    }

    @Property(tries = 300)
    void timesAndTextRoundTrip(@ForAll("simpleCues") List<Cue> cues) {
        List<ParsedCue> srt = SubtitleFiles.parseSrt(writer.srt(cues));
        List<ParsedCue> vtt = SubtitleFiles.parseVtt(writer.webVtt(cues));
        assertThat(srt).hasSameSizeAs(cues);
        assertThat(vtt).hasSameSizeAs(cues);
        for (int i = 0; i < cues.size(); i++) {
            Cue cue = cues.get(i);
            assertThat(srt.get(i).startMs()).isEqualTo(cue.startMs());
            assertThat(srt.get(i).endMs()).isEqualTo(cue.endMs());
            assertThat(vtt.get(i).startMs()).isEqualTo(cue.startMs());
            assertThat(vtt.get(i).endMs()).isEqualTo(cue.endMs());
            String text = noArrows(cue.text()); // "-->" would end the text: written as "->"
            assertThat(srt.get(i).text()).isEqualTo(text);
            assertThat(vtt.get(i).text()).isEqualTo(text);
        }
    }

    @Property(tries = 300)
    void anyCuesGiveValidFilesWithinTheLimits(@ForAll("anyCues") List<Cue> cues) {
        List<ParsedCue> srt = SubtitleFiles.parseSrt(writer.srt(cues));
        List<ParsedCue> vtt = SubtitleFiles.parseVtt(writer.webVtt(cues));
        assertThat(vtt).hasSameSizeAs(srt);
        long first = cues.isEmpty() ? 0 : cues.get(0).startMs();
        long last = cues.isEmpty() ? 0 : cues.get(cues.size() - 1).endMs();
        for (ParsedCue cue : srt) {
            assertThat(cue.startMs()).isBetween(first, last);
            assertThat(cue.endMs()).isBetween(first, last);
            assertThat(cue.lines()).allMatch(l -> l.length() <= 42 || !l.contains(" "));
            if (cue.lines().stream().allMatch(l -> l.length() <= 42) && cue.lines().size() > 1) {
                assertThat(cue.lines()).hasSizeLessThanOrEqualTo(2);
            }
        }
        // text is preserved word for word
        String written = String.join(" ", srt.stream().map(ParsedCue::text).toList());
        String expected = String.join(" ", cues.stream().map(c -> noArrows(spaces(c.text())))
                .filter(t -> !t.isEmpty()).toList());
        assertThat(written).isEqualTo(expected);
    }
}

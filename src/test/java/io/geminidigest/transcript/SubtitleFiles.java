package io.geminidigest.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict test-side readers of SRT and WebVTT: sequence numbers, time format, ordering (sorted and
 * non-overlapping), blank lines between cues, header. Any deviation throws {@link IllegalArgumentException}
 * naming the line.
 */
public final class SubtitleFiles {

    /** A cue as read back: times, voice (WebVTT only, may be null) and text lines (unescaped). */
    public record ParsedCue(long startMs, long endMs, String voice, List<String> lines) {
        String text() {
            return String.join(" ", lines);
        }
    }

    private static final Pattern SRT_TIMING =
            Pattern.compile("(\\d{2}):([0-5]\\d):([0-5]\\d),(\\d{3}) --> (\\d{2}):([0-5]\\d):([0-5]\\d),(\\d{3})");
    private static final Pattern VTT_TIMING =
            Pattern.compile("(\\d{2}):([0-5]\\d):([0-5]\\d)\\.(\\d{3}) --> (\\d{2}):([0-5]\\d):([0-5]\\d)\\.(\\d{3})");
    private static final Pattern VOICE = Pattern.compile("^<v ([^<>&]+)>");
    private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt);");

    private SubtitleFiles() {
    }

    public static List<ParsedCue> parseSrt(String file) {
        List<String> lines = lines(file);
        List<ParsedCue> cues = new ArrayList<>();
        int i = 0;
        long previousEnd = 0;
        while (i < lines.size()) {
            if (i > 0) {
                expect(lines.get(i).isEmpty(), i, "blank line between cues");
                i++;
            }
            expect(i < lines.size(), i, "a cue after the blank line");
            expect(lines.get(i).equals(String.valueOf(cues.size() + 1)), i, "sequence number " + (cues.size() + 1));
            i++;
            expect(i < lines.size(), i, "a timing line");
            Matcher m = SRT_TIMING.matcher(lines.get(i));
            expect(m.matches(), i, "HH:MM:SS,mmm --> HH:MM:SS,mmm");
            long start = millis(m, 1);
            long end = millis(m, 5);
            expect(start <= end, i, "start <= end");
            expect(start >= previousEnd, i, "cues in order and not overlapping");
            previousEnd = end;
            i++;
            List<String> text = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                expect(!lines.get(i).contains("-->"), i, "text without -->");
                expect(lines.get(i).equals(lines.get(i).strip()), i, "text without surrounding blanks");
                text.add(lines.get(i++));
            }
            expect(!text.isEmpty(), i, "at least one text line");
            cues.add(new ParsedCue(start, end, null, text));
        }
        return cues;
    }

    public static List<ParsedCue> parseVtt(String file) {
        List<String> lines = lines(file);
        expect(!lines.isEmpty() && lines.get(0).equals("WEBVTT"), 0, "WEBVTT header");
        List<ParsedCue> cues = new ArrayList<>();
        int i = 1;
        long previousEnd = 0;
        while (i < lines.size()) {
            expect(lines.get(i).isEmpty(), i, "blank line before a cue");
            i++;
            expect(i < lines.size(), i, "a cue after the blank line");
            Matcher m = VTT_TIMING.matcher(lines.get(i));
            expect(m.matches(), i, "HH:MM:SS.mmm --> HH:MM:SS.mmm");
            long start = millis(m, 1);
            long end = millis(m, 5);
            expect(start <= end, i, "start <= end");
            expect(start >= previousEnd, i, "cues in order and not overlapping");
            previousEnd = end;
            i++;
            List<String> text = new ArrayList<>();
            String voice = null;
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                String line = lines.get(i);
                expect(!line.contains("-->"), i, "text without -->");
                if (text.isEmpty()) {
                    Matcher v = VOICE.matcher(line);
                    if (v.find()) {
                        voice = v.group(1);
                        line = line.substring(v.end());
                    }
                }
                expect(line.indexOf('<') < 0 && line.indexOf('>') < 0, i, "no markup besides the voice tag");
                String withoutEntities = ENTITY.matcher(line).replaceAll("");
                expect(withoutEntities.indexOf('&') < 0, i, "& only as an entity");
                text.add(line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
                i++;
            }
            expect(!text.isEmpty(), i, "at least one text line");
            cues.add(new ParsedCue(start, end, voice, text));
        }
        return cues;
    }

    private static List<String> lines(String file) {
        expect(!file.contains("\r"), 0, "LF line ends");
        expect(file.isEmpty() || file.endsWith("\n"), 0, "a final line end");
        expect(!file.endsWith("\n\n"), 0, "no trailing blank line");
        if (file.isEmpty()) {
            return List.of();
        }
        return List.of(file.substring(0, file.length() - 1).split("\n", -1));
    }

    private static long millis(Matcher m, int group) {
        return ((Long.parseLong(m.group(group)) * 60 + Long.parseLong(m.group(group + 1))) * 60
                + Long.parseLong(m.group(group + 2))) * 1000 + Long.parseLong(m.group(group + 3));
    }

    private static void expect(boolean condition, int line, String what) {
        if (!condition) {
            throw new IllegalArgumentException("line " + (line + 1) + ": expected " + what);
        }
    }
}

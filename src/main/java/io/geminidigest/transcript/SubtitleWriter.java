package io.geminidigest.transcript;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes transcripts as SRT, WebVTT, readable Markdown and JSON.
 *
 * <p>For the subtitle formats, cues longer than {@link Options#maxCueDurationMs()} or whose text does not
 * fit in {@link Options#maxLines()} lines of {@link Options#maxLineLength()} characters are split at word
 * boundaries, each part getting time in proportion to its words; text is wrapped at word boundaries (a
 * single word longer than a line keeps a line of its own).
 */
public final class SubtitleWriter {

    /**
     * @param maxCueDurationMs longest cue written (default 7 s)
     * @param maxLineLength longest line in characters (default 42)
     * @param maxLines lines per cue (default 2)
     * @param voiceTags whether WebVTT cues carry {@code <v Speaker>} voice tags (default true)
     */
    public record Options(long maxCueDurationMs, int maxLineLength, int maxLines, boolean voiceTags) {

        public Options {
            if (maxCueDurationMs <= 0 || maxLineLength < 8 || maxLines < 1) {
                throw new IllegalArgumentException("invalid subtitle options");
            }
        }

        public static Options defaults() {
            return new Options(7_000, 42, 2, true);
        }
    }

    /** A cue as written: its times, speaker and wrapped lines. */
    record Block(long startMs, long endMs, String speaker, List<String> lines) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Options options;

    public SubtitleWriter() {
        this(Options.defaults());
    }

    public SubtitleWriter(Options options) {
        this.options = Objects.requireNonNull(options);
    }

    /** SubRip: sequence numbers from 1, {@code HH:MM:SS,mmm --> HH:MM:SS,mmm}, text, blank line between cues. */
    public String srt(List<Cue> cues) {
        StringBuilder out = new StringBuilder();
        int number = 1;
        for (Block block : blocks(cues)) {
            if (number > 1) {
                out.append('\n');
            }
            out.append(number++).append('\n')
                    .append(Timecodes.format(block.startMs(), ',')).append(" --> ")
                    .append(Timecodes.format(block.endMs(), ',')).append('\n');
            block.lines().forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    /** WebVTT: header, {@code HH:MM:SS.mmm --> HH:MM:SS.mmm}, optional {@code <v Speaker>} voice tags. */
    public String webVtt(List<Cue> cues) {
        StringBuilder out = new StringBuilder("WEBVTT\n");
        for (Block block : blocks(cues)) {
            out.append('\n')
                    .append(Timecodes.format(block.startMs(), '.')).append(" --> ")
                    .append(Timecodes.format(block.endMs(), '.')).append('\n');
            for (int i = 0; i < block.lines().size(); i++) {
                if (i == 0 && options.voiceTags() && !voiceName(block.speaker()).isEmpty()) {
                    out.append("<v ").append(voiceName(block.speaker())).append('>');
                }
                out.append(escapeVtt(block.lines().get(i))).append('\n');
            }
        }
        return out.toString();
    }

    /** Readable Markdown: one paragraph per speaker turn, {@code [HH:MM:SS] **Speaker:** text}. */
    public String markdown(Transcript transcript) {
        StringBuilder out = new StringBuilder("# Transcript\n\n");
        out.append("_Duration ").append(Timecodes.formatSeconds(transcript.durationMillis()));
        if (transcript.language() != null) {
            out.append(" · language ").append(transcript.language());
        }
        out.append("_\n");
        String speaker = null;
        StringBuilder paragraph = null;
        for (Cue cue : transcript.cues()) {
            String text = clean(cue.text());
            if (text.isEmpty()) {
                continue;
            }
            if (paragraph != null && Objects.equals(speaker, cue.speaker())) {
                paragraph.append(' ').append(text);
                continue;
            }
            if (paragraph != null) {
                out.append('\n').append(paragraph).append('\n');
            }
            speaker = cue.speaker();
            paragraph = new StringBuilder("[").append(Timecodes.formatSeconds(cue.startMs())).append("] ");
            if (speaker != null) {
                paragraph.append("**").append(speaker.replace("*", "")).append(":** ");
            }
            paragraph.append(text);
        }
        if (paragraph != null) {
            out.append('\n').append(paragraph).append('\n');
        }
        return out.toString();
    }

    /** The transcript as JSON with its cues, the detected speech regions and the alignment statistics. */
    public String json(Transcript transcript, AlignmentResult alignment, List<Region> speech) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("language", transcript.language());
        root.put("durationMs", transcript.durationMillis());
        ArrayNode cues = root.putArray("cues");
        for (Cue cue : transcript.cues()) {
            cues.addObject()
                    .put("startMs", cue.startMs())
                    .put("endMs", cue.endMs())
                    .put("start", Timecodes.format(cue.startMs(), '.'))
                    .put("end", Timecodes.format(cue.endMs(), '.'))
                    .put("speaker", cue.speaker())
                    .put("text", cue.text());
        }
        ArrayNode regions = root.putArray("speech");
        long speechMs = 0;
        for (Region region : speech == null ? List.<Region>of() : speech) {
            regions.addObject().put("startMs", region.startMs()).put("endMs", region.endMs());
            speechMs += region.durationMs();
        }
        root.put("speechShare", transcript.durationMillis() == 0 ? 0.0 : (double) speechMs / transcript.durationMillis());
        if (alignment != null) {
            ObjectNode stats = root.putObject("alignment");
            stats.put("cuesRetimed", alignment.cuesRetimed());
            stats.put("largestCorrectionMs", alignment.largestCorrectionMs());
            stats.put("shareOfCueTimeOnSpeech", alignment.shareOfCueTimeOnSpeech());
            stats.put("warning", alignment.warning());
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cues as written: split to the maximum duration and line limits, text wrapped. */
    List<Block> blocks(List<Cue> cues) {
        List<Block> out = new ArrayList<>();
        for (Cue cue : cues) {
            String text = clean(cue.text());
            if (text.isEmpty()) {
                continue;
            }
            String[] words = text.split(" ");
            int parts = Math.max(1, (int) Math.ceil((double) cue.durationMs() / options.maxCueDurationMs()));
            while (true) {
                List<Block> split = split(cue, words, Math.min(parts, words.length));
                if (parts >= words.length || fits(split)) {
                    out.addAll(split);
                    break;
                }
                parts++;
            }
        }
        return out;
    }

    private boolean fits(List<Block> blocks) {
        for (Block b : blocks) {
            if (b.lines().size() > options.maxLines() || b.endMs() - b.startMs() > options.maxCueDurationMs()) {
                return false;
            }
        }
        return true;
    }

    /** {@code parts} pieces of (nearly) equal word count, timed in proportion to their words. */
    private List<Block> split(Cue cue, String[] words, int parts) {
        List<Block> out = new ArrayList<>(parts);
        int n = words.length;
        long duration = cue.durationMs();
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) p * n / parts);
            int to = (int) ((long) (p + 1) * n / parts);
            long start = cue.startMs() + duration * from / n;
            long end = cue.startMs() + duration * to / n;
            out.add(new Block(start, end, cue.speaker(), wrap(words, from, to)));
        }
        return out;
    }

    private List<String> wrap(String[] words, int from, int to) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (line.length() > 0 && line.length() + 1 + words[i].length() > options.maxLineLength()) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(words[i]);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * One line of text: white space and control characters become single spaces, and no "-->" (it would end
     * the cue text in SRT and WebVTT).
     */
    private static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean blank = Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c);
            sb.append(blank ? ' ' : c);
        }
        String t = sb.toString().replaceAll(" +", " ").strip();
        while (t.contains("-->")) {
            t = t.replace("-->", "->");
        }
        return t;
    }

    private static String escapeVtt(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String voiceName(String speaker) {
        return speaker == null ? "" : speaker.replaceAll("[<>&\\s]+", " ").strip();
    }
}

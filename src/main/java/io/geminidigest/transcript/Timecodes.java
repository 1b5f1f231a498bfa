package io.geminidigest.transcript;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading and writing time codes: "MM:SS.mmm", "HH:MM:SS.mmm", plain seconds. */
public final class Timecodes {

    private static final Pattern CLOCK =
            Pattern.compile("(?:(\\d{1,3}):)?(\\d{1,3}):(\\d{1,2})(?:[.,](\\d{1,3})\\d*)?");
    private static final Pattern SECONDS = Pattern.compile("(\\d{1,7})(?:[.,](\\d{1,3})\\d*)?s?");

    private Timecodes() {
    }

    /**
     * Parses "HH:MM:SS.mmm", "MM:SS.mmm", "M:SS", "SS.mmm" or "SS" (a decimal comma is accepted too).
     *
     * @throws IllegalArgumentException with a readable reason when the text is not a time
     */
    public static long parseMillis(String text) {
        String s = text == null ? "" : text.trim();
        Matcher clock = CLOCK.matcher(s);
        if (clock.matches()) {
            long hours = clock.group(1) == null ? 0 : Long.parseLong(clock.group(1));
            long minutes = Long.parseLong(clock.group(2));
            long seconds = Long.parseLong(clock.group(3));
            if (seconds >= 60) {
                throw new IllegalArgumentException("seconds must be below 60 in \"" + text + "\"");
            }
            if (clock.group(1) != null && minutes >= 60) {
                throw new IllegalArgumentException("minutes must be below 60 in \"" + text + "\"");
            }
            return ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction(clock.group(4));
        }
        Matcher seconds = SECONDS.matcher(s);
        if (seconds.matches()) {
            return Long.parseLong(seconds.group(1)) * 1000 + fraction(seconds.group(2));
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a time (expected MM:SS.mmm or HH:MM:SS.mmm)");
    }

    /** Seconds as a number (e.g. 12.5) to milliseconds; rejects negative and non-finite values. */
    public static long secondsToMillis(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            throw new IllegalArgumentException("time " + seconds + " s is negative or not a number");
        }
        return Math.round(seconds * 1000);
    }

    private static long fraction(String digits) {
        if (digits == null) {
            return 0;
        }
        String padded = (digits + "00").substring(0, 3);
        return Long.parseLong(padded);
    }

    /** "HH:MM:SS" + separator + "mmm": {@code ','} for SRT, {@code '.'} for WebVTT. */
    public static String format(long millis, char separator) {
        long ms = Math.max(0, millis);
        return String.format("%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                separator, ms % 1000);
    }

    /** "HH:MM:SS", for readable transcripts. */
    public static String formatSeconds(long millis) {
        long ms = Math.max(0, millis);
        return String.format("%02d:%02d:%02d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    }

    /** "MM:SS.mmm" (hours are added when needed), the format asked of the model. */
    public static String formatForModel(long millis) {
        long ms = Math.max(0, millis);
        if (ms >= 3_600_000) {
            return format(ms, '.');
        }
        return String.format("%02d:%02d.%03d", ms / 60_000, ms / 1000 % 60, ms % 1000);
    }
}

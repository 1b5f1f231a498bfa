package io.geminidigest.media;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which MIME types Gemini takes as they are, which ones we convert first, and how detected types (Tika, ffmpeg)
 * map to the spelling Gemini documents.
 *
 * <p>Gemini's documented types: audio {@code wav, mp3, aiff, aac, ogg, flac}; video {@code mp4, mpeg, mov, avi,
 * x-flv, mpg, webm, wmv, 3gpp}; images {@code png, jpeg, webp, heic, heif}; {@code application/pdf}. Any other
 * {@code audio/*} or {@code video/*} type (Matroska, M4A, WMA, AMR, CAF, ...) is converted with ffmpeg by
 * {@link MediaConverter}; anything else is unsupported.
 */
public final class GeminiMediaTypes {

    /** What to do with a file of a given type. */
    public enum Support {
        /** Send as is. */
        NATIVE,
        /** Convert with {@link MediaConverter} first. */
        CONVERT,
        /** Neither Gemini nor our converter takes it. */
        UNSUPPORTED
    }

    /** The types Gemini accepts, in the spelling of its documentation (also the order of {@link #accepted()}). */
    private static final List<String> ACCEPTED = List.of(
            "audio/wav", "audio/mp3", "audio/aiff", "audio/aac", "audio/ogg", "audio/flac",
            "video/mp4", "video/mpeg", "video/mov", "video/avi", "video/x-flv", "video/mpg", "video/webm",
            "video/wmv", "video/3gpp",
            "image/png", "image/jpeg", "image/webp", "image/heic", "image/heif",
            "application/pdf");

    private static final Set<String> ACCEPTED_SET = Set.copyOf(ACCEPTED);

    /** Aliases (Tika, ffmpeg, browsers, IANA) → Gemini's spelling. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("audio/x-wav", "audio/wav"),
            Map.entry("audio/vnd.wave", "audio/wav"),
            Map.entry("audio/wave", "audio/wav"),
            Map.entry("audio/mpeg", "audio/mp3"),
            Map.entry("audio/mpeg3", "audio/mp3"),
            Map.entry("audio/x-mpeg", "audio/mp3"),
            Map.entry("audio/x-mp3", "audio/mp3"),
            Map.entry("audio/x-aiff", "audio/aiff"),
            Map.entry("audio/x-aac", "audio/aac"),
            Map.entry("audio/aacp", "audio/aac"),
            Map.entry("audio/vorbis", "audio/ogg"),
            Map.entry("audio/x-vorbis+ogg", "audio/ogg"),
            Map.entry("audio/opus", "audio/ogg"),
            Map.entry("audio/x-oggflac", "audio/ogg"),
            Map.entry("application/ogg", "audio/ogg"),
            Map.entry("audio/x-flac", "audio/flac"),
            Map.entry("video/quicktime", "video/mov"),
            Map.entry("video/x-msvideo", "video/avi"),
            Map.entry("video/msvideo", "video/avi"),
            Map.entry("video/x-ms-wmv", "video/wmv"),
            Map.entry("video/x-ms-asf", "video/wmv"),
            Map.entry("video/mp2p", "video/mpeg"),
            Map.entry("video/flv", "video/x-flv"),
            Map.entry("image/jpg", "image/jpeg"),
            Map.entry("image/pjpeg", "image/jpeg"),
            Map.entry("image/heic-sequence", "image/heic"),
            Map.entry("image/heif-sequence", "image/heif"));

    private GeminiMediaTypes() {
    }

    /** The types Gemini accepts, for an "unsupported type" message. */
    public static List<String> accepted() {
        return ACCEPTED;
    }

    /**
     * The type to declare to Gemini for a detected type, or {@code null} when Gemini does not take it as is.
     * Parameters ({@code ; codecs=...}) and case are ignored.
     */
    public static String geminiMimeType(String detected) {
        String mime = normalize(detected);
        String mapped = ALIASES.getOrDefault(mime, mime);
        return ACCEPTED_SET.contains(mapped) ? mapped : null;
    }

    /** {@code true} when Gemini takes the type as is. */
    public static boolean isNative(String detected) {
        return geminiMimeType(detected) != null;
    }

    /**
     * {@code true} for audio or video Gemini does not take, which {@link MediaConverter} converts: e.g.
     * {@code video/x-matroska}, {@code audio/mp4}, {@code audio/x-m4a}, {@code audio/x-ms-wma}, {@code audio/amr},
     * {@code audio/webm}, {@code video/ogg}.
     */
    public static boolean needsConversion(String detected) {
        return support(detected) == Support.CONVERT;
    }

    /** Native, to convert, or unsupported. */
    public static Support support(String detected) {
        if (isNative(detected)) {
            return Support.NATIVE;
        }
        String mime = normalize(detected);
        return mime.startsWith("audio/") || mime.startsWith("video/") ? Support.CONVERT : Support.UNSUPPORTED;
    }

    /** A message for a file whose type is {@link Support#UNSUPPORTED}. */
    public static String unsupportedMessage(String detected) {
        return "Gemini does not accept " + normalize(detected) + "; accepted types: " + String.join(", ", ACCEPTED);
    }

    private static String normalize(String mime) {
        if (mime == null) {
            return "";
        }
        int semicolon = mime.indexOf(';');
        return (semicolon < 0 ? mime : mime.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}

package io.geminidigest.media;

/**
 * Estimates how many input tokens Gemini counts for a media part (figures from the Gemini documentation, see
 * {@code gemini-rest-notes.md}, section Tokens).
 *
 * <ul>
 *   <li>audio: {@code audioTokensPerSecond} (32) per second;</li>
 *   <li>video: frames sampled at {@code videoFramesPerSecond} (1) × {@code tokensPerFrame} (Gemini 3: 70 at low or
 *       medium media resolution, 280 at high; Gemini 2.x: 258), plus the audio track at 32 per second;</li>
 *   <li>images: {@code imageTokens} per image (Gemini 3 by media resolution: low 280, medium 560, high 1120 - the
 *       default for images);</li>
 *   <li>PDF: {@code pdfPageTokens} per page (Gemini 3 by media resolution: low 280, medium 560 - the default -,
 *       high 1120; Gemini 2.x: 258).</li>
 * </ul>
 * Estimates are rounded up; use {@code countTokens} when a request comes close to a limit.
 *
 * @param audioTokensPerSecond tokens per second of audio
 * @param videoFramesPerSecond frames Gemini samples per second of video
 * @param tokensPerFrame       tokens per sampled video frame
 * @param imageTokens          tokens per image
 * @param pdfPageTokens        tokens per PDF page
 */
public record MediaTokens(double audioTokensPerSecond, double videoFramesPerSecond, int tokensPerFrame,
                          int imageTokens, int pdfPageTokens) {

    /** Kind of media part. */
    public enum Kind { AUDIO, VIDEO, IMAGE }

    /**
     * Gemini 3 media resolution ({@code generationConfig.mediaResolution}): what one image, one sampled video frame
     * and one PDF page count at it. Audio is counted per second whatever the resolution.
     */
    public enum MediaResolution {
        LOW(70, 280, 280), MEDIUM(70, 560, 560), HIGH(280, 1120, 1120);

        private final int tokensPerFrame;
        private final int imageTokens;
        private final int pdfPageTokens;

        MediaResolution(int tokensPerFrame, int imageTokens, int pdfPageTokens) {
            this.tokensPerFrame = tokensPerFrame;
            this.imageTokens = imageTokens;
            this.pdfPageTokens = pdfPageTokens;
        }

        /** The setting's value ({@code low}, {@code medium}, {@code high}, any case); anything else is refused. */
        public static MediaResolution of(String setting) {
            String v = setting == null ? "" : setting.strip().toUpperCase(java.util.Locale.ROOT);
            for (MediaResolution r : values()) {
                if (r.name().equals(v)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("media.resolution must be low, medium or high, not '" + setting + "'");
        }

        /** The REST enum value of {@code generationConfig.mediaResolution}, e.g. {@code MEDIA_RESOLUTION_LOW}. */
        public String apiValue() {
            return "MEDIA_RESOLUTION_" + name();
        }

        /** Tokens per video frame at this resolution. */
        public int tokensPerFrame() {
            return tokensPerFrame;
        }

        /** Tokens per image at this resolution. */
        public int imageTokens() {
            return imageTokens;
        }

        /** Tokens per PDF page at this resolution (its text layer, if any, on top). */
        public int pdfPageTokens() {
            return pdfPageTokens;
        }
    }

    public static final double AUDIO_TOKENS_PER_SECOND = 32;
    public static final double VIDEO_FRAMES_PER_SECOND = 1;
    public static final int GEMINI_2_TOKENS_PER_FRAME = 258;
    public static final int GEMINI_2_IMAGE_TOKENS = 258;
    public static final int GEMINI_2_PDF_PAGE_TOKENS = 258;
    public static final int GEMINI_3_PDF_PAGE_TOKENS = 560;

    public MediaTokens {
        if (!(audioTokensPerSecond > 0) || !(videoFramesPerSecond > 0) || tokensPerFrame <= 0 || imageTokens <= 0
                || pdfPageTokens <= 0) {
            throw new IllegalArgumentException("all token rates must be positive");
        }
    }

    /** Gemini 3 defaults: video frames at low/medium resolution (70), images at high (1120), PDF pages 560. */
    public static MediaTokens defaults() {
        return new MediaTokens(AUDIO_TOKENS_PER_SECOND, VIDEO_FRAMES_PER_SECOND,
                MediaResolution.MEDIUM.tokensPerFrame(), MediaResolution.HIGH.imageTokens(), GEMINI_3_PDF_PAGE_TOKENS);
    }

    /** Gemini 3 with one {@code mediaResolution} for video frames, images and PDF pages. */
    public static MediaTokens gemini3(MediaResolution resolution) {
        return new MediaTokens(AUDIO_TOKENS_PER_SECOND, VIDEO_FRAMES_PER_SECOND, resolution.tokensPerFrame(),
                resolution.imageTokens(), resolution.pdfPageTokens());
    }

    /** Gemini 2.x: 258 per frame, per (small) image and per PDF page. */
    public static MediaTokens gemini2() {
        return new MediaTokens(AUDIO_TOKENS_PER_SECOND, VIDEO_FRAMES_PER_SECOND, GEMINI_2_TOKENS_PER_FRAME,
                GEMINI_2_IMAGE_TOKENS, GEMINI_2_PDF_PAGE_TOKENS);
    }

    /** The kind Gemini will treat a probed file as: video if it has moving video, image for a still, else audio. */
    public static Kind kindOf(MediaInfo info) {
        if (info.mimeType().startsWith("image/")) {
            return Kind.IMAGE;
        }
        return info.hasVideo() ? Kind.VIDEO : Kind.AUDIO;
    }

    /** Estimated input tokens of {@code info} sent as {@code kind}. */
    public long estimate(MediaInfo info, Kind kind) {
        double seconds = info.durationSeconds();
        return switch (kind) {
            case AUDIO -> audioTokens(seconds);
            case VIDEO -> videoTokens(seconds, info.hasAudio());
            case IMAGE -> imageTokens;
        };
    }

    /** Tokens of {@code seconds} of audio. */
    public long audioTokens(double seconds) {
        return (long) Math.ceil(seconds * audioTokensPerSecond);
    }

    /** Tokens of {@code seconds} of video (frames, plus the audio track when present). */
    public long videoTokens(double seconds, boolean withAudio) {
        long frames = (long) Math.ceil(seconds * videoFramesPerSecond);
        return frames * tokensPerFrame + (withAudio ? audioTokens(seconds) : 0);
    }

    /** Tokens of a PDF with {@code pages} pages. */
    public long pdfTokens(int pages) {
        return (long) pages * pdfPageTokens;
    }
}

package io.geminidigest.media;

import java.util.Objects;

/**
 * A media file could not be probed, converted, cut or analysed.
 *
 * <p>The {@link Kind} tells the caller what went wrong in a way it can act on (skip the file, report it to the user,
 * retry with a longer timeout); {@link #advice()} is a one-line hint for the user.
 */
public class MediaException extends RuntimeException {

    /** What kind of failure this is. */
    public enum Kind {
        /** The file has no bytes. */
        EMPTY("The file is empty (0 bytes); re-export or re-copy it."),
        /** ffmpeg cannot read the file: truncated, corrupt, or not a media file at all. */
        CORRUPT("The file is damaged or not a media file; re-export it or check the download finished."),
        /** A readable file whose type Gemini does not take and that we cannot convert. */
        UNSUPPORTED("Convert the file to one of the accepted formats (for example MP3, FLAC, WAV or MP4)."),
        /** Audio was asked for, but the file has no audio stream (e.g. a silent screen recording). */
        NO_AUDIO("The file has no audio track; nothing can be transcribed."),
        /** ffmpeg failed while converting or cutting the file. */
        CONVERSION_FAILED("Converting the file failed; see the ffmpeg message, or convert it by hand."),
        /** ffmpeg did not finish within its time limit. */
        TIMEOUT("Processing took too long; raise the ffmpeg timeout or shorten the recording.");

        private final String advice;

        Kind(String advice) {
            this.advice = advice;
        }

        /** A one-line hint for the user. */
        public String advice() {
            return advice;
        }
    }

    private final Kind kind;

    public MediaException(Kind kind, String message) {
        this(kind, message, null);
    }

    public MediaException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** A one-line hint for the user, depending on {@link #kind()}. */
    public String advice() {
        return kind.advice();
    }
}

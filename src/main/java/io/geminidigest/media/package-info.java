/**
 * Audio and video for Gemini, in plain Java plus the static ffmpeg binary JAVE ships (no Camel, no API classes).
 *
 * <ul>
 *   <li>{@link io.geminidigest.media.Ffmpeg}: runs the bundled ffmpeg (argument list, timeout, stderr kept);</li>
 *   <li>{@link io.geminidigest.media.MediaProbe} → {@link io.geminidigest.media.MediaInfo}: duration, container,
 *       MIME type and streams of a file; empty and corrupt files fail as {@link io.geminidigest.media.MediaException}
 *       with a {@link io.geminidigest.media.MediaException.Kind};</li>
 *   <li>{@link io.geminidigest.media.GeminiMediaTypes}: which types Gemini takes, which are converted first, and
 *       the spelling Gemini expects;</li>
 *   <li>{@link io.geminidigest.media.MediaConverter}: conversion (FLAC 16 kHz mono audio, MP4 video), audio
 *       extraction and sample-accurate cuts;</li>
 *   <li>{@link io.geminidigest.media.SpeechDetector} → {@link io.geminidigest.media.SpeechMap}: speech and
 *       silences ({@code silencedetect});</li>
 *   <li>{@link io.geminidigest.media.MediaTokens}: input-token estimates for audio, video, images and PDF pages;</li>
 *   <li>{@link io.geminidigest.media.SegmentPlanner} → {@link io.geminidigest.media.Segment}s: the requests for a
 *       long recording, cut in silences, within the token budget and the output limit.</li>
 * </ul>
 */
package io.geminidigest.media;

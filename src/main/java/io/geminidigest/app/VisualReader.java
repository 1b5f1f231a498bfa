package io.geminidigest.app;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;

import org.apache.camel.ProducerTemplate;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiRest.Content;
import io.geminidigest.gemini.GeminiRest.FileData;
import io.geminidigest.gemini.GeminiRest.GenerateContentRequest;
import io.geminidigest.gemini.GeminiRest.GenerationConfig;
import io.geminidigest.gemini.GeminiRest.InlineData;
import io.geminidigest.gemini.GeminiRest.Part;
import io.geminidigest.gemini.GeminiRest.ThinkingConfig;
import io.geminidigest.gemini.GenerateResult;
import io.geminidigest.job.Job;

/**
 * Pictures and scanned PDFs, read by Gemini itself: a picture is described and its legible text transcribed; a PDF
 * without a text layer is transcribed and summarized. Small inputs go inline, larger ones through the Files API.
 * Calls go through the gateway (this bean sequences them: upload, generate, delete).
 */
public final class VisualReader {

    /**
     * Settings of the visual path.
     *
     * @param resolution the media resolution sent with every request ({@code generationConfig.mediaResolution}); the
     *                   estimates count images, PDF pages and video frames (one per second) at it, and a video's
     *                   sound track (no speech on this path) as audio; {@code null}: nothing sent, Gemini's own
     *                   defaults ({@link io.geminidigest.media.MediaTokens#defaults()}) are estimated
     */
    public record Settings(String model, long inlineMaxBytes, int maxOutputTokens, String thinkingLevel,
            String describeImagePrompt, String readScannedPrompt, String describeVideoPrompt,
            io.geminidigest.media.MediaTokens.MediaResolution resolution, boolean deleteRemoteFiles) {
    }

    /** What was read: the answer, and the upload used (with its timings), if any. */
    public record Reading(GenerateResult answer, GeminiFiles.Active upload, boolean inline) {

        /** The file name of the upload ({@code files/...}), or {@code null} when the input went inline. */
        public String uploadedAs() {
            return upload == null ? null : upload.file().name();
        }
    }

    private final ProducerTemplate gateway;
    private final GeminiFiles files;
    private final Settings settings;
    private final io.geminidigest.media.MediaConverter converter;
    private final java.nio.file.Path workRoot;

    public VisualReader(ProducerTemplate gateway, GeminiFiles files, Settings settings,
            io.geminidigest.media.MediaConverter converter, java.nio.file.Path workRoot) {
        this.gateway = gateway;
        this.files = files;
        this.settings = settings;
        this.converter = converter;
        this.workRoot = workRoot;
    }

    /** Reads a picture, or a scanned PDF when {@code mimeType} is application/pdf. */
    public Reading read(Job job, String mimeType) throws IOException, InterruptedException {
        return read(job, mimeType, pdfPages(job, mimeType));
    }

    /** Estimated prompt tokens of reading this input (no API key: the estimate sidecar). */
    public int estimateTokens(Job job, String mimeType) {
        boolean pdf = "application/pdf".equals(mimeType);
        boolean video = mimeType.startsWith("video/");
        String prompt = pdf ? settings.readScannedPrompt()
                : video ? settings.describeVideoPrompt() : settings.describeImagePrompt();
        return (int) Math.min(Integer.MAX_VALUE, estimateMediaTokens(job, mimeType) + prompt.length() / 3);
    }

    /**
     * Estimated tokens of the input's media part alone, at the configured media resolution: one image, the PDF's
     * pages, or the video's frames (one per second).
     */
    public long estimateMediaTokens(Job job, String mimeType) {
        return mediaTokens(job, mimeType, pdfPages(job, mimeType));
    }

    private long mediaTokens(Job job, String mimeType, Integer pages) {
        io.geminidigest.media.MediaTokens rates = settings.resolution() == null
                ? io.geminidigest.media.MediaTokens.defaults()
                : io.geminidigest.media.MediaTokens.gemini3(settings.resolution());
        if ("application/pdf".equals(mimeType)) {
            return rates.pdfTokens(Math.max(1, pages == null ? 1 : pages));
        }
        if (mimeType.startsWith("video/")) {
            // the frames, and the sound track (one without speech) when there is one: Gemini counts it as audio
            io.geminidigest.media.MediaInfo info = videoInfo(job);
            return info == null ? rates.videoTokens(60, true)
                    : rates.videoTokens(Math.max(1, info.durationSeconds()), info.hasAudio());
        }
        return rates.imageTokens();
    }

    /**
     * Whether a PDF is a scan: it has pages and none of them carries a font (no text layer). Tika would find it
     * empty; Gemini reads the pictures of its pages.
     */
    public boolean isScannedPdf(Job job, String mimeType) {
        if (!"application/pdf".equals(mimeType) || job.bytes() == 0) {
            return false;
        }
        try (var doc = org.apache.pdfbox.Loader.loadPDF(job.file().toFile())) {
            if (doc.isEncrypted() || doc.getNumberOfPages() == 0) {
                return false;
            }
            for (var page : doc.getPages()) {
                var resources = page.getResources();
                if (resources != null && resources.getFontNames().iterator().hasNext()) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // not readable here: Tika will say what is wrong with it
        }
    }

    /** Duration and streams of a video, or null when it cannot be probed (the estimate then assumes a minute). */
    private static io.geminidigest.media.MediaInfo videoInfo(Job job) {
        try {
            return new io.geminidigest.media.MediaProbe().probe(job.file());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The page count of a PDF, read from its catalogue with PDFBox (which Tika brings); null if unreadable. */
    static Integer pdfPages(Job job, String mimeType) {
        if (!"application/pdf".equals(mimeType)) {
            return null;
        }
        try (var doc = org.apache.pdfbox.Loader.loadPDF(job.file().toFile())) {
            return doc.getNumberOfPages();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * As {@link #read(Job, String)}, on the job's own model when it chose one; with a job language, the description
     * and summary are written in it (legible text is still transcribed as written).
     */
    public Reading readFor(Job job, String mimeType, JobOptions options) throws IOException, InterruptedException {
        return readFor(job, mimeType, options, null);
    }

    /** As above, the billed answers recorded in the job's spend (also when the reading fails). */
    public Reading readFor(Job job, String mimeType, JobOptions options, JobSpend spend)
            throws IOException, InterruptedException {
        return read(job, mimeType, pdfPages(job, mimeType), options == null ? JobOptions.NONE : options, spend);
    }

    /** Reads a picture, or a scanned PDF of {@code pages} pages. */
    public Reading read(Job job, String mimeType, Integer pages) throws IOException, InterruptedException {
        return read(job, mimeType, pages, JobOptions.NONE, null);
    }

    private Reading read(Job job, String mimeType, Integer pages, JobOptions options, JobSpend spend)
            throws IOException, InterruptedException {
        if (mimeType.startsWith("video/")) {
            String gemini = io.geminidigest.media.GeminiMediaTypes.geminiMimeType(mimeType);
            if (gemini == null) {
                // a container Gemini does not take (mkv, ...): converted to MP4 first
                java.nio.file.Path work = Files.createDirectories(workRoot.resolve(job.id()));
                try {
                    java.nio.file.Path mp4 = converter.toGeminiFormat(job.file(),
                            new io.geminidigest.media.MediaProbe().probe(job.file()), work);
                    Job converted = new Job(job.id(), job.source(), job.name(), mp4,
                            new io.geminidigest.job.ContentHasher().sha256(mp4), Files.size(mp4), job.receivedAt());
                    return read(converted, "video/mp4", pages, options, spend);
                } finally {
                    try (var walk = Files.walk(work)) {
                        for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
            mimeType = gemini;
        }
        boolean pdf = "application/pdf".equals(mimeType);
        long size = Files.size(job.file());
        Part media;
        GeminiFiles.Active uploaded = null;
        if (size <= settings.inlineMaxBytes()) {
            media = new Part(null, new InlineData(mimeType, Base64.getEncoder().encodeToString(
                    Files.readAllBytes(job.file()))), null, null);
        } else {
            uploaded = files.activeFile(job.file(), mimeType, job.fileName(), job.sha256());
            media = new Part(null, null, new FileData(uploaded.file().mimeType(), uploaded.file().uri()), null);
        }
        boolean video = mimeType.startsWith("video/");
        String prompt = pdf ? settings.readScannedPrompt()
                : video ? settings.describeVideoPrompt() : settings.describeImagePrompt();
        if (options.language() != null) {
            prompt += "\nWrite your description and summary in " + options.language()
                    + "; transcribe text exactly as written, without translating it.";
        }
        GenerateContentRequest request = new GenerateContentRequest(null,
                List.of(new Content("user", List.of(media, Part.text(prompt)))),
                new GenerationConfig(settings.maxOutputTokens(), null, null, null,
                        settings.thinkingLevel() == null ? null : new ThinkingConfig(settings.thinkingLevel(), null),
                        settings.resolution() == null ? null : settings.resolution().apiValue()));
        int estimate = (int) Math.min(Integer.MAX_VALUE, mediaTokens(job, mimeType, pages) + prompt.length() / 3);
        GeminiCall call = GeminiCall.generate(job.name() + (pdf ? " scanned pages" : video ? " video" : " picture"),
                options.model() != null ? options.model() : settings.model(),
                request, estimate, GeminiCall.TimeoutClass.MEDIA);
        try {
            GenerateResult answer = GatewaySupport.request(gateway, call, spend, GenerateResult.class);
            return new Reading(answer, uploaded, uploaded == null);
        } finally {
            if (uploaded != null && settings.deleteRemoteFiles()) {
                files.delete(uploaded.file().name(), job.sha256());
            }
        }
    }
}

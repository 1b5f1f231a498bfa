package io.geminidigest.extract;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.apache.tika.config.TikaConfig;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.language.detect.LanguageDetector;
import org.apache.tika.language.detect.LanguageResult;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.Office;
import org.apache.tika.metadata.PagedText;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.AutoDetectParserConfig;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.PasswordProvider;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.sax.BodyContentHandler;

/**
 * The in-process extraction core: Tika's {@link AutoDetectParser} under {@link ExtractionLimits}.
 * Used inside the isolated worker JVM ({@link ExtractionWorker}) and by {@link InProcessExtractor}.
 *
 * <p>Steps: size checks, type detection from the bytes plus the name, refusal of media and unknown
 * binary, parse into a bounded text buffer with archive recursion limited by depth, count and
 * expansion ({@link LimitedEmbeddedExtractor}; Tika's {@code SecureContentHandler} ratio check is
 * configured too), then checks that the text is not empty and not undecodable garbage, and
 * metadata collection. Every failure becomes an {@link ExtractionException} with a named
 * {@link ExtractionFailure}. Does not enforce the timeout (its callers do). Thread-safe.
 */
public final class TikaExtraction {

    static final String SUPPORTED_TYPES = "PDF, Word (.docx, .doc), OpenDocument (.odt), EPUB, RTF, HTML, "
            + "Markdown, plain text in any common encoding, and zip archives of these";

    private static final System.Logger LOG = System.getLogger(TikaExtraction.class.getName());
    private static final int LANGUAGE_SAMPLE_CHARS = 20_000;

    private final TikaConfig config;
    private final TypeDetector typeDetector;

    public TikaExtraction() {
        this.config = TypeDetector.TikaHolder.CONFIG;
        this.typeDetector = new TypeDetector(config.getDetector());
    }

    /**
     * Extracts the text of {@code file}.
     *
     * @param file         the document
     * @param resourceName its name (a type hint and used in messages), or {@code null} for the file name
     * @param limits       the limits to apply (the timeout is the caller's job)
     */
    public Extracted extract(Path file, String resourceName, ExtractionLimits limits) throws ExtractionException {
        long start = System.nanoTime();
        String name = resourceName != null ? resourceName : String.valueOf(file.getFileName());
        long size = sizeOf(file, name);
        if (size == 0) {
            throw new ExtractionException(ExtractionFailure.EMPTY, name, null, "the file is empty (0 bytes)");
        }
        if (size > limits.maxBytes()) {
            throw new ExtractionException(ExtractionFailure.TOO_LARGE, name, null,
                    "the file has " + size + " bytes, over the limit of " + limits.maxBytes() + " (extract.max-bytes)");
        }
        String type = detect(file, name);
        if (TypeDetector.isUnsupportedDocument(type)) {
            throw new ExtractionException(ExtractionFailure.UNSUPPORTED_TYPE, name, type,
                    "detected type " + type + " is not a text document; supported: " + SUPPORTED_TYPES);
        }

        AutoDetectParser parser = newParser(limits);
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        BoundedTextWriter text = new BoundedTextWriter(limits.maxChars());
        long maxExpansion = Math.max(ExtractionLimits.MIN_EXPANSION_BYTES,
                multiplyCapped(size, limits.maxCompressionRatio()));
        EmbeddedGuard guard = new EmbeddedGuard(limits.maxEmbeddedDepth(), limits.maxEmbeddedCount(), maxExpansion);
        ParseContext context = newContext(parser, guard, limits);

        Exception parseError = null;
        try (TikaInputStream in = TikaInputStream.get(file)) {
            parser.parse(in, new BodyContentHandler(text), metadata, context);
        } catch (Exception e) {
            parseError = e;
        }

        boolean truncated = checkLimits(name, type, limits, guard, text, parseError);
        if (parseError != null && !truncated) {
            throw classify(name, type, limits, parseError);
        }
        String body = text.toString().strip();
        if (body.isEmpty()) {
            throw new ExtractionException(ExtractionFailure.EMPTY, name, type, "application/pdf".equals(type)
                    ? "no text layer (a scanned PDF?)" : "the document contains no text");
        }
        if (TextQuality.isMostlyGarbage(body)) {
            throw new ExtractionException(ExtractionFailure.CORRUPT, name, type,
                    "text could not be decoded (damaged or truncated file?)");
        }
        if (truncated) {
            LOG.log(Level.WARNING, "Text of {0} truncated at {1} characters (extract.max-chars)", name,
                    limits.maxChars());
        }
        DocumentMetadata documentMetadata = metadataOf(type, metadata, body);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Extracted(body, documentMetadata, new ExtractionStats(body.length(), truncated, millis, guard.count()));
    }

    private static long sizeOf(Path file, String name) throws ExtractionException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ExtractionException(ExtractionFailure.CORRUPT, name, null, "the file cannot be read: " + e, e);
        }
    }

    private String detect(Path file, String name) throws ExtractionException {
        try {
            return typeDetector.detect(file, name);
        } catch (RuntimeException e) {
            throw new ExtractionException(ExtractionFailure.CORRUPT, name, null,
                    "the type could not be detected: " + e.getMessage(), e);
        }
    }

    private AutoDetectParser newParser(ExtractionLimits limits) {
        AutoDetectParser parser = new AutoDetectParser(config);
        AutoDetectParserConfig parserConfig = new AutoDetectParserConfig();
        parserConfig.setMaximumCompressionRatio(limits.maxCompressionRatio());
        parserConfig.setMaximumPackageEntryDepth(limits.maxEmbeddedDepth() + 2);
        parser.setAutoDetectParserConfig(parserConfig);
        return parser;
    }

    private static ParseContext newContext(AutoDetectParser parser, EmbeddedGuard guard, ExtractionLimits limits) {
        ParseContext context = new ParseContext();
        context.set(Parser.class, parser);
        context.set(EmbeddedDocumentExtractor.class, new LimitedEmbeddedExtractor(parser, context, guard));
        TesseractOCRConfig ocr = new TesseractOCRConfig();
        ocr.setSkipOcr(true); // text layers only; pictures go to the media route
        context.set(TesseractOCRConfig.class, ocr);
        if (limits.pdfPassword() != null) {
            String password = limits.pdfPassword();
            context.set(PasswordProvider.class, m -> password);
        }
        return context;
    }

    /** Applies the embedded and text limits; returns whether the text was truncated. */
    private static boolean checkLimits(String name, String type, ExtractionLimits limits, EmbeddedGuard guard,
                                       BoundedTextWriter text, Exception parseError) throws ExtractionException {
        if (guard.violation() != null) {
            throw new ExtractionException(ExtractionFailure.TOO_LARGE, name, type, guard.violation(), parseError);
        }
        if (text.overflowed()) {
            if (!limits.truncateOverLimit()) {
                throw new ExtractionException(ExtractionFailure.TOO_LARGE, name, type, "the text has more than "
                        + limits.maxChars() + " characters (extract.max-chars)");
            }
            return true;
        }
        return false;
    }

    private static ExtractionException classify(String name, String type, ExtractionLimits limits, Exception e) {
        if (hasCause(e, EncryptedDocumentException.class)) {
            return new ExtractionException(ExtractionFailure.ENCRYPTED, name, type, limits.pdfPassword() == null
                    ? "the document is password protected"
                    : "the document is password protected and the configured password does not open it", e);
        }
        if (hasCause(e, ZeroByteFileException.class)) {
            return new ExtractionException(ExtractionFailure.EMPTY, name, type, "the file is empty (0 bytes)", e);
        }
        String detail = rootMessage(e);
        if (detail.toLowerCase(Locale.ROOT).contains("zip bomb")) {
            return new ExtractionException(ExtractionFailure.TOO_LARGE, name, type,
                    "expansion limit: " + detail, e);
        }
        return new ExtractionException(ExtractionFailure.CORRUPT, name, type,
                "the parser failed, the file is damaged or not a valid " + type + ": " + detail, e);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank() && sb.indexOf(t.getMessage()) < 0) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(t.getMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }

    private static long multiplyCapped(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static DocumentMetadata metadataOf(String type, Metadata metadata, String text) {
        String author = firstNonBlank(metadata.get(TikaCoreProperties.CREATOR), metadata.get("meta:author"));
        Integer pages = metadata.getInt(PagedText.N_PAGES);
        if (pages == null) {
            pages = metadata.getInt(Office.PAGE_COUNT);
        }
        String language = firstNonBlank(Languages.detect(text), normalizeLanguage(firstNonBlank(
                metadata.get(TikaCoreProperties.LANGUAGE), metadata.get("Content-Language"))));
        return new DocumentMetadata(type, firstNonBlank(metadata.get(TikaCoreProperties.TITLE)), author, language,
                pages, firstNonBlank(metadata.get(Metadata.CONTENT_ENCODING)));
    }

    /** "en-GB" or "en_GB" becomes "en". */
    private static String normalizeLanguage(String tag) {
        if (tag == null) {
            return null;
        }
        String primary = tag.strip().split("[-_,; ]", 2)[0].toLowerCase(Locale.ROOT);
        return primary.matches("[a-z]{2,3}") ? primary : null;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    /** Tika's language detector, if a detector module is on the class path (none is by default). */
    private static final class Languages {
        private static final LanguageDetector DETECTOR = load();

        private static LanguageDetector load() {
            try {
                List<LanguageDetector> detectors = LanguageDetector.getLanguageDetectors();
                return detectors.isEmpty() ? null : detectors.get(0).loadModels();
            } catch (Exception | LinkageError e) {
                return null;
            }
        }

        static synchronized String detect(String text) {
            if (DETECTOR == null) {
                return null;
            }
            DETECTOR.reset();
            DETECTOR.addText(text.substring(0, Math.min(text.length(), LANGUAGE_SAMPLE_CHARS)));
            LanguageResult result = DETECTOR.detect();
            return result.isReasonablyCertain() ? normalizeLanguage(result.getLanguage()) : null;
        }
    }
}

package io.geminidigest.extract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.TikaException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.xml.sax.SAXException;

/**
 * Detects the media type of a file from its leading bytes and its name, with Tika's default
 * detector (magic bytes, container inspection for zip/OLE formats, name globs, charset sniffing for text).
 * Cheap: the Tika configuration is loaded once per JVM and shared; only the start of the file is read
 * (container detectors may read the zip directory). Thread-safe.
 */
public final class TypeDetector {

    /** Types that carry no extractable document text. */
    private static final Set<String> BINARY_UNKNOWN = Set.of("application/octet-stream");

    private final Detector detector;

    /** Uses the shared default Tika configuration. */
    public TypeDetector() {
        this(TikaHolder.CONFIG.getDetector());
    }

    TypeDetector(Detector detector) {
        this.detector = detector;
    }

    /**
     * @param file the file to look at
     * @param name the name it came under (its extension is a hint), or {@code null} for the file's own name
     * @return the base media type without parameters, e.g. {@code application/pdf}, {@code image/png}
     * @throws UncheckedIOException if the file cannot be read
     */
    public String detect(Path file, String name) {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name != null ? name : file.getFileName().toString());
        try (TikaInputStream in = TikaInputStream.get(file)) {
            return detector.detect(in, metadata).getBaseType().toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** {@code true} for types that are not text documents: audio, video, pictures and unknown binary. */
    public static boolean isMedia(String type) {
        return type.startsWith("audio/") || type.startsWith("video/") || type.startsWith("image/");
    }

    /** {@code true} for types this package refuses: media and unknown binary ({@code application/octet-stream}). */
    public static boolean isUnsupportedDocument(String type) {
        return isMedia(type) || BINARY_UNKNOWN.contains(type);
    }

    /**
     * Lazily loaded, JVM-wide Tika configuration (loading it scans the class path for parsers):
     * {@code tika-config.xml} next to this class, which leaves out the parsers that run external programs.
     */
    static final class TikaHolder {
        static final TikaConfig CONFIG = load();

        private TikaHolder() {
        }

        private static TikaConfig load() {
            try (InputStream xml = TypeDetector.class.getResourceAsStream("tika-config.xml")) {
                return xml == null ? TikaConfig.getDefaultConfig() : new TikaConfig(xml);
            } catch (IOException | TikaException | SAXException e) {
                throw new IllegalStateException("cannot load the Tika configuration", e);
            }
        }
    }
}

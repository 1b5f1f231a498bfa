package io.geminidigest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Test samples as benchmark inputs. The application skips content it has already summarized (same SHA-256), so each
 * copy is made distinct in a way its parser ignores: text gets an appended line, a PDF a comment after
 * {@code %%EOF}, a ZIP container (docx, odt, epub) a ZIP file comment.
 */
public final class BenchDocuments {

    /** The sample set of the pipeline benchmark: alice in every format, and the French and Chinese texts. */
    public static final List<String> SAMPLES = List.of("alice.pdf", "alice.docx", "alice.odt", "alice.html",
            "alice.epub", "alice.rtf", "alice.md", "alice.txt", "alice.utf16.txt", "french.latin1.txt",
            "french.utf8.txt", "chinese.gb18030.txt", "chinese.utf8.txt");

    private BenchDocuments() {
    }

    public static byte[] sample(String name) {
        try (InputStream s = BenchDocuments.class.getResourceAsStream("/samples/" + name)) {
            if (s == null) {
                throw new IllegalArgumentException("no test sample " + name);
            }
            return s.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sampleText(String name) {
        return new String(sample(name), StandardCharsets.UTF_8);
    }

    /** The bytes of sample {@code name} changed so that copy {@code round} has its own content hash. */
    public static byte[] distinctCopy(String name, byte[] original, int round) {
        if (round == 0) {
            return original;
        }
        String mark = "copy " + round;
        if (name.endsWith(".docx") || name.endsWith(".odt") || name.endsWith(".epub")) {
            return withZipComment(original, mark);
        }
        if (name.endsWith(".pdf")) {
            return concat(original, ("\n%" + mark + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (name.endsWith(".rtf")) {
            // after the closing brace: RTF readers stop at the end of the outer group
            return concat(original, ("\n").repeat(round).getBytes(StandardCharsets.US_ASCII));
        }
        if (name.endsWith(".html")) {
            return concat(original, ("\n<!-- " + mark + " -->\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (name.contains("utf16")) {
            boolean bigEndian = original.length > 1 && (original[0] & 0xff) == 0xfe;
            return concat(original, ("\n" + mark + "\n")
                    .getBytes(bigEndian ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE));
        }
        // plain text in an ASCII-compatible encoding (UTF-8, Latin-1, GB18030), Markdown
        return concat(original, ("\n" + mark + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Sets the comment of a ZIP file (end of central directory record); the entries are untouched. */
    static byte[] withZipComment(byte[] zip, String comment) {
        byte[] c = comment.getBytes(StandardCharsets.US_ASCII);
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 0x05 && zip[i + 3] == 0x06) {
                byte[] result = new byte[i + 22 + c.length];
                System.arraycopy(zip, 0, result, 0, i + 22);
                ByteBuffer.wrap(result, i + 20, 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) c.length);
                System.arraycopy(c, 0, result, i + 22, c.length);
                return result;
            }
        }
        throw new IllegalArgumentException("not a ZIP file: no end of central directory record");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * Writes {@code rounds} distinct copies of every sample of {@link #SAMPLES} into {@code dir} (names
     * {@code r<round>-<sample>}), each written beside and moved in atomically; returns the files.
     */
    public static List<Path> writeSampleSet(Path dir, int rounds) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (String name : SAMPLES) {
                files.add(write(dir, "r" + round + "-" + name, distinctCopy(name, sample(name), round)));
            }
        }
        return files;
    }

    /** Writes a file atomically (beside, then moved), as a careful user would drop it. */
    public static Path write(Path dir, String name, byte[] content) throws IOException {
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".copying");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    public static long totalBytes(List<Path> files) throws IOException {
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        return total;
    }
}

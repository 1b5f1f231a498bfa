package io.geminidigest.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TikaExtractionTest {

    private static final TikaExtraction TIKA = new TikaExtraction();
    private static final ExtractionLimits LIMITS = ExtractionLimits.defaults();

    /** Successful extractions under the default limits, so each sample is parsed once per run. */
    private static final Map<String, Extracted> EXTRACTED = new HashMap<>();

    private static synchronized Extracted extract(String sample) throws ExtractionException {
        Extracted cached = EXTRACTED.get(sample);
        if (cached == null) {
            cached = extract(sample, LIMITS);
            EXTRACTED.put(sample, cached);
        }
        return cached;
    }

    private static Extracted extract(String sample, ExtractionLimits limits) throws ExtractionException {
        Path file = Samples.path(sample);
        return TIKA.extract(file, file.getFileName().toString(), limits);
    }

    private static ExtractionException failure(String sample) {
        return failure(sample, LIMITS);
    }

    private static ExtractionException failure(String sample, ExtractionLimits limits) {
        return catchThrowableOfType(ExtractionException.class, () -> extract(sample, limits));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice.txt", "alice.utf16.txt", "alice.pdf", "alice.docx", "alice.odt", "alice.epub",
            "alice.rtf", "alice.html", "alice.md"})
    void extractsTheWholeBookFromEveryFormat(String sample) throws Exception {
        Extracted result = extract(sample);

        String text = Samples.squash(result.text());
        assertThat(text).contains("Down the Rabbit-Hole", "Curiouser and curiouser", "Alice’s Evidence",
                "nothing but a pack of cards");
        assertThat(result.stats().chars()).isBetween(130_000L, 150_000L);
        assertThat(result.stats().truncated()).isFalse();
    }

    @Test
    void plainTextKeepsTheTextExactlyAndReportsTheEncoding() throws Exception {
        Extracted utf8 = extract("alice.txt");
        Extracted utf16 = extract("alice.utf16.txt");

        assertThat(utf8.text()).isEqualTo(Samples.utf8("alice.txt").strip());
        assertThat(utf16.text()).isEqualTo(utf8.text());
        assertThat(utf8.metadata().detectedType()).isEqualTo("text/plain");
        assertThat(utf8.metadata().encoding()).isEqualTo("UTF-8");
        assertThat(utf16.metadata().encoding()).isEqualTo("UTF-16LE");
    }

    @Test
    void pdfHasTitleAuthorAndPageCount() throws Exception {
        Extracted pdf = extract("alice.pdf");

        assertThat(pdf.metadata().detectedType()).isEqualTo("application/pdf");
        assertThat(pdf.metadata().title()).contains("Alice");
        assertThat(pdf.metadata().author()).isEqualTo("Lewis Carroll");
        assertThat(pdf.metadata().pageCount()).isEqualTo(61);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice.docx", "alice.odt", "alice.epub", "alice.html"})
    void officeAndWebFormatsHaveTitleAndAuthor(String sample) throws Exception {
        DocumentMetadata metadata = extract(sample).metadata();

        assertThat(metadata.title()).isEqualTo("Alice’s Adventures in Wonderland");
        assertThat(metadata.author()).isEqualTo("Lewis Carroll");
    }

    @Test
    void epubLanguageComesFromItsMetadata() throws Exception {
        assertThat(extract("alice.epub").metadata().language()).isEqualTo("en");
    }

    @Test
    void latin1TextDecodesToTheSameTextAsUtf8() throws Exception {
        Extracted latin1 = extract("french.latin1.txt");

        assertThat(latin1.metadata().encoding()).isEqualTo("ISO-8859-1");
        assertThat(latin1.text()).isEqualTo(extract("french.utf8.txt").text());
        assertThat(latin1.text()).isEqualTo(Samples.utf8("french.utf8.txt").strip());
        assertThat(latin1.text()).contains("CANDIDE", "Westphalie", "château", "baronne", "Pangloss");
    }

    @Test
    void gb18030TextDecodesToTheSameTextAsUtf8() throws Exception {
        Extracted gb = extract("chinese.gb18030.txt");

        assertThat(gb.metadata().encoding()).isEqualTo("GB18030");
        assertThat(gb.text()).isEqualTo(Samples.utf8("chinese.utf8.txt").strip());
        assertThat(gb.text()).contains("第一回", "美猴王");
    }

    @Test
    void truncatedPdfIsCorruptBecauseItsTextIsGarbage() {
        ExtractionException e = failure("hostile/truncated.pdf");

        assertThat(e.failure()).isEqualTo(ExtractionFailure.CORRUPT);
        assertThat(e.getMessage()).contains("truncated.pdf", "application/pdf", "could not be decoded");
    }

    @Test
    void encryptedPdfNeedsThePassword() throws Exception {
        ExtractionException e = failure("hostile/encrypted.pdf");
        assertThat(e.failure()).isEqualTo(ExtractionFailure.ENCRYPTED);
        assertThat(e.detectedType()).isEqualTo("application/pdf");
        assertThat(e.failure().advice()).contains("password");

        Extracted opened = extract("hostile/encrypted.pdf", LIMITS.withPdfPassword("secret"));
        assertThat(Samples.squash(opened.text())).contains("Down the Rabbit-Hole", "Curiouser and curiouser");
    }

    @Test
    void wrongPasswordIsStillEncrypted() {
        ExtractionException e = failure("hostile/encrypted.pdf", LIMITS.withPdfPassword("wrong"));

        assertThat(e.failure()).isEqualTo(ExtractionFailure.ENCRYPTED);
        assertThat(e.getMessage()).contains("configured password");
    }

    @Test
    void emptyFileIsEmpty() {
        ExtractionException e = failure("hostile/empty.txt");

        assertThat(e.failure()).isEqualTo(ExtractionFailure.EMPTY);
        assertThat(e.getMessage()).contains("empty.txt", "0 bytes");
    }

    @Test
    void pictureNamedPdfIsUnsupported() {
        ExtractionException e = failure("hostile/png-named.pdf");

        assertThat(e.failure()).isEqualTo(ExtractionFailure.UNSUPPORTED_TYPE);
        assertThat(e.detectedType()).isEqualTo("image/png");
        assertThat(e.getMessage()).contains("png-named.pdf", "image/png", "supported: PDF");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hostile/random.docx", "hostile/corrupt.docx"})
    void damagedWordFilesAreCorrupt(String sample) {
        ExtractionException e = failure(sample);

        assertThat(e.failure()).isEqualTo(ExtractionFailure.CORRUPT);
        assertThat(e.getMessage()).contains(sample.substring("hostile/".length()));
    }

    @Test
    void zipBombIsTooLargeNamingTheExpansion() {
        ExtractionException e = failure("hostile/zip-bomb.zip");

        assertThat(e.failure()).isEqualTo(ExtractionFailure.TOO_LARGE);
        assertThat(e.getMessage()).contains("zip-bomb.zip", "expan");
    }

    @Test
    void deeplyNestedZipIsTooLargeNamingTheNestingLimit() {
        ExtractionException e = failure("hostile/nested.zip");

        assertThat(e.failure()).isEqualTo(ExtractionFailure.TOO_LARGE);
        assertThat(e.getMessage()).contains("nested.zip", "nested more than 3 levels", "nesting limit");
    }

    @Test
    void nestedZipWithinTheDepthLimitYieldsTheInnermostText() throws Exception {
        Extracted result = extract("hostile/nested.zip", LIMITS.withMaxEmbeddedDepth(12));

        assertThat(result.text()).contains("Curiouser and curiouser");
        assertThat(result.stats().embeddedDocuments()).isEqualTo(10);
    }

    @Test
    void tooManyEmbeddedDocumentsIsTooLarge() {
        ExtractionException e = failure("hostile/zip-slip.zip", LIMITS.withMaxEmbeddedCount(1));

        assertThat(e.failure()).isEqualTo(ExtractionFailure.TOO_LARGE);
        assertThat(e.getMessage()).contains("more than 1 embedded documents");
    }

    @Test
    void zipSlipEntriesAreReadInMemoryAndNothingIsWrittenOutside() throws Exception {
        Path zip = Samples.path("hostile/zip-slip.zip");
        Path outside1 = zip.getParent().getParent().resolve("outside.txt");
        Path outside2 = zip.getParent().getParent().getParent().resolve("outside.txt");
        Path cwdOutside = Path.of("").toAbsolutePath().getParent().resolve("outside.txt");

        Extracted result = extract("hostile/zip-slip.zip");

        assertThat(result.text()).contains("readme.txt", "This entry is harmless");
        assertThat(result.stats().embeddedDocuments()).isEqualTo(2);
        assertThat(outside1).doesNotExist();
        assertThat(outside2).doesNotExist();
        assertThat(cwdOutside).doesNotExist();
    }

    @Test
    void scannedPdfIsEmptyWithAHint() {
        ExtractionException e = failure("scanned.pdf");

        assertThat(e.failure()).isEqualTo(ExtractionFailure.EMPTY);
        assertThat(e.getMessage()).contains("no text layer (a scanned PDF?)");
    }

    @Test
    void textOverMaxCharsIsTooLarge() {
        ExtractionException e = failure("alice.txt", LIMITS.withMaxChars(10_000));

        assertThat(e.failure()).isEqualTo(ExtractionFailure.TOO_LARGE);
        assertThat(e.getMessage()).contains("more than 10000 characters");
    }

    @Test
    void textOverMaxCharsIsCutWhenTruncationIsAllowed() throws Exception {
        Extracted result = extract("alice.pdf", LIMITS.withMaxChars(10_000).withTruncateOverLimit(true));

        assertThat(result.stats().truncated()).isTrue();
        assertThat(result.text().length()).isLessThanOrEqualTo(10_000);
        assertThat(Samples.squash(result.text())).contains("Down the Rabbit-Hole");
    }

    @Test
    void inputOverMaxBytesIsTooLarge() {
        ExtractionException e = failure("alice.pdf", LIMITS.withMaxBytes(1000));

        assertThat(e.failure()).isEqualTo(ExtractionFailure.TOO_LARGE);
        assertThat(e.getMessage()).contains("max-bytes");
    }
}

package io.geminidigest.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test samples from src/test/resources/samples (copied from the shared samples folder). */
final class Samples {

    private Samples() {
    }

    static Path path(String relative) {
        URL url = Samples.class.getResource("/samples/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no sample " + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String utf8(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collapses all whitespace runs to one space, for comparing texts whose line breaks a parser may change. */
    static String squash(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}

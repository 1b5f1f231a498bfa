package io.geminidigest.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Sample texts from the test classpath ({@code src/test/resources/samples}). */
final class Samples {

    private Samples() {
    }

    static String read(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource samples/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String alice() {
        return read("alice.txt");
    }

    static String mobyDick() {
        return read("moby-dick.txt");
    }

    static String chinese() {
        return read("chinese.utf8.txt");
    }
}

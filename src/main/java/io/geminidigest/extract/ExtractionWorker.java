package io.geminidigest.extract;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.geminidigest.extract.WorkerProtocol.Request;
import io.geminidigest.extract.WorkerProtocol.Response;

/**
 * Main class of an isolated extraction JVM started by {@link IsolatedExtractor}. Reads one JSON
 * request per line from stdin, extracts with {@link TikaExtraction}, writes the text to a temp file
 * and answers with one JSON line on stdout. Exits when stdin closes.
 *
 * <p>stdout carries the protocol only: {@code System.out} is pointed at stderr before any library
 * is loaded, so console logging of Tika, PDFBox, POI or logback cannot corrupt it.
 */
public final class ExtractionWorker {

    private ExtractionWorker() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        TikaExtraction tika = new TikaExtraction(); // loads the Tika configuration before saying ready
        protocol.println(WorkerProtocol.write(Response.readySignal()));

        String line;
        while ((line = requests.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Request request = WorkerProtocol.read(line, Request.class);
            try {
                protocol.println(WorkerProtocol.write(handle(tika, request)));
            } catch (OutOfMemoryError e) {
                // thrown by code rather than by the VM (which exits by itself with -XX:+ExitOnOutOfMemoryError):
                // leave the same way, the parent reports it as out of memory
                Runtime.getRuntime().halt(IsolatedExtractor.OUT_OF_MEMORY_EXIT);
            }
        }
    }

    static Response handle(TikaExtraction tika, Request request) {
        try {
            Extracted extracted = tika.extract(Path.of(request.path()), request.name(), request.limits().toLimits());
            Path textFile = Files.createTempFile("gemini-digest-text-", ".txt");
            Files.writeString(textFile, extracted.text(), StandardCharsets.UTF_8);
            return Response.success(request.id(), textFile.toString(), extracted.metadata(), extracted.stats());
        } catch (ExtractionException e) {
            return Response.failed(request.id(), e.failure(), e.detectedType(), e.reason());
        } catch (IOException e) {
            return Response.failed(request.id(), ExtractionFailure.CORRUPT, null,
                    "the extracted text could not be written to a temp file: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return Response.failed(request.id(), ExtractionFailure.CORRUPT, null, "the parser crashed: " + e);
        }
    }
}

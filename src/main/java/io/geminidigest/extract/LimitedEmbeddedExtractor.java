package io.geminidigest.extract;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.tika.exception.TikaException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.EmbeddedContentHandler;
import org.apache.tika.sax.XHTMLContentHandler;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.AttributesImpl;

/**
 * Parses embedded documents (archive entries, attachments) in memory, recursively, under the limits
 * of an {@link EmbeddedGuard}: nesting depth, count and total expanded bytes. Entries are streamed to
 * the parser and never written to disk under their own names, so path-traversal entry names
 * ("zip slip") are harmless. An entry that is damaged or encrypted is skipped; the rest of the
 * archive is still extracted.
 */
final class LimitedEmbeddedExtractor implements EmbeddedDocumentExtractor {

    private final Parser parser;
    private final ParseContext context;
    private final EmbeddedGuard guard;

    LimitedEmbeddedExtractor(Parser parser, ParseContext context, EmbeddedGuard guard) {
        this.parser = parser;
        this.context = context;
        this.guard = guard;
    }

    @Override
    public boolean shouldParseEmbedded(Metadata metadata) {
        return guard.violation() == null;
    }

    @Override
    public void parseEmbedded(InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml)
            throws SAXException, IOException {
        String name = metadata.get(TikaCoreProperties.RESOURCE_NAME_KEY);
        guard.enter(name == null ? "(unnamed)" : name);
        try {
            if (outputHtml) {
                AttributesImpl attributes = new AttributesImpl();
                attributes.addAttribute("", "class", "class", "CDATA", "package-entry");
                handler.startElement(XHTMLContentHandler.XHTML, "div", "div", attributes);
                if (name != null && !name.isBlank()) {
                    handler.startElement(XHTMLContentHandler.XHTML, "h1", "h1", new AttributesImpl());
                    handler.characters(name.toCharArray(), 0, name.length());
                    handler.endElement(XHTMLContentHandler.XHTML, "h1", "h1");
                }
            }
            ExpansionCountingStream counted = new ExpansionCountingStream(stream, guard);
            try (TikaInputStream in = TikaInputStream.get(counted)) {
                parser.parse(in, new EmbeddedContentHandler(new BodyContentHandler(handler)), metadata, context);
            } catch (TikaException e) {
                // a damaged or encrypted entry: skip it unless a limit stopped it
                guard.checkNotViolated();
            }
            counted.drain(); // count what the parser did not read (e.g. a binary entry nobody parses)
            if (outputHtml) {
                handler.endElement(XHTMLContentHandler.XHTML, "div", "div");
            }
        } finally {
            guard.exit();
        }
    }

    /** Counts the bytes read out of an entry into the guard; closing it leaves the archive stream open. */
    private static final class ExpansionCountingStream extends FilterInputStream {
        private final EmbeddedGuard guard;

        ExpansionCountingStream(InputStream in, EmbeddedGuard guard) {
            super(in);
            this.guard = guard;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                guard.expanded(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                guard.expanded(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read instead of skip, so skipped bytes are counted too
            byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
            int read = read(buffer, 0, (int) Math.min(buffer.length, n));
            return Math.max(read, 0);
        }

        @Override
        public void close() {
            // the archive owns the underlying stream
        }

        void drain() throws IOException {
            byte[] buffer = new byte[64 * 1024];
            while (read(buffer, 0, buffer.length) >= 0) {
                // counting only
            }
        }
    }
}

package io.geminidigest.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Limits and defaults of the message ways in.
 *
 * @param spoolDir           where the bytes of accepted requests are written ({@code <state.dir>/spool})
 * @param maxBytes           the largest document accepted from any source (body, base64, file, download)
 * @param allowedPaths       roots under which an envelope's {@code path} may point (real paths); empty = none
 * @param allowedUrlHosts    hosts an envelope's {@code url} may name (exact, case-insensitive); empty = none
 * @param allowInternalUrls  whether a URL may resolve to a loopback, private, link-local or otherwise internal
 *                           address (off by default: no fetching of internal addresses)
 * @param urlTimeout         connect and read time limit of a download
 * @param resultsUri         where results go when the request names no reply destination
 * @param dlqUri             where poison messages go
 */
public record MessagingSettings(Path spoolDir, long maxBytes, List<Path> allowedPaths, Set<String> allowedUrlHosts,
        boolean allowInternalUrls, Duration urlTimeout, String resultsUri, String dlqUri) {

    public MessagingSettings {
        allowedPaths = List.copyOf(allowedPaths);
        allowedUrlHosts = Set.copyOf(allowedUrlHosts);
    }
}

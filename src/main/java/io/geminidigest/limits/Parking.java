package io.geminidigest.limits;

import java.time.Instant;

/**
 * Why and until when the limiter takes no new metered calls (daily quota used up, spend cap reached).
 *
 * @param until  when parking ends by itself
 * @param reason for logs and the user
 */
public record Parking(Instant until, String reason) {
}

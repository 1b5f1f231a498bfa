package io.geminidigest.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Who holds the store's claims made by this process, and for how long: a claimed document, a running or parked job, a
 * reply being sent carry {@code instanceId} and stay this instance's while their lease runs ({@code lease} from the
 * last renewal, see {@code store.lease-seconds}). What has no live lease (expired, or left by this same instance id
 * before a restart) may be taken back by any instance; what another live instance holds is left alone.
 *
 * @param instanceId names this instance in the store (see {@link InstanceId})
 * @param lease      how long a claim stays this instance's without a renewal
 * @param clock      the time leases are counted in (injectable for tests)
 */
public record InstanceLease(String instanceId, Duration lease, Clock clock) {

    public InstanceLease {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(clock, "clock");
        if (instanceId.isBlank() || instanceId.length() > 128) {
            throw new IllegalArgumentException("an instance id is 1 to 128 characters: '" + instanceId + "'");
        }
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("a store lease must be positive: " + lease);
        }
    }

    /** A lease for a process of its own (a random id), on the system clock. */
    public static InstanceLease ephemeral(Duration lease) {
        return new InstanceLease(UUID.randomUUID().toString(), lease, Clock.systemUTC());
    }

    public Instant now() {
        return clock.instant();
    }

    /** When a lease taken or renewed now ends. */
    public Instant until() {
        return now().plus(lease);
    }
}

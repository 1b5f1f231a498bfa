package io.geminidigest.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.geminidigest.gemini.GeminiErrorKind;
import io.geminidigest.gemini.GeminiException;

class ParkingTest {

    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");

    @Test
    void acquireWaitsUntilTheParkEndsAndListenersHearParkAndResume() throws Exception {
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(60, 100_000, 0, 4), time);
        List<Optional<Parking>> events = new CopyOnWriteArrayList<>();
        limiter.addParkingListener(events::add);

        Instant until = time.now().plus(Duration.ofMinutes(10));
        limiter.park(until, "spend cap");
        assertThat(limiter.isParked()).isTrue();
        assertThat(limiter.parking()).contains(new Parking(until, "spend cap"));
        assertThat(limiter.stats().parked()).isTrue();
        assertThat(limiter.stats().parkedUntil()).isEqualTo(until);

        limiter.park(until.minusSeconds(60), "shorter park is ignored");
        assertThat(limiter.parking().map(Parking::reason)).contains("spend cap");

        Permit permit = limiter.acquire(Calls.generate(100));
        assertThat(time.now()).isAfterOrEqualTo(until);
        assertThat(permit.waitMillis()).isBetween(600_000L, 601_000L);
        assertThat(limiter.isParked()).isFalse();
        assertThat(events).containsExactly(Optional.of(new Parking(until, "spend cap")), Optional.empty());
    }

    @Test
    void parkingEndsByItself() {
        SimulatedTime time = new SimulatedTime();
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.unlimited(), time);
        List<Optional<Parking>> events = new CopyOnWriteArrayList<>();
        limiter.addParkingListener(events::add);
        limiter.park(time.now().plusSeconds(5), "test");
        time.advance(Duration.ofSeconds(5));
        assertThat(limiter.isParked()).isFalse();
        assertThat(events).hasSize(2).last().isEqualTo(Optional.empty());
    }

    @Test
    void parkingEndsByItselfInRealTimeWithoutAnyCaller() throws Exception {
        try (GenerationLimiter limiter = new GenerationLimiter(RateLimits.unlimited())) {
            List<Optional<Parking>> events = new CopyOnWriteArrayList<>();
            limiter.addParkingListener(events::add);
            limiter.park(Instant.now().plusMillis(100), "test");
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
            assertThat(events.get(1)).isEmpty();
        }
    }

    @Test
    void anExhaustedDailyQuotaParksUntilTheNextResetThenCountsAgain() throws Exception {
        // 2026-01-15 20:00 in Los Angeles: the reset is four hours away
        SimulatedTime time = new SimulatedTime(Instant.parse("2026-01-16T04:00:00Z"));
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(0, 0, 3, 0), time);
        List<Optional<Parking>> events = new CopyOnWriteArrayList<>();
        limiter.addParkingListener(events::add);
        Instant reset = Instant.parse("2026-01-16T08:00:00Z");
        assertThat(limiter.nextDayReset()).isEqualTo(reset);

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(Calls.generate(10)).waitMillis()).isZero();
        }
        assertThat(limiter.stats().requestsToday()).isEqualTo(3);
        Permit fourth = limiter.acquire(Calls.generate(10));
        assertThat(fourth.acquiredAt()).isEqualTo(reset);
        assertThat(fourth.waitMillis()).isEqualTo(Duration.ofHours(4).toMillis());
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).get().extracting(Parking::until).isEqualTo(reset);
        assertThat(events.get(1)).isEmpty();
        assertThat(limiter.stats().requestsToday()).isEqualTo(1);
    }

    @Test
    void aDailyQuotaErrorFromTheServerParksUntilTheReset() {
        SimulatedTime time = new SimulatedTime(Instant.parse("2026-01-16T04:00:00Z"));
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(10, 0, 0, 0), time);
        limiter.onRateLimited(new GeminiException(GeminiErrorKind.DAILY_QUOTA, 429, "RESOURCE_EXHAUSTED", "per day",
                null, "GenerateRequestsPerDayPerProjectPerModel-FreeTier"));
        assertThat(limiter.parking()).get().extracting(Parking::until).isEqualTo(Instant.parse("2026-01-16T08:00:00Z"));
        assertThat(limiter.stats().rateLimitAdaptations()).isZero();

        limiter.onRateLimited(new GeminiException(GeminiErrorKind.SPEND_CAP, "spend cap"));
        assertThat(limiter.parking()).get().extracting(Parking::until).isEqualTo(Instant.parse("2026-01-16T08:00:00Z"));
    }

    @Test
    void nextDayResetIsMidnightInLosAngelesAcrossDaylightSavingChanges() {
        // 2026-03-08: clocks go from 02:00 PST to 03:00 PDT, the day has 23 hours
        assertThat(resetAfter("2026-03-08T07:30:00Z")).isEqualTo("2026-03-08T08:00:00Z"); // 23:30 PST
        assertThat(resetAfter("2026-03-08T09:00:00Z")).isEqualTo("2026-03-09T07:00:00Z"); // 01:00 PST
        // 2026-11-01: clocks go from 02:00 PDT back to 01:00 PST, the day has 25 hours
        assertThat(resetAfter("2026-11-01T07:00:00Z")).isEqualTo("2026-11-02T08:00:00Z"); // 00:00 PDT
        assertThat(resetAfter("2026-11-01T08:30:00Z")).isEqualTo("2026-11-02T08:00:00Z"); // 01:30 PDT
        assertThat(resetAfter("2026-11-01T09:30:00Z")).isEqualTo("2026-11-02T08:00:00Z"); // 01:30 PST
        // exactly at midnight: the next one
        assertThat(resetAfter("2026-01-16T08:00:00Z")).isEqualTo("2026-01-17T08:00:00Z");
    }

    private static Instant resetAfter(String now) {
        SimulatedTime time = new SimulatedTime(Instant.parse(now));
        return new GenerationLimiter(RateLimits.of(0, 0, 10, 0).withDayResetZone(LA), time).nextDayReset();
    }

    @Test
    void aScaledDayIsShort() throws Exception {
        // started at midnight LA: with scale 0.01 the next reset is 864 s later, and then every 864 s
        SimulatedTime time = new SimulatedTime(Instant.parse("2026-01-16T08:00:00Z"));
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(0, 0, 2, 0).withTimeScale(0.01), time);
        Instant first = Instant.parse("2026-01-16T08:14:24Z");
        assertThat(limiter.nextDayReset()).isEqualTo(first);
        time.advance(Duration.ofSeconds(864));
        assertThat(limiter.nextDayReset()).isEqualTo(first.plusSeconds(864));

        // the quota of 2 per scaled day
        limiter.acquire(Calls.generate(1));
        limiter.acquire(Calls.generate(1));
        Permit third = limiter.acquire(Calls.generate(1));
        assertThat(third.acquiredAt()).isEqualTo(first.plusSeconds(864));
    }

    @Test
    void aScaledDayStartedMidDayResetsAtTheScaledMidnight() {
        // started at 18:00 LA: six virtual hours to midnight, 216 s with scale 0.01
        SimulatedTime time = new SimulatedTime(Instant.parse("2026-01-16T02:00:00Z"));
        GenerationLimiter limiter = new GenerationLimiter(RateLimits.of(0, 0, 2, 0).withTimeScale(0.01), time);
        assertThat(limiter.nextDayReset()).isEqualTo(Instant.parse("2026-01-16T02:03:36Z"));
    }
}

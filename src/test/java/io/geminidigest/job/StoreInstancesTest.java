package io.geminidigest.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several instances on one store (embedded H2 file and the local PostgreSQL): two store objects with different
 * instance ids on one database, on a clock the test moves (no sleeps). What one instance holds under a live lease is
 * not taken by the other's start-up; after its lease expired it is; the same instance restarted takes its own work
 * back at once; claims are won by one instance only.
 */
class StoreInstancesTest {

    static final String PG = JdbcJobStoreTest.PG;
    static final Duration LEASE = Duration.ofSeconds(90);
    static final Duration REPLY_CLAIM = Duration.ofSeconds(60);

    @TempDir
    static Path temp;

    static final List<String> schemas = new CopyOnWriteArrayList<>();

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    static List<Arguments> databases() {
        return List.of(Arguments.of("h2"), Arguments.of("postgresql"));
    }

    private static String freshUrl(String db) throws SQLException {
        String unique = "inst_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (db.equals("h2")) {
            // the store objects of one test open the same file (in one JVM: one embedded database)
            return "jdbc:h2:file:" + temp.resolve(unique).resolve("store") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + unique);
        }
        schemas.add(unique);
        return PG + "?currentSchema=" + unique;
    }

    @AfterAll
    static void dropSchemas() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            for (String schema : schemas) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static String user(String url) {
        return url.contains("postgresql") ? "postgres" : "";
    }

    private static JdbcJobStore jobs(String url, String instance, Clock clock) {
        return new JdbcJobStore(url, user(url), "", new InstanceLease(instance, LEASE, clock));
    }

    private static JdbcContentIndex index(String url, String instance, Clock clock) {
        return new JdbcContentIndex(url, user(url), "", new InstanceLease(instance, LEASE, clock));
    }

    private static JobRequest request(String content, String replyTo) throws IOException {
        Path file = new Spool(temp.resolve("spool")).write(content.getBytes(StandardCharsets.UTF_8));
        return new JobRequest("jms", UUID.randomUUID().toString(), "doc.txt", "text/plain", file, Map.of(),
                replyTo, "corr-" + content);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLiveInstancesClaimsSurviveAnotherInstancesStartUpAndAreTakenAfterItsLeaseExpired(String db)
            throws Exception {
        String url = freshUrl(db);
        TestClock clock = new TestClock();
        try (JdbcContentIndex indexA = index(url, "instance-a", clock);
                JdbcJobStore storeA = jobs(url, "instance-a", clock)) {
            // A works: a claimed document, a running job, a parked job, a reply it is sending
            assertThat(indexA.claim("a".repeat(64), "doc.txt").isNew()).isTrue();
            String running = storeA.accept(request("running " + db, null)).job().id();
            String parked = storeA.accept(request("parked " + db, null)).job().id();
            String answered = storeA.accept(request("answered " + db, "q.replies")).job().id();
            assertThat(storeA.markRunning(running)).isTrue();
            assertThat(storeA.markRunning(parked)).isTrue();
            storeA.markParked(parked);
            storeA.markRunning(answered);
            storeA.markDone(answered, "{}", new JobStore.Tokens(1, 1, 0), 0);
            assertThat(storeA.claimReplies(null, REPLY_CLAIM, 10)).hasSize(1);

            // B starts on the same database while A's leases run
            clock.advance(Duration.ofSeconds(30));
            try (JdbcContentIndex indexB = index(url, "instance-b", clock);
                    JdbcJobStore storeB = jobs(url, "instance-b", clock)) {
                assertThat(indexB.releaseUnfinished()).isZero();
                assertThat(storeB.requeueUnfinished()).isZero();
                assertThat(storeB.releaseReplyClaims()).isZero();
                assertThat(storeB.requeueExpired()).isZero();
                assertThat(storeB.find(running).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
                assertThat(storeB.find(parked).orElseThrow().status()).isEqualTo(JobStatus.PARKED);
                assertThat(indexB.claim("a".repeat(64), "copy.txt").state()).isEqualTo(Claim.State.BUSY);
                assertThat(storeB.claimReplies(null, REPLY_CLAIM, 10)).as("A is sending it").isEmpty();
                assertThat(storeB.markRunning(parked)).as("A's parked job resumes in A only").isFalse();

                // A's heartbeat keeps its leases alive past their first end
                clock.advance(Duration.ofSeconds(50));
                assertThat(indexA.renewLeases()).isEqualTo(1);
                assertThat(storeA.renewLeases()).isEqualTo(2);
                clock.advance(Duration.ofSeconds(50)); // 130 s after the first claim, 50 s after the renewal
                assertThat(indexB.releaseUnfinished()).isZero();
                assertThat(storeB.requeueUnfinished()).isZero();
                assertThat(storeB.requeueExpired()).isZero();
                assertThat(indexB.claim("a".repeat(64), "copy.txt").state()).isEqualTo(Claim.State.BUSY);

                // A dies: nothing renews its leases; once they ran out, B takes its work
                clock.advance(LEASE);
                assertThat(indexB.releaseUnfinished()).isEqualTo(1);
                assertThat(storeB.requeueUnfinished()).isEqualTo(2);
                assertThat(storeB.queued(10)).extracting(JobRecord::id).containsExactlyInAnyOrder(running, parked);
                assertThat(storeB.claimReplies(null, REPLY_CLAIM, 10)).extracting(JobReply::jobId)
                        .containsExactly(answered);
                assertThat(indexB.claim("a".repeat(64), "copy.txt").isNew()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anExpiredClaimIsTakenOverWhileRunningAndTheDeadHoldersReleaseDoesNotUndoIt(String db) throws Exception {
        String url = freshUrl(db);
        TestClock clock = new TestClock();
        try (JdbcContentIndex indexA = index(url, "instance-a", clock);
                JdbcContentIndex indexB = index(url, "instance-b", clock);
                JdbcJobStore storeA = jobs(url, "instance-a", clock);
                JdbcJobStore storeB = jobs(url, "instance-b", clock)) {
            String sha = "b".repeat(64);
            assertThat(indexA.claim(sha, "one.txt").isNew()).isTrue();
            String job = storeA.accept(request("taken over " + db, null)).job().id();
            assertThat(storeA.markRunning(job)).isTrue();
            clock.advance(LEASE.plusSeconds(1));
            // B's heartbeat finds A's job without a live lease
            assertThat(storeB.requeueExpired()).isEqualTo(1);
            assertThat(storeB.markRunning(job)).isTrue();
            assertThat(indexB.claim(sha, "two.txt").isNew()).as("expired: taken over").isTrue();
            // A comes back late and gives its claim up: B's claim stays; A's heartbeat renews nothing of B's
            indexA.release(sha);
            assertThat(indexA.renewLeases()).isZero();
            assertThat(storeA.renewLeases()).isZero();
            assertThat(indexA.claim(sha, "one.txt").state()).isEqualTo(Claim.State.BUSY);
            // B's own running job is not its own heartbeat's to requeue
            assertThat(storeB.requeueExpired()).isZero();
            // A's late end of the job it lost records nothing; B's end is the job's
            assertThat(storeA.markDone(job, "{\"by\":\"a\"}", new JobStore.Tokens(5, 5, 0), 1.0)).isFalse();
            assertThat(storeA.markFailed(job, "{\"by\":\"a\"}")).isFalse();
            assertThat(storeB.find(job).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
            assertThat(storeB.markDone(job, "{\"by\":\"b\"}", new JobStore.Tokens(1, 1, 0), 0.5)).isTrue();
            JobRecord done = storeB.find(job).orElseThrow();
            assertThat(done.status()).isEqualTo(JobStatus.DONE);
            assertThat(done.resultJson()).isEqualTo("{\"by\":\"b\"}");
            assertThat(done.costUsd()).isEqualTo(0.5);
            indexB.complete(sha, "two.txt", "two.txt.summary.md");
            assertThat(indexA.claim(sha, "one.txt")).isEqualTo(
                    new Claim(Claim.State.DONE, "two.txt", "two.txt.summary.md"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theSameInstanceRestartedTakesItsOwnWorkBackAtOnce(String db) throws Exception {
        String url = freshUrl(db);
        TestClock clock = new TestClock();
        String running;
        String answered;
        try (JdbcContentIndex index = index(url, "instance-a", clock);
                JdbcJobStore store = jobs(url, "instance-a", clock);
                JdbcJobStore other = jobs(url, "instance-b", clock)) {
            assertThat(index.claim("c".repeat(64), "doc.txt").isNew()).isTrue();
            running = store.accept(request("own running " + db, null)).job().id();
            store.markRunning(running);
            answered = store.accept(request("own reply " + db, "q.replies")).job().id();
            store.markRunning(answered);
            store.markDone(answered, "{}", new JobStore.Tokens(1, 1, 0), 0);
            // another instance, sending a reply of its own when A restarts
            String others = other.accept(request("other reply " + db, "q.other")).job().id();
            other.markRunning(others);
            other.markDone(others, "{}", new JobStore.Tokens(1, 1, 0), 0);
            assertThat(other.claimReplies(others, REPLY_CLAIM, 10)).hasSize(1);
            assertThat(store.claimReplies(answered, REPLY_CLAIM, 10)).hasSize(1);
            // A is killed here, before it sent its reply
        }
        clock.advance(Duration.ofSeconds(1)); // not the lease, not the claim time
        try (JdbcContentIndex index = index(url, "instance-a", clock);
                JdbcJobStore store = jobs(url, "instance-a", clock)) {
            assertThat(index.releaseUnfinished()).isEqualTo(1);
            assertThat(store.requeueUnfinished()).isEqualTo(1);
            assertThat(store.find(running).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
            assertThat(store.releaseReplyClaims()).as("its own only").isEqualTo(1);
            List<JobReply> again = store.claimReplies(null, REPLY_CLAIM, 10);
            assertThat(again).extracting(JobReply::jobId).containsExactly(answered);
            assertThat(again).extracting(JobReply::attempts).containsExactly(2);
            assertThat(index.claim("c".repeat(64), "doc.txt").isNew()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aFailedSendIsRetriedAfterTheRetryDelayWithItsReasonKept(String db) throws Exception {
        String url = freshUrl(db);
        TestClock clock = new TestClock();
        try (JdbcJobStore store = jobs(url, "instance-a", clock)) {
            String job = store.accept(request("refused " + db, "q.refuses")).job().id();
            store.markRunning(job);
            store.markDone(job, "{}", new JobStore.Tokens(1, 1, 0), 0);
            JobReply claimed = store.claimReplies(job, REPLY_CLAIM, 10).get(0);
            store.replyNotSent(claimed.id(), "connection refused", Duration.ofSeconds(5));
            assertThat(store.replies(job)).singleElement().extracting(JobReply::status, JobReply::lastError)
                    .containsExactly(JobReply.Status.PENDING, "connection refused");
            clock.advance(Duration.ofSeconds(4));
            assertThat(store.claimReplies(null, REPLY_CLAIM, 10)).as("within the retry delay").isEmpty();
            clock.advance(Duration.ofSeconds(2)); // well before the 60 s claim ended
            assertThat(store.claimReplies(null, REPLY_CLAIM, 10)).extracting(JobReply::attempts).containsExactly(2);
            store.replySent(claimed.id());
            assertThat(store.replies(job)).singleElement().extracting(JobReply::status, JobReply::lastError)
                    .containsExactly(JobReply.Status.SENT, null);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void claimsAreWonByOneInstanceOnly(String db) throws Exception {
        String url = freshUrl(db);
        TestClock clock = new TestClock();
        int instances = 4;
        List<JdbcJobStore> stores = new java.util.ArrayList<>();
        List<JdbcContentIndex> indexes = new java.util.ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            for (int i = 0; i < instances; i++) {
                stores.add(jobs(url, "instance-" + i, clock));
                indexes.add(index(url, "instance-" + i, clock));
            }
            for (int round = 0; round < 5; round++) {
                String job = stores.get(0).accept(request("race " + round + " " + db, "q.r")).job().id();
                String sha = Integer.toString(round).repeat(64);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> runs = new java.util.ArrayList<>();
                List<Future<Boolean>> claims = new java.util.ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    JdbcJobStore s = stores.get(i);
                    JdbcContentIndex x = indexes.get(i);
                    runs.add(pool.submit(() -> {
                        start.await();
                        return s.markRunning(job);
                    }));
                    claims.add(pool.submit(() -> {
                        start.await();
                        return x.claim(sha, "doc.txt").isNew();
                    }));
                }
                start.countDown();
                int won = 0;
                int claimed = 0;
                int winner = -1;
                for (int i = 0; i < instances; i++) {
                    if (runs.get(i).get()) {
                        won++;
                        winner = i;
                    }
                    claimed += claims.get(i).get() ? 1 : 0;
                }
                assertThat(won).as("markRunning winners, round " + round).isEqualTo(1);
                assertThat(claimed).as("content claim winners, round " + round).isEqualTo(1);
                // only the instance running the job ends it
                assertThat(stores.get((winner + 1) % instances).markDone(job, "{}", new JobStore.Tokens(1, 1, 0), 0))
                        .isFalse();
                assertThat(stores.get(winner).markDone(job, "{}", new JobStore.Tokens(1, 1, 0), 0)).isTrue();
                List<Future<List<JobReply>>> replies = new java.util.ArrayList<>();
                for (JdbcJobStore s : stores) {
                    replies.add(pool.submit(() -> s.claimReplies(null, REPLY_CLAIM, 10)));
                }
                int handedOut = 0;
                for (Future<List<JobReply>> r : replies) {
                    handedOut += r.get().size();
                }
                assertThat(handedOut).as("reply claims, round " + round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(JdbcJobStore::close);
            indexes.forEach(JdbcContentIndex::close);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theHeartbeatKeepsThisInstancesWorkAndQueuesADeadInstancesJobsAgain(String db) throws Exception {
        String url = freshUrl(db);
        TestClock clock = new TestClock();
        try (JdbcContentIndex indexA = index(url, "instance-a", clock);
                JdbcJobStore storeA = jobs(url, "instance-a", clock);
                JdbcContentIndex indexB = index(url, "instance-b", clock);
                JdbcJobStore storeB = jobs(url, "instance-b", clock)) {
            io.geminidigest.app.StoreLeases heartbeatA = new io.geminidigest.app.StoreLeases(indexA, storeA);
            assertThat(indexA.claim("d".repeat(64), "a.txt").isNew()).isTrue();
            String jobA = storeA.accept(request("heartbeat a " + db, null)).job().id();
            String jobB = storeB.accept(request("heartbeat b " + db, null)).job().id();
            storeA.markRunning(jobA);
            storeB.markRunning(jobB);
            // B dies; A's heartbeat beats on
            for (int beat = 0; beat < 4; beat++) {
                clock.advance(Duration.ofSeconds(30));
                int requeued = heartbeatA.renew();
                assertThat(requeued).as("beat " + beat).isEqualTo(beat == 3 ? 1 : 0);
            }
            assertThat(storeA.find(jobA).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
            assertThat(storeA.find(jobB).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
            assertThat(indexB.releaseUnfinished()).as("A's claim is live after 120 s").isZero();
            assertThat(storeB.requeueExpired()).isZero();
        }
    }

    @Test
    void theInstanceIdIsKeptPerStateFolderAndAnotherHolderGetsItsOwn() throws Exception {
        Path state = temp.resolve("state-" + UUID.randomUUID());
        String first;
        try (InstanceId id = InstanceId.of(state)) {
            assertThat(id.persistent()).isTrue();
            first = id.id();
            assertThat(Files.readString(state.resolve("instance-id")).strip()).isEqualTo(first);
            // a second holder of the same folder while the first runs: an id of its own, not the folder's
            try (InstanceId second = InstanceId.of(state)) {
                assertThat(second.persistent()).isFalse();
                assertThat(second.id()).isNotEqualTo(first);
            }
        }
        try (InstanceId restarted = InstanceId.of(state)) {
            assertThat(restarted.persistent()).isTrue();
            assertThat(restarted.id()).isEqualTo(first);
        }
    }
}

package io.geminidigest.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job store on both databases it supports: an embedded H2 file and the local PostgreSQL server (a fresh schema
 * per run, dropped afterwards). PostgreSQL must be running (CI starts it): a test that cannot connect fails.
 */
class JdbcJobStoreTest {

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String SCHEMA = "jobstore_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @TempDir
    static Path temp;

    /** A new, empty store on each database, for each test (opening the same URL again = a restart). */
    static final Map<String, Supplier<String>> URLS = new ConcurrentHashMap<>();

    @BeforeAll
    static void createSchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    static List<Arguments> databases() {
        return List.of(Arguments.of("h2"), Arguments.of("postgresql"));
    }

    /** A fresh database (H2 file) or a fresh table set (a sub-schema per test on PostgreSQL). */
    private static String freshUrl(String db) throws SQLException {
        String unique = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        if (db.equals("h2")) {
            return "jdbc:h2:file:" + temp.resolve(unique).resolve("store") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA + unique);
        }
        cleanup.add(SCHEMA + unique);
        return PG + "?currentSchema=" + SCHEMA + unique;
    }

    static final List<String> cleanup = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterAll
    static void dropTestSchemas() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            for (String schema : cleanup) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** The store of one instance (its id kept across restarts, as the state folder keeps it). */
    private static JdbcJobStore open(String url) {
        return new JdbcJobStore(url, url.contains("postgresql") ? "postgres" : "", "",
                new InstanceLease("the-instance", java.time.Duration.ofSeconds(90), java.time.Clock.systemUTC()));
    }

    private static JobRequest request(String source, String messageId, Path file) {
        return new JobRequest(source, messageId, "report.txt", "text/plain", file, Map.of("language", "English"),
                "reply-queue", "corr-1");
    }

    private static Path spooled(String content) throws IOException {
        Spool spool = new Spool(temp.resolve("spool"));
        return spool.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void acceptRecordsAQueuedJobWithEveryField(String db) throws Exception {
        try (JdbcJobStore store = open(freshUrl(db))) {
            Path file = spooled("hello " + db);
            JobStore.Accepted accepted = store.accept(request("http", "m-1", file));
            assertThat(accepted.duplicate()).isFalse();
            JobRecord job = accepted.job();
            assertThat(job.id()).isEqualTo(file.getFileName().toString());
            assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(job.sha256()).isEqualTo(new ContentHasher().sha256(file));
            assertThat(job.bytes()).isEqualTo(Files.size(file));
            assertThat(job.spoolPath()).isEqualTo(file.toAbsolutePath().toString());
            assertThat(job.optionsJson()).isEqualTo("{\"language\":\"English\"}");
            assertThat(job.replyTo()).isEqualTo("reply-queue");
            assertThat(job.correlationId()).isEqualTo("corr-1");
            assertThat(store.find(job.id())).contains(job);
            assertThat(job.toJob().file()).isEqualTo(file.toAbsolutePath());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void sameMessageIdOrSameContentIsTheSameJob(String db) throws Exception {
        try (JdbcJobStore store = open(freshUrl(db))) {
            JobRecord first = store.accept(request("jms", "m-1", spooled("content A"))).job();
            // a redelivered message, even with other bytes
            JobStore.Accepted redelivered = store.accept(request("jms", "m-1", spooled("content B")));
            assertThat(redelivered.duplicate()).isTrue();
            assertThat(redelivered.job().id()).isEqualTo(first.id());
            // the same content from elsewhere
            JobStore.Accepted sameContent = store.accept(request("http", null, spooled("content A")));
            assertThat(sameContent.duplicate()).isTrue();
            assertThat(sameContent.job().id()).isEqualTo(first.id());
            // once the earlier job failed, the same content is a new job
            store.markRunning(first.id());
            store.markFailed(first.id(), "{\"outcome\":\"network\"}");
            JobStore.Accepted retry = store.accept(request("http", null, spooled("content A")));
            assertThat(retry.duplicate()).isFalse();
            assertThat(retry.job().id()).isNotEqualTo(first.id());
            // cancelled, likewise
            assertThat(store.cancel(retry.job().id())).isTrue();
            assertThat(store.accept(request("http", "k-2", spooled("content A"))).duplicate()).isFalse();
        }
    }

    private static JobRequest withOptions(Map<String, String> options, Path file) {
        return new JobRequest("http", null, "report.txt", "text/plain", file, options, null, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theSameContentWithOtherResultOptionsIsAnotherJobAndFormatDoesNotCount(String db) throws Exception {
        try (JdbcJobStore store = open(freshUrl(db))) {
            JobRecord english = store.accept(withOptions(Map.of("language", "English"), spooled("content O"))).job();
            JobStore.Accepted french = store.accept(withOptions(Map.of("language", "French"), spooled("content O")));
            assertThat(french.duplicate()).isFalse();
            assertThat(french.job().id()).isNotEqualTo(english.id());
            assertThat(french.job().sha256()).isEqualTo(english.sha256());
            JobStore.Accepted plain = store.accept(withOptions(Map.of(), spooled("content O")));
            assertThat(plain.duplicate()).isFalse();
            JobStore.Accepted otherModel = store.accept(withOptions(Map.of("language", "English", "model",
                    "gemini-2.5-flash"), spooled("content O")));
            assertThat(otherModel.duplicate()).isFalse();
            // the same result options in another order, case of the language, or with another format: the same job
            JobStore.Accepted again = store.accept(withOptions(Map.of("format", "json", "language", "english"),
                    spooled("content O")));
            assertThat(again.duplicate()).isTrue();
            assertThat(again.job().id()).isEqualTo(english.id());
            assertThat(store.accept(withOptions(Map.of("model", "gemini-2.5-flash", "language", "English"),
                    spooled("content O"))).job().id()).isEqualTo(otherModel.job().id());
            assertThat(store.accept(withOptions(Map.of("language", "French"), spooled("content O"))).job().id())
                    .isEqualTo(french.job().id());
            assertThat(store.list(null, "http", 0, 10).total()).isEqualTo(4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentAcceptsOfOneMessageMakeOneJob(String db) throws Exception {
        try (JdbcJobStore store = open(freshUrl(db))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<JobStore.Accepted>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Path file = spooled("same message " + i);
                    results.add(pool.submit(() -> store.accept(request("kafka", "dup", file))));
                }
                java.util.Set<String> ids = new java.util.HashSet<>();
                for (Future<JobStore.Accepted> r : results) {
                    ids.add(r.get().job().id());
                }
                assertThat(ids).hasSize(1);
                assertThat(store.list(null, "kafka", 0, 10).total()).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void statusTransitions(String db) throws Exception {
        try (JdbcJobStore store = open(freshUrl(db))) {
            JobRecord job = store.accept(request("http", null, spooled("transitions " + db))).job();
            assertThat(store.markRunning(job.id())).isTrue();
            assertThat(store.markRunning(job.id())).as("already running").isFalse();
            assertThat(store.cancel(job.id())).as("only while queued").isFalse();
            store.progress(job.id(), 2, 5);
            assertThat(store.find(job.id()).orElseThrow()).extracting(JobRecord::progressDone, JobRecord::progressTotal)
                    .containsExactly(2, 5);
            store.markParked(job.id());
            assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.PARKED);
            assertThat(store.markRunning(job.id())).as("resumes after the reset").isTrue();
            store.markDone(job.id(), "{\"status\":\"ok\"}", new JobStore.Tokens(100, 20, 5), 0.0123);
            JobRecord done = store.find(job.id()).orElseThrow();
            assertThat(done.status()).isEqualTo(JobStatus.DONE);
            assertThat(done.resultJson()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(done).extracting(JobRecord::tokensIn, JobRecord::tokensOut, JobRecord::tokensThinking)
                    .containsExactly(100L, 20L, 5L);
            assertThat(done.costUsd()).isEqualTo(0.0123);
            assertThat(done.progressDone()).isEqualTo(5);
            assertThat(done.updatedAt()).isAfterOrEqualTo(done.createdAt());

            JobRecord other = store.accept(request("http", null, spooled("to fail " + db))).job();
            store.markRunning(other.id());
            store.markFailed(other.id(), "{\"outcome\":\"corrupt\"}");
            assertThat(store.find(other.id()).orElseThrow()).extracting(JobRecord::status, JobRecord::errorJson)
                    .containsExactly(JobStatus.FAILED, "{\"outcome\":\"corrupt\"}");
            assertThat(store.find("no-such-job")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void queuedOldestFirstWithoutFolderJobsAndListingWithFilters(String db) throws Exception {
        try (JdbcJobStore store = open(freshUrl(db))) {
            JobRecord a = store.accept(request("http", null, spooled("a " + db))).job();
            Thread.sleep(5); // distinct creation times (timestamps have millisecond precision at least)
            JobRecord b = store.accept(request("jms", null, spooled("b " + db))).job();
            Thread.sleep(5);
            JobRecord c = store.accept(request("http", null, spooled("c " + db))).job();
            Path folderFile = spooled("folder " + db);
            store.recordRunning("f-1", request("folder", null, folderFile), "f".repeat(64), 7);
            assertThat(store.queued(10)).extracting(JobRecord::id).containsExactly(a.id(), b.id(), c.id());
            assertThat(store.queued(2)).extracting(JobRecord::id).containsExactly(a.id(), b.id());
            assertThat(store.cancel(b.id())).isTrue();
            assertThat(store.queued(10)).extracting(JobRecord::id).containsExactly(a.id(), c.id());

            assertThat(store.list(null, null, 0, 10).total()).isEqualTo(4);
            assertThat(store.list(JobStatus.QUEUED, "http", 0, 10).jobs()).extracting(JobRecord::id)
                    .containsExactly(c.id(), a.id());
            JobStore.Page page = store.list(null, null, 1, 3);
            assertThat(page.total()).isEqualTo(4);
            assertThat(page.jobs()).hasSize(1);
            assertThat(store.count(JobStatus.QUEUED, null)).isEqualTo(2);
            assertThat(store.count(JobStatus.RUNNING, "folder")).isEqualTo(1);
            assertThat(store.counts()).contains(new JobStore.StatusCount(JobStatus.CANCELLED, "jms", 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void unfinishedJobsAreQueuedAgainAfterARestart(String db) throws Exception {
        String url = freshUrl(db);
        String running;
        String parked;
        String queued;
        String done;
        try (JdbcJobStore store = open(url)) {
            running = store.accept(request("http", null, spooled("r " + db))).job().id();
            parked = store.accept(request("jms", null, spooled("p " + db))).job().id();
            queued = store.accept(request("http", null, spooled("q " + db))).job().id();
            done = store.accept(request("http", null, spooled("d " + db))).job().id();
            store.markRunning(running);
            store.markRunning(parked);
            store.markParked(parked);
            store.markRunning(done);
            store.markDone(done, "{}", new JobStore.Tokens(1, 1, 0), 0);
            store.recordRunning("folder-1", request("folder", null, spooled("f " + db)), "e".repeat(64), 3);
        }
        // a crash: the next process opens the same database
        try (JdbcJobStore store = open(url)) {
            assertThat(store.requeueUnfinished()).isEqualTo(2);
            assertThat(store.queued(10)).extracting(JobRecord::id).containsExactlyInAnyOrder(running, parked, queued);
            assertThat(store.find(done).orElseThrow().status()).isEqualTo(JobStatus.DONE);
            // the folder takes its file again as a new job; the interrupted record is closed
            assertThat(store.find("folder-1").orElseThrow().status()).isEqualTo(JobStatus.FAILED);
            assertThat(store.reachable()).isTrue();
        }
    }

    private static JobRequest asking(String source, String messageId, Path file, String replyTo, String corr) {
        return new JobRequest(source, messageId, "report.txt", "text/plain", file, Map.of(), replyTo, corr);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void repliesAreOwedFromAcceptanceAndDueWithTheFinalStatusOncePerRequest(String db) throws Exception {
        try (JdbcJobStore store = open(freshUrl(db))) {
            java.time.Duration lease = java.time.Duration.ofMinutes(5);
            JobRecord job = store.accept(asking("jms", "m-1", spooled("owed " + db), "q.replies", "c-1")).job();
            assertThat(store.replies(job.id())).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(JobReply.Status.WAITING);
                assertThat(r).extracting(JobReply::replyTo, JobReply::correlationId, JobReply::source)
                        .containsExactly("q.replies", "c-1", "jms");
            });
            // the same message again: its reply is owed already, no second one
            assertThat(store.accept(asking("jms", "m-1", spooled("owed " + db), "q.replies", "c-1")).duplicate())
                    .isTrue();
            // the same content from another request: that request is owed its own reply
            assertThat(store.accept(asking("kafka", "k-9", spooled("owed " + db), "topic-r", "c-2")).job().id())
                    .isEqualTo(job.id());
            // a request without a reply destination (HTTP) owes none
            store.accept(asking("http", null, spooled("owed " + db), null, null));
            assertThat(store.replies(job.id())).extracting(JobReply::correlationId)
                    .containsExactlyInAnyOrder("c-1", "c-2");
            assertThat(store.claimReplies(null, lease, 10)).as("nothing is due while the job runs").isEmpty();

            store.markRunning(job.id());
            store.markDone(job.id(), "{}", new JobStore.Tokens(1, 1, 0), 0);
            assertThat(store.replies(job.id())).extracting(JobReply::status)
                    .containsOnly(JobReply.Status.PENDING);
            List<JobReply> claimed = new java.util.ArrayList<>(store.claimReplies(job.id(), lease, 10));
            claimed.sort(java.util.Comparator.comparing(JobReply::correlationId));
            assertThat(claimed).extracting(JobReply::correlationId).containsExactly("c-1", "c-2");
            assertThat(claimed).extracting(JobReply::attempts).containsOnly(1);
            assertThat(store.claimReplies(null, lease, 10)).as("claimed: not handed out twice").isEmpty();

            store.replySent(claimed.get(0).id());
            store.replyNotSent(claimed.get(1).id(), "broker down", lease);
            assertThat(store.replies(job.id())).extracting(JobReply::correlationId, JobReply::status,
                    JobReply::lastError).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("c-1", JobReply.Status.SENT, null),
                    org.assertj.core.groups.Tuple.tuple("c-2", JobReply.Status.PENDING, "broker down"));
            assertThat(store.replies(job.id())).filteredOn(r -> r.status() == JobReply.Status.SENT)
                    .allMatch(r -> r.sentAt() != null);

            // the same message once more, after its reply was sent: it is answered again (at once: the job is done)
            store.accept(asking("jms", "m-1", spooled("owed " + db), "q.replies", "c-1"));
            assertThat(store.replies(job.id())).extracting(JobReply::correlationId, JobReply::status)
                    .containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("c-1", JobReply.Status.SENT),
                    org.assertj.core.groups.Tuple.tuple("c-2", JobReply.Status.PENDING),
                    org.assertj.core.groups.Tuple.tuple("c-1", JobReply.Status.PENDING));
            assertThat(store.claimReplies(null, lease, 10)).extracting(JobReply::correlationId)
                    .as("c-2 is still under its lease").containsExactly("c-1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPendingReplySurvivesARestartAndAnExpiredClaimIsClaimedAgain(String db) throws Exception {
        String url = freshUrl(db);
        String done;
        String failed;
        String cancelled;
        try (JdbcJobStore store = open(url)) {
            done = store.accept(asking("amqp", "a-1", spooled("d " + db), "q.r", "c-d")).job().id();
            failed = store.accept(asking("amqp", "a-2", spooled("f " + db), "q.r", "c-f")).job().id();
            cancelled = store.accept(asking("amqp", "a-3", spooled("c " + db), "q.r", "c-c")).job().id();
            store.markRunning(done);
            store.markDone(done, "{}", new JobStore.Tokens(1, 1, 0), 0);
            store.markRunning(failed);
            store.markFailed(failed, "{}");
            assertThat(store.cancel(cancelled)).isTrue();
            // claimed by a process that died before sending: its lease ends (here: it ended already)
            assertThat(store.claimReplies(done, java.time.Duration.ofSeconds(-1), 10)).hasSize(1);
        }
        try (JdbcJobStore store = open(url)) {
            assertThat(store.claimReplies(null, java.time.Duration.ofMinutes(5), 10))
                    .extracting(JobReply::correlationId).containsExactlyInAnyOrder("c-d", "c-f", "c-c");
            assertThat(store.replies(done)).singleElement().extracting(JobReply::attempts).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void finishedJobsPastTheRetentionGoWithTheirRepliesAndTheContentIndexKeepsTheirContent(String db)
            throws Exception {
        String url = freshUrl(db);
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant longAgo = now.minus(java.time.Duration.ofDays(40));
        JobStore.Tokens tokens = new JobStore.Tokens(1, 1, 0);
        String oldDone;
        String oldFailed;
        String oldCancelled;
        String oldOwing;
        String oldQueued;
        String oldRunning;
        // 40 days ago (the store stamps updated_at with its lease's clock)
        try (JdbcJobStore store = new JdbcJobStore(url, url.contains("postgresql") ? "postgres" : "", "",
                new InstanceLease("the-instance", java.time.Duration.ofSeconds(90),
                        java.time.Clock.fixed(longAgo, java.time.ZoneOffset.UTC)));
                JdbcContentIndex index = new JdbcContentIndex(url, url.contains("postgresql") ? "postgres" : "", "")) {
            oldDone = store.accept(asking("jms", "o-1", spooled("old done " + db), "q.r", "c-1")).job().id();
            oldFailed = store.accept(asking("jms", "o-2", spooled("old failed " + db), "q.r", "c-2")).job().id();
            oldCancelled = store.accept(asking("jms", "o-3", spooled("old cancelled " + db), "q.r", "c-3")).job()
                    .id();
            oldOwing = store.accept(asking("jms", "o-4", spooled("old owing " + db), "q.r", "c-4")).job().id();
            oldQueued = store.accept(asking("http", null, spooled("old queued " + db), null, null)).job().id();
            oldRunning = store.accept(asking("http", null, spooled("old running " + db), null, null)).job().id();
            store.markRunning(oldDone);
            store.markDone(oldDone, "{\"summary\":\"x\"}", tokens, 0);
            store.markRunning(oldFailed);
            store.markFailed(oldFailed, "{}");
            store.cancel(oldCancelled);
            store.markRunning(oldOwing);
            store.markDone(oldOwing, "{}", tokens, 0);
            store.markRunning(oldRunning);
            // every reply sent but the owing job's
            for (String id : List.of(oldDone, oldFailed, oldCancelled)) {
                store.claimReplies(id, java.time.Duration.ofMinutes(1), 10).forEach(r -> store.replySent(r.id()));
            }
            index.claim(store.find(oldDone).orElseThrow().sha256(), "old done");
            index.complete(store.find(oldDone).orElseThrow().sha256(), "old done", "old done.summary.md");
        }
        try (JdbcJobStore store = open(url);
                JdbcContentIndex index = new JdbcContentIndex(url, url.contains("postgresql") ? "postgres" : "", "")) {
            String recent = store.accept(asking("jms", "n-1", spooled("recent " + db), "q.r", "c-n")).job().id();
            store.markRunning(recent);
            store.markDone(recent, "{}", tokens, 0);
            store.claimReplies(recent, java.time.Duration.ofMinutes(1), 10).forEach(r -> store.replySent(r.id()));
            String doneSha = store.find(oldDone).orElseThrow().sha256();

            assertThat(store.removeFinishedBefore(now.minus(java.time.Duration.ofDays(30)))).isEqualTo(3);

            for (String gone : List.of(oldDone, oldFailed, oldCancelled)) {
                assertThat(store.find(gone)).as(gone).isEmpty();
                assertThat(store.replies(gone)).as("its replies go with it").isEmpty();
            }
            assertThat(store.find(oldOwing)).as("a reply still owed keeps its job").isPresent();
            assertThat(store.replies(oldOwing)).hasSize(1);
            assertThat(store.find(oldQueued).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
            assertThat(store.find(oldRunning).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
            assertThat(store.find(recent)).as("finished within the retention").isPresent();
            assertThat(store.replies(recent)).hasSize(1);
            // the content index does not forget: the same content is not processed again
            assertThat(index.claim(doneSha, "old done again").state()).isEqualTo(Claim.State.DONE);
            assertThat(store.removeFinishedBefore(now.minus(java.time.Duration.ofDays(30)))).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void finishedJobsAreRemovedInBatches(String db) throws Exception {
        String url = freshUrl(db);
        int n = JdbcJobStore.REMOVE_BATCH + 7;
        try (JdbcJobStore store = open(url)) {
            for (int i = 0; i < n; i++) {
                String id = "batch-" + i;
                store.accept(id, new JobRequest("http", null, "b.txt", null, temp.resolve(id), Map.of(), null, null),
                        String.format("%064d", i), 1);
                store.markRunning(id);
                store.markDone(id, "{}", new JobStore.Tokens(0, 0, 0), 0);
            }
            assertThat(store.removeFinishedBefore(java.time.Instant.now().plusSeconds(60))).isEqualTo(n);
            assertThat(store.count(JobStatus.DONE, null)).isZero();
        }
    }
}

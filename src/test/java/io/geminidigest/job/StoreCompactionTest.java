package io.geminidigest.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
/**
 * The embedded store file under a stream of job lifecycles ({@link StoreGrowthHarness}: accepted, running, progress,
 * content index, DONE with a 4 KB result, reply claimed and sent) stays about the size of its live data when it is
 * compacted the way route {@code store-maintenance} does; uncompacted, it grows by every commit.
 * <p>
 * The store is the application's own URL with H2's retention time at 0: H2 overwrites a chunk that went out of use
 * only once it is older than the retention time (15 s in the application), and this test runs for about that long.
 * Over a longer run the application's setting behaves the same, plus the last seconds of writes (bench/README.md).
 */
class StoreCompactionTest {

    static final int JOBS = 1000;
    static final int BATCH = 250;
    /**
     * Compacted (live pages of sparse chunks rewritten, no chunk moves), the file is 17.6 MB; uncompacted, about 23 MB
     * ({@code StoreGrowthHarness batches 1000 250 0}, with and without {@code -Dcompact-mb=16}). With chunk moves it
     * was about 5 MB, but moving chunks beside committing threads failed an H2 assertion and closed the database.
     */
    static final long BOUND = 20L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void theFileStaysAboutTheSizeOfItsLiveDataWhenCompactedPeriodically() throws Exception {
        String url = StoreGrowthHarness.url(dir, 0);
        StoreGrowthHarness jobs = new StoreGrowthHarness(dir, url);
        try (StoreCompaction compaction = new StoreCompaction(url, "", "", 16 * 1024 * 1024)) {
            for (int i = 0; i < JOBS; i += BATCH) {
                jobs.accept(i, i + BATCH);
                jobs.finish(i, i + BATCH);
                StoreCompaction.Result r = compaction.compact();
                assertThat(r.before()).isPositive();
                assertThat(r.after()).isPositive();
            }
            assertThat(jobs.fileSize()).as("store file after %d jobs", JOBS).isLessThan(BOUND);
            assertThat(jobs.store().count(JobStatus.DONE, null)).isEqualTo(JOBS);
            assertThat(jobs.store().find(StoreGrowthHarness.id(7)).orElseThrow().resultJson())
                    .isEqualTo(StoreGrowthHarness.RESULT_JSON);
        } finally {
            jobs.close();
        }
    }

    @Test
    void compactionsWhileJobsCommitLoseNothing() throws Exception {
        String url = StoreGrowthHarness.url(dir, 0);
        StoreGrowthHarness jobs = new StoreGrowthHarness(dir, url);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        try (StoreCompaction compaction = new StoreCompaction(url, "", "", 1024 * 1024)) {
            // the timer route's thread, as often as it can, beside the threads that accept and finish jobs
            java.util.concurrent.CompletableFuture<Void> compacting = java.util.concurrent.CompletableFuture.runAsync(
                    () -> {
                        while (!stop.get() || runs.get() == 0) {
                            compaction.compact();
                            runs.incrementAndGet();
                        }
                    });
            for (int i = 0; i < 400; i += 50) {
                jobs.accept(i, i + 50);
                jobs.finish(i, i + 50);
            }
            stop.set(true);
            compacting.get();
            assertThat(runs.get()).isPositive();
            assertThat(jobs.store().count(JobStatus.DONE, null)).isEqualTo(400);
            for (int i = 0; i < 400; i++) {
                JobRecord job = jobs.store().find(StoreGrowthHarness.id(i)).orElseThrow();
                assertThat(job.resultJson()).isEqualTo(StoreGrowthHarness.RESULT_JSON);
                assertThat(jobs.store().replies(job.id())).extracting(JobReply::status)
                        .containsExactly(JobReply.Status.SENT);
            }
        } finally {
            jobs.close();
        }
        // and the file opens again with everything in it
        StoreGrowthHarness reopened = new StoreGrowthHarness(dir, url);
        try {
            assertThat(reopened.store().count(JobStatus.DONE, null)).isEqualTo(400);
        } finally {
            reopened.close();
        }
    }

    @Test
    void nothingToCompactOnAnInMemoryDatabase() {
        try (StoreCompaction compaction = new StoreCompaction("jdbc:h2:mem:compaction", "", "", 1024)) {
            assertThat(compaction.compact()).isEqualTo(new StoreCompaction.Result(0, 0, 0, 0));
        }
    }

    @Test
    void nothingToCompactOnPostgreSql() {
        try (StoreCompaction compaction = new StoreCompaction(JdbcJobStoreTest.PG, "postgres", "", 1024)) {
            assertThat(compaction.compact()).isEqualTo(new StoreCompaction.Result(0, 0, 0, 0));
        }
    }
}

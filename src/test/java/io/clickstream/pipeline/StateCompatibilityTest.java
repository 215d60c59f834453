package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;
import io.clickstream.sink.OutputSinks;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The upgrade gate: a savepoint of the released topology is committed under src/test/resources/savepoints/,
 * and the current code must start from it with every piece of state restored (no operator's state dropped).
 * A removed or changed uid, or a state type changed incompatibly, fails here with Flink's reason.
 *
 * <p>After an intended, compatible change, or for a new release, regenerate it with
 * {@code scripts/update-savepoint-fixture.sh}, which runs {@link #main} (see docs/exactly-once.md).
 */
class StateCompatibilityTest {
    static final Path COMMITTED = Paths.get("src/test/resources/savepoints/current");
    /**
     * The sinks' state in a savepoint names its files by absolute path, so the fixture is taken, and restored,
     * under one fixed directory, and it carries the output files its state refers to.
     */
    static final Path FIXTURE_ROOT = Paths.get(System.getProperty("java.io.tmpdir"), "clickstream-state-fixture");
    private static final int RECORDS = 6_000;

    static AppConfig config(Path work) {
        return Pipelines.fileReplay(work.resolve("unused"), work)
                .with(Settings.SOURCE_TYPE, "generator")
                .with(Settings.GEN_EVENTS, RECORDS)
                .with(Settings.GEN_RATE, 2_000)
                .with(Settings.GEN_EVENT_TIME_RATE, 20)
                .with(Settings.GEN_START, "2024-11-25T00:00:00Z")
                .with(Settings.PARALLELISM, 2)
                // The dedup remembers an id for a horizon of processing time: the fixture is restored days or months
                // after it was taken, and a retry after the restore must still meet the id it repeats.
                .with(Settings.DEDUP_HORIZON, "3650d")
                .validate();
    }

    @Test
    void theCurrentTopologyRestoresTheCommittedSavepoint(@TempDir Path whole) throws Exception {
        assertThat(COMMITTED.resolve("savepoint/_metadata")).as("committed savepoint").exists();
        deleteRecursively(FIXTURE_ROOT);
        copyRecursively(COMMITTED.resolve("out"), FIXTURE_ROOT.resolve("out"));
        try {
            Pipelines.start(config(FIXTURE_ROOT), COMMITTED.resolve("savepoint").toAbsolutePath().toUri().toString())
                    .getJobExecutionResult().get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            fail("the committed savepoint does not restore into the current topology: " + rootCause(e)
                    + "\nA uid was removed or changed, or a state type changed incompatibly. Restore the uid or make "
                    + "the change compatible; if the break is intended, regenerate the savepoint (docs/exactly-once.md) "
                    + "and tell users to start the new version without state.", e);
        }
        // Files committed before the savepoint plus those written after the restore: each event exactly once, and
        // each view once in its window's count or in late/, with the pageviews windows open in the savepoint.
        Path expected = Pipelines.runToEnd(config(whole));
        assertThat(OutputFiles.parquetRows(FIXTURE_ROOT.resolve("out").resolve(OutputSinks.REFINED_CLICKS)))
                .isEqualTo(OutputFiles.parquetRows(expected.resolve(OutputSinks.REFINED_CLICKS)));
        assertThat(OutputFiles.viewsPerWindow(FIXTURE_ROOT.resolve("out"))).as("views per URL and window")
                .isNotEmpty().isEqualTo(OutputFiles.viewsPerWindow(expected));
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Takes a savepoint of the current topology in the middle of a run and commits it as the fixture. */
    public static void main(String[] args) throws Exception {
        deleteRecursively(FIXTURE_ROOT);
        AppConfig config = config(FIXTURE_ROOT);
        LiveMetrics.reset();
        JobClient job = Pipelines.start(config, null);
        while (LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID) < RECORDS / 3) {
            Thread.sleep(50);
        }
        String savepoint = Pipelines.stopWithSavepoint(job, config.string(Settings.SAVEPOINT_DIR));
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        deleteRecursively(COMMITTED);
        copyRecursively(Paths.get(java.net.URI.create(savepoint)), COMMITTED.resolve("savepoint"));
        copyRecursively(FIXTURE_ROOT.resolve("out"), COMMITTED.resolve("out"));
        System.out.println("savepoint and the files its state refers to committed to " + COMMITTED);
        System.exit(0);
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.sink.OutputSinks;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays a committed input that holds every dead-letter reason, producer retries, an eventId reused
 * with other content, disorder and a late event, and compares the committed outputs with golden files.
 */
class GoldenReplayTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    static final Path GOLDEN = Paths.get("src/test/resources/golden");

    static AppConfig config(Path work) {
        return Pipelines.fileReplay(GOLDEN.resolve("events.jsonl"), work)
                .with(Settings.MAX_RECORD_BYTES, 400);
    }

    @Test
    void replayWritesExactlyTheGoldenParquetRowsAndDeadLetters(@TempDir Path work) throws Exception {
        Path out = Pipelines.runToEnd(config(work));

        List<String> rows = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS));
        List<String> deadLetters = OutputFiles.jsonLines(out.resolve(OutputSinks.DLQ));

        assertThat(rows).containsExactlyElementsOf(OutputFiles.readGolden(GOLDEN.resolve("expected-refined-clicks.jsonl")));
        assertThat(deadLetters).containsExactlyElementsOf(OutputFiles.readGolden(GOLDEN.resolve("expected-dlq.jsonl")));
        assertThat(OutputFiles.uncommitted(out)).as("files left uncommitted").isEmpty();
    }

    @Test
    void rocksDbStateGivesTheSameGoldenOutput(@TempDir Path work) throws Exception {
        Path out = Pipelines.runToEnd(config(work)
                .with(Settings.STATE_BACKEND, "rocksdb")
                .with(Settings.INCREMENTAL, true));

        assertThat(OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS)))
                .containsExactlyElementsOf(OutputFiles.readGolden(GOLDEN.resolve("expected-refined-clicks.jsonl")));
        assertThat(OutputFiles.jsonLines(out.resolve(OutputSinks.DLQ)))
                .containsExactlyElementsOf(OutputFiles.readGolden(GOLDEN.resolve("expected-dlq.jsonl")));
    }

    @Test
    void replayingTheSameFileTwiceGivesByteEqualRowSets(@TempDir Path first, @TempDir Path second) throws Exception {
        Path a = Pipelines.runToEnd(config(first));
        Path b = Pipelines.runToEnd(config(second));

        assertThat(OutputFiles.parquetRows(b.resolve(OutputSinks.REFINED_CLICKS)))
                .isNotEmpty()
                .isEqualTo(OutputFiles.parquetRows(a.resolve(OutputSinks.REFINED_CLICKS)));
        assertThat(OutputFiles.jsonLines(b.resolve(OutputSinks.DLQ)))
                .isNotEmpty()
                .isEqualTo(OutputFiles.jsonLines(a.resolve(OutputSinks.DLQ)));
    }

    /** Regenerates the golden files from a replay; run by hand after an intended change, then review the diff. */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("golden");
        Path out = Pipelines.runToEnd(config(work));
        Files.write(GOLDEN.resolve("expected-refined-clicks.jsonl"),
                OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS)));
        Files.write(GOLDEN.resolve("expected-dlq.jsonl"), OutputFiles.jsonLines(out.resolve(OutputSinks.DLQ)));
    }
}

package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.ConfigException;
import io.clickstream.config.Settings;
import io.clickstream.quality.Reason;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.GeneratorSettings;
import io.clickstream.testing.GeneratedInput;
import io.clickstream.testing.Json;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runbook's fix-and-replay path: a run rejects good events (a record-size limit set too low), the limit is
 * fixed, and {@code run --source dlq} replays the dead letters: the rejected events land in refined/clicks exactly
 * as a correct first run would have written them, and the truly bad records are dead letters again, byte for byte.
 */
class DeadLetterReplayTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    @Test
    void replayingDeadLettersAfterAFixRecoversEveryRejectedEventAndNothingElse(@TempDir Path work) throws Exception {
        Path input = GeneratedInput.file(new GeneratorSettings(3, 200, Instant.parse("2024-11-25T00:00:00Z").toEpochMilli(),
                50, 0.2, Duration.ofSeconds(8), 0, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.03, 0.05),
                4_000, work.resolve("events.jsonl"));

        Path correct = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("correct")));
        Path tooStrict = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("strict"))
                .with(Settings.MAX_RECORD_BYTES, 238));
        List<String> rejected = reasons(tooStrict, Reason.OVERSIZED);
        assertThat(rejected).as("the low limit rejected good events").hasSizeGreaterThan(200);

        // The fix: the default limit again. Replay only what the limit rejected, then everything.
        Path replayed = Pipelines.runToEnd(Pipelines.fileReplay(tooStrict.resolve(OutputSinks.DLQ), work.resolve("replay"))
                .with(Settings.SOURCE_TYPE, "dlq").with(Settings.SOURCE_DLQ_REASONS, "OVERSIZED"));
        Path replayedAll = Pipelines.runToEnd(Pipelines.fileReplay(tooStrict.resolve(OutputSinks.DLQ), work.resolve("all"))
                .with(Settings.SOURCE_TYPE, "dlq"));

        List<String> recovered = new ArrayList<>(OutputFiles.parquetRows(tooStrict.resolve(OutputSinks.REFINED_CLICKS)));
        recovered.addAll(OutputFiles.parquetRows(replayed.resolve(OutputSinks.REFINED_CLICKS)));
        recovered.sort(null);
        assertThat(recovered).as("first run + replay = a correct first run")
                .isEqualTo(OutputFiles.parquetRows(correct.resolve(OutputSinks.REFINED_CLICKS)));
        assertThat(OutputFiles.jsonLines(replayed.resolve(OutputSinks.DLQ))).as("every OVERSIZED record was good").isEmpty();

        List<String> stillBad = OutputFiles.jsonLines(replayedAll.resolve(OutputSinks.DLQ));
        assertThat(stillBad.stream().map(l -> Json.field(l, "reason")).sorted().collect(Collectors.toList()))
                .as("the truly bad records are dead letters again, with their reasons")
                .isEqualTo(OutputFiles.jsonLines(correct.resolve(OutputSinks.DLQ)).stream()
                        .map(l -> Json.field(l, "reason")).sorted().collect(Collectors.toList()));
        assertThat(OutputFiles.deadLetterPayloads(replayedAll.resolve(OutputSinks.DLQ)))
                .isEqualTo(OutputFiles.deadLetterPayloads(correct.resolve(OutputSinks.DLQ)));
        assertThat(stillBad).allMatch(l -> Json.field(l, "origin").matches("events\\.jsonl:\\d+ \\(replayed\\)"));
    }

    @Test
    void anUnknownReasonIsRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.SOURCE_TYPE, "dlq")
                .with(Settings.SOURCE_FILE_PATH, "out/dlq").with(Settings.SOURCE_DLQ_REASONS, "OVERSIZE").validate())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("source.dlq.reasons: unknown reason 'OVERSIZE'; valid reasons: MALFORMED_JSON,");
    }

    private static List<String> reasons(Path out, Reason reason) {
        return OutputFiles.jsonLines(out.resolve(OutputSinks.DLQ)).stream()
                .filter(l -> Json.field(l, "reason").equals(reason.name())).collect(Collectors.toList());
    }
}

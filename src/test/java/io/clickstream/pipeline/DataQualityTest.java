package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;
import io.clickstream.quality.Reason;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratedRecord;
import io.clickstream.source.GeneratorSettings;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A file with 10 % garbage: every valid event reaches Parquet, every bad line reaches dlq/, all counted. */
class DataQualityTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniClusterWithLiveMetrics();


    @Test
    void tenPercentGarbageLosesNothingAndCountsEveryBadLine(@TempDir Path work) throws Exception {
        GeneratorSettings settings = new GeneratorSettings(7, 500, Instant.parse("2024-11-25T00:00:00Z").toEpochMilli(),
                200, 0.2, Duration.ofSeconds(8), 0.02, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.05, 0.10);
        EventGenerator generator = new EventGenerator(settings);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        Set<String> validIds = new LinkedHashSet<>();
        List<String> badPayloads = new ArrayList<>();
        Map<Reason, Integer> badByReason = new EnumMap<>(Reason.class);
        int duplicates = 0;
        int lines = 5_000;
        for (int i = 0; i < lines; i++) {
            GeneratedRecord r = generator.next();
            file.write(r.payload);
            file.write('\n');
            switch (r.kind) {
                case VALID:
                    validIds.add(r.eventId);
                    break;
                case DUPLICATE:
                    duplicates++;
                    break;
                default:
                    badPayloads.add(Base64.getEncoder().encodeToString(r.payload));
                    badByReason.merge(r.expectedReason, 1, Integer::sum);
            }
        }
        Path input = work.resolve("garbage.jsonl");
        Files.write(input, file.toByteArray());
        assertThat(badPayloads.size()).as("about 10 %% of the lines are bad").isBetween(400, 600);

        LiveMetrics.reset();
        AppConfig config = Pipelines.fileReplay(input, work);
        Path out = Pipelines.runToEnd(config);

        List<String> rows = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS));
        Set<String> storedIds = rows.stream().map(DataQualityTest::eventId).collect(Collectors.toSet());
        assertThat(rows).hasSize(validIds.size());
        assertThat(storedIds).isEqualTo(validIds);

        List<String> dlq = OutputFiles.jsonLines(out.resolve(OutputSinks.DLQ));
        List<String> storedBad = dlq.stream().map(DataQualityTest::rawPayloadBase64).sorted().collect(Collectors.toList());
        assertThat(storedBad).containsExactlyInAnyOrderElementsOf(badPayloads);

        assertThat(LiveMetrics.sum(MetricNames.VALID)).isEqualTo(validIds.size() + duplicates);
        assertThat(LiveMetrics.sum(MetricNames.INVALID)).isEqualTo(badPayloads.size());
        assertThat(LiveMetrics.sum(MetricNames.DUPLICATES)).isEqualTo(duplicates);
        assertThat(LiveMetrics.sum(MetricNames.DISTINCT)).isEqualTo(validIds.size());
        for (Reason reason : Reason.values()) {
            assertThat(LiveMetrics.sum(MetricNames.INVALID_BY_REASON + "." + reason.name()))
                    .as("dead letters counted as %s", reason)
                    .isEqualTo(badByReason.getOrDefault(reason, 0).longValue());
        }
    }

    private static String eventId(String row) {
        return io.clickstream.testing.Json.field(row, "event_id");
    }

    private static String rawPayloadBase64(String deadLetterLine) {
        io.clickstream.quality.DeadLetter d = io.clickstream.testing.Json.read(deadLetterLine, io.clickstream.quality.DeadLetter.class);
        return Base64.getEncoder().encodeToString(d.rawBytes());
    }
}

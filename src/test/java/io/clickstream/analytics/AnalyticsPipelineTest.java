package io.clickstream.analytics;

import io.clickstream.config.Settings;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The analytics inside the whole pipeline, on generated data with disorder, lateness, duplicates and bad records. */
class AnalyticsPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final long START = Instant.parse("2024-11-25T00:00:00Z").toEpochMilli();

    /** Records at 5 per second of event time, with late events (some beyond the allowed lateness). */
    private static byte[] generated(int records, double lateFraction) {
        return GeneratedInput.lines(new GeneratorSettings(11, 400, START, 5, 0.2, Duration.ofSeconds(8),
                lateFraction, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.02, 0.01), records);
    }

    private static List<String> lines(Path out, String dir, String field, String value) {
        return OutputFiles.jsonLines(out.resolve(dir)).stream()
                .filter(l -> Json.field(l, field).equals(value))
                .collect(Collectors.toList());
    }

    @Test
    void slicedAndNaiveHighSpendDetectorsRaiseIdenticalAlerts(@TempDir Path work) throws Exception {
        Path input = work.resolve("events.jsonl");
        Files.write(input, generated(20_000, 0.10));
        // A lower threshold than the default, so that many windows alert and late purchases revise some of them.
        Path sliced = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("sliced"))
                .with(Settings.HIGH_SPEND_THRESHOLD, 300).with(Settings.HIGH_SPEND_DETECTOR, "sliced"));
        Path naive = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("naive"))
                .with(Settings.HIGH_SPEND_THRESHOLD, 300).with(Settings.HIGH_SPEND_DETECTOR, "naive"));

        List<String> slicedAlerts = lines(sliced, OutputSinks.ALERTS, "code", HighSpend.CODE);
        assertThat(slicedAlerts).as("the data raises high-spend alerts").hasSizeGreaterThan(20);
        assertThat(slicedAlerts.stream().filter(l -> !Json.field(l, "revision").equals("0")))
                .as("some alerts are revisions from late purchases").isNotEmpty();
        assertThat(lines(naive, OutputSinks.ALERTS, "code", HighSpend.CODE)).isEqualTo(slicedAlerts);
        assertThat(lines(naive, OutputSinks.LATE, "analysis", HighSpend.ANALYSIS))
                .isEqualTo(lines(sliced, OutputSinks.LATE, "analysis", HighSpend.ANALYSIS));
    }

    @Test
    void keyedSessionsAndSessionWindowsWriteIdenticalSessions(@TempDir Path work) throws Exception {
        Path input = work.resolve("events.jsonl");
        Files.write(input, generated(20_000, 0.10));
        // Gaps shorter than the data's lateness (up to 60 s behind), so that some late events miss their session.
        Path keyed = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("keyed"))
                .with(Settings.SESSION_GAP, "40s").with(Settings.SESSION_GAP_AFTER_PURCHASE, "20s")
                .with(Settings.SESSIONS_FORM, "keyed"));
        Path windows = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("windows"))
                .with(Settings.SESSION_GAP, "40s").with(Settings.SESSION_GAP_AFTER_PURCHASE, "20s")
                .with(Settings.SESSIONS_FORM, "windows"));

        List<String> keyedSessions = OutputFiles.parquetRows(keyed.resolve(OutputSinks.SESSIONS));
        assertThat(keyedSessions).as("the data makes sessions").hasSizeGreaterThan(300);
        assertThat(keyedSessions.stream().filter(r -> !Json.field(r, "revision").equals("0")))
                .as("some sessions are revised by late events").isNotEmpty();
        assertThat(OutputFiles.parquetRows(windows.resolve(OutputSinks.SESSIONS))).isEqualTo(keyedSessions);
        List<String> keyedLate = lines(keyed, OutputSinks.LATE, "analysis", Sessions.ANALYSIS);
        assertThat(keyedLate).as("some events are too late even for the allowed lateness").isNotEmpty();
        assertThat(lines(windows, OutputSinks.LATE, "analysis", Sessions.ANALYSIS)).isEqualTo(keyedLate);
    }

    @Test
    void deadLetteredRecordsAheadOfTheStreamChangeNoAnalyticsResult(@TempDir Path work) throws Exception {
        byte[] clean = generated(6_000, 0.02);
        String[] rows = new String(clean, StandardCharsets.ISO_8859_1).split("\n");
        StringBuilder poisoned = new StringBuilder();
        for (int i = 0; i < rows.length; i++) {
            poisoned.append(rows[i]).append('\n');
            if (i % 500 == 10) {
                // Unknown type, two hours ahead of the stream: dead-lettered, and must not move event time.
                poisoned.append("{\"eventId\":\"poison-").append(i).append("\",\"userId\":\"u-1\",\"type\":\"hover\",")
                        .append("\"url\":\"/\",\"ts\":").append(START + i * 200L + 7_200_000L).append("}\n");
            }
        }
        Path a = work.resolve("clean.jsonl");
        Path b = work.resolve("poisoned.jsonl");
        Files.write(a, clean);
        Files.write(b, poisoned.toString().getBytes(StandardCharsets.ISO_8859_1));

        Path outA = Pipelines.runToEnd(Pipelines.fileReplay(a, work.resolve("a")));
        Path outB = Pipelines.runToEnd(Pipelines.fileReplay(b, work.resolve("b")));

        assertThat(lines(outB, OutputSinks.DLQ, "reason", "UNKNOWN_EVENT_TYPE").size()
                - lines(outA, OutputSinks.DLQ, "reason", "UNKNOWN_EVENT_TYPE").size()).isEqualTo(12);
        for (String parquet : List.of(OutputSinks.PAGEVIEWS, OutputSinks.SESSIONS, OutputSinks.REFINED_CLICKS)) {
            assertThat(OutputFiles.parquetRows(outB.resolve(parquet))).as(parquet)
                    .isNotEmpty().isEqualTo(OutputFiles.parquetRows(outA.resolve(parquet)));
        }
        for (String json : List.of(OutputSinks.ALERTS, OutputSinks.LATE, OutputSinks.USER_SPEND)) {
            assertThat(OutputFiles.jsonLines(outB.resolve(json))).as(json)
                    .isNotEmpty().isEqualTo(OutputFiles.jsonLines(outA.resolve(json)));
        }
    }
}

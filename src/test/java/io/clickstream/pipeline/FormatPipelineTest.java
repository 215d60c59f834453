package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.format.InputFormat;
import io.clickstream.format.LengthDelimited;
import io.clickstream.format.proto.breaking.ClickEventBreakingProtos;
import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;
import io.clickstream.quality.DeadLetter;
import io.clickstream.quality.Reason;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratedRecord;
import io.clickstream.source.GeneratedRecordEncoder;
import io.clickstream.source.GeneratorSettings;
import io.clickstream.testing.Json;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

/**
 * Avro and Protobuf inputs through the real job (file source, parallelism 2, generic types off): every valid event
 * reaches Parquet; every bad record, including one written with a breaking schema and a truncated last record,
 * reaches dlq/ with its reason and is counted.
 */
class FormatPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniClusterWithLiveMetrics();

    static final GeneratorSettings SETTINGS = new GeneratorSettings(5, 300, Instant.parse("2024-11-25T00:00:00Z").toEpochMilli(),
            100, 0.2, Duration.ofSeconds(8), 0.02, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.03, 0.05);


    @ParameterizedTest
    @EnumSource(value = InputFormat.class, names = {"AVRO", "PROTOBUF"})
    void badRecordsAndABreakingSchemaGoToTheDeadLettersWhileGoodOnesFlow(InputFormat format, @TempDir Path work)
            throws Exception {
        EventGenerator generator = new EventGenerator(SETTINGS);
        GeneratedRecordEncoder encoder = new GeneratedRecordEncoder(format);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        Set<String> validIds = new LinkedHashSet<>();
        List<String> badPayloads = new ArrayList<>();
        Map<Reason, Integer> badByReason = new EnumMap<>(Reason.class);
        int records = 2_000;
        for (int i = 0; i < records; i++) {
            GeneratedRecord r = encoder.encode(generator.next());
            LengthDelimited.write(file, r.payload);
            if (r.kind == GeneratedRecord.Kind.VALID) {
                validIds.add(r.eventId);
            } else if (r.kind == GeneratedRecord.Kind.MALFORMED) {
                badPayloads.add(Base64.getEncoder().encodeToString(r.payload));
                badByReason.merge(r.expectedReason, 1, Integer::sum);
            }
        }
        byte[] breaking = breakingRecord(format);
        LengthDelimited.write(file, breaking);
        badPayloads.add(Base64.getEncoder().encodeToString(breaking));
        badByReason.merge(Reason.SCHEMA_MISMATCH, 1, Integer::sum);
        // A last record cut short: the length prefix promises 40 bytes, 3 are there.
        file.write(new byte[] {40, 1, 2, 3});
        badPayloads.add(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
        badByReason.merge(Reason.UNDECODABLE, 1, Integer::sum);

        Path input = work.resolve("events.bin");
        Files.write(input, file.toByteArray());

        LiveMetrics.reset();
        AppConfig config = Pipelines.fileReplay(input, work)
                .with(Settings.SOURCE_FORMAT, format.wireName())
                .with(Settings.PARALLELISM, 2);
        Path out = Pipelines.runToEnd(config);

        List<String> rows = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS));
        assertThat(rows.stream().map(row -> Json.field(row, "event_id")).collect(Collectors.toSet())).isEqualTo(validIds);
        assertThat(rows).hasSize(validIds.size());

        List<DeadLetter> dlq = OutputFiles.jsonLines(out.resolve(OutputSinks.DLQ)).stream()
                .map(line -> Json.read(line, DeadLetter.class)).collect(Collectors.toList());
        assertThat(dlq.stream().map(d -> Base64.getEncoder().encodeToString(d.rawBytes())))
                .containsExactlyInAnyOrderElementsOf(badPayloads);
        DeadLetter breakingLetter = dlq.stream().filter(d -> d.origin.equals("events.bin:" + (records + 1)))
                .findFirst().orElseThrow();
        assertThat(breakingLetter.reason).isEqualTo(Reason.SCHEMA_MISMATCH);
        assertThat(breakingLetter.message).contains(format == InputFormat.AVRO
                ? "register the writer schema" : "field number 6 ('ts') has the wrong wire type");
        DeadLetter truncated = dlq.stream().filter(d -> d.origin.equals("events.bin:" + (records + 2)))
                .findFirst().orElseThrow();
        assertThat(truncated.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(truncated.message).isEqualTo("the input ends inside a record: 3 of its 40 bytes are there "
                + "(the last record is truncated)");

        assertThat(LiveMetrics.sum(MetricNames.INVALID)).isEqualTo(badPayloads.size());
        for (Reason reason : Reason.values()) {
            assertThat(LiveMetrics.sum(MetricNames.INVALID_BY_REASON + "." + reason.name()))
                    .as("dead letters counted as %s", reason)
                    .isEqualTo(badByReason.getOrDefault(reason, 0).longValue());
        }

        // Dead-letter replay in the same format: every record is its original bytes again, still invalid.
        AppConfig replay = Pipelines.fileReplay(out.resolve(OutputSinks.DLQ), work.resolve("replay"))
                .with(Settings.SOURCE_TYPE, "dlq")
                .with(Settings.SOURCE_FORMAT, format.wireName());
        Path replayOut = Pipelines.runToEnd(replay);
        assertThat(OutputFiles.jsonLines(replayOut.resolve(OutputSinks.DLQ)).stream()
                .map(line -> Base64.getEncoder().encodeToString(Json.read(line, DeadLetter.class).rawBytes())))
                .containsExactlyInAnyOrderElementsOf(badPayloads);
    }

    @Test
    void theGeneratorSourceRunsEndToEndInAvro(@TempDir Path work) throws Exception {
        GeneratedRecordEncoder encoder = new GeneratedRecordEncoder(InputFormat.AVRO);
        EventGenerator expected = new EventGenerator(SETTINGS);
        Set<String> validIds = new LinkedHashSet<>();
        int records = 1_000;
        long bad = 0;
        for (int i = 0; i < records; i++) {
            GeneratedRecord r = encoder.encode(expected.next());
            if (r.kind == GeneratedRecord.Kind.VALID) {
                validIds.add(r.eventId);
            } else if (r.kind == GeneratedRecord.Kind.MALFORMED) {
                bad++;
            }
        }
        LiveMetrics.reset();
        AppConfig config = Pipelines.fileReplay(work.resolve("unused"), work)
                .with(Settings.SOURCE_TYPE, "generator")
                .with(Settings.SOURCE_FORMAT, "avro")
                .with(Settings.GEN_EVENTS, records).with(Settings.GEN_RATE, 0).with(Settings.GEN_EVENT_TIME_RATE, 100)
                .with(Settings.GEN_SEED, SETTINGS.seed).with(Settings.GEN_USERS, SETTINGS.users)
                .with(Settings.GEN_START, "2024-11-25T00:00:00Z")
                .with(Settings.GEN_DUPLICATE_FRACTION, SETTINGS.duplicateFraction)
                .with(Settings.GEN_MALFORMED_FRACTION, SETTINGS.malformedFraction)
                .with(Settings.GEN_LATE_FRACTION, SETTINGS.lateFraction)
                .with(Settings.PARALLELISM, 2);
        Path out = Pipelines.runToEnd(config);

        List<String> rows = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS));
        assertThat(rows.stream().map(row -> Json.field(row, "event_id")).collect(Collectors.toSet())).isEqualTo(validIds);
        assertThat(LiveMetrics.sum(MetricNames.INVALID)).isEqualTo(bad);
    }

    private static byte[] breakingRecord(InputFormat format) throws Exception {
        if (format == InputFormat.PROTOBUF) {
            return ClickEventBreakingProtos.ClickEvent.newBuilder().setEventId("breaking-1").setUserId("u-1")
                    .setType("view").setUrl("/").setTs("2024-11-25T00:00:05Z").build().toByteArray();
        }
        Schema schema = new Schema.Parser().parse(io.clickstream.format.AvroSchemas.text("click_event_input_v2.avsc")
                .replace("{\"name\": \"ts\", \"type\": \"long\"", "{\"name\": \"ts\", \"type\": \"string\""));
        GenericData.Record r = new GenericData.Record(schema);
        r.put("eventId", "breaking-1");
        r.put("userId", "u-1");
        r.put("type", "view");
        r.put("url", "/");
        r.put("ts", "2024-11-25T00:00:05Z");
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r).array();
    }
}

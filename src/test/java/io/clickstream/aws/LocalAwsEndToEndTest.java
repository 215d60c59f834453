package io.clickstream.aws;

import io.clickstream.cli.ProduceCommandAccess;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratorSettings;
import io.clickstream.testing.Json;
import io.clickstream.testing.LocalAws;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's architecture on real protocol stand-ins: producer → Kinesis → job → S3 Parquet, alerts → Kinesis.
 * The outputs must be exactly those of a file replay of the same records.
 */
class LocalAwsEndToEndTest {
    private static final long START = Instant.parse("2024-11-25T00:00:00Z").toEpochMilli();

    @BeforeAll
    static void standIns() throws Exception {
        LocalAws.start();
    }

    /** Disorder within the watermark delay but no late events: lateness would depend on shard interleaving. */
    private static byte[] dataset(int records) throws Exception {
        EventGenerator g = new EventGenerator(new GeneratorSettings(5, 300, START, 20, 0.2, Duration.ofSeconds(8),
                0, Duration.ZERO, Duration.ofSeconds(10), 0.03, 0.03));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < records; i++) {
            out.write(g.next().payload);
            out.write('\n');
        }
        return out.toByteArray();
    }

    @Test
    void kinesisToS3GivesExactlyTheOutputOfAFileReplay(@TempDir Path work) throws Exception {
        int records = 4_000;
        Path input = work.resolve("events.jsonl");
        Files.write(input, dataset(records));
        String run = "e2e-" + System.currentTimeMillis();
        String clicks = run + "-clicks";
        String alerts = run + "-alerts";

        // Expected: a file replay of the same records. The watermark delay exceeds the data's whole span, so no
        // event is late in either run: the Kinesis consumer's per-shard watermark ignores shards that have not
        // yet delivered a record, so which events would be late otherwise depends on when each shard starts.
        Path replay = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("replay"))
                .with(Settings.WATERMARK_DELAY, "1h"));

        AppConfig config = LocalAws.configure(Pipelines.fileReplay(input, work.resolve("kinesis")))
                .with(Settings.WATERMARK_DELAY, "1h")
                // No idleness: with it the consumer marks a subtask idle whenever none of its shards has delivered
                // a valid record yet (a wall-clock matter), and records a subtask sends after such a spell can
                // fall behind a watermark that went on without it: which ones depends on timing, not on the data.
                .with(Settings.IDLENESS, "0")
                .with(Settings.SOURCE_TYPE, "kinesis")
                .with(Settings.KINESIS_STREAM, clicks)
                .with(Settings.KINESIS_ALERTS_STREAM, alerts)
                .with(Settings.KINESIS_INITIAL_POSITION, "TRIM_HORIZON")
                .with(Settings.KINESIS_POLL_INTERVAL, "50ms")
                .with(Settings.PARALLELISM, 2)
                .with(Settings.OUTPUT_PATH, "s3://" + LocalAws.BUCKET + "/" + run + "/out")
                .with(Settings.CHECKPOINT_DIR, "s3://" + LocalAws.BUCKET + "/" + run + "/checkpoints")
                .with(Settings.SAVEPOINT_DIR, "s3://" + LocalAws.BUCKET + "/" + run + "/savepoints")
                .validate();

        try (KinesisClient kinesis = KinesisClients.create(config)) {
            createStream(kinesis, clicks, 2);
            createStream(kinesis, alerts, 1);
            KinesisProducer.Result produced = new KinesisProducer(kinesis, clicks, 0, System.out)
                    .send(ProduceCommandAccess.lines(input));
            assertThat(produced.sent).isEqualTo(records);

            runUntilConsumed(config, records);

            Path s3 = LocalAws.download(run + "/out/", work.resolve("from-s3"));
            assertThat(OutputFiles.parquetRows(s3.resolve(OutputSinks.REFINED_CLICKS)))
                    .isNotEmpty()
                    .isEqualTo(OutputFiles.parquetRows(replay.resolve(OutputSinks.REFINED_CLICKS)));
            assertThat(OutputFiles.deadLetterPayloads(s3.resolve(OutputSinks.DLQ))).isNotEmpty()
                    .isEqualTo(OutputFiles.deadLetterPayloads(replay.resolve(OutputSinks.DLQ)));
            assertThat(OutputFiles.parquetRows(s3.resolve(OutputSinks.PAGEVIEWS)))
                    .as(() -> "pageviews of the Kinesis run against the file replay; " + outputsOf("Kinesis run", s3)
                            + "; " + outputsOf("file replay", replay))
                    .isEqualTo(OutputFiles.parquetRows(replay.resolve(OutputSinks.PAGEVIEWS)));

            // Milestones count purchases in arrival order; after the shuffle by eventId (dedup, parallelism 2) a
            // user's purchases may interleave differently than in the file, so only their ids must match.
            List<String> alertsRead = OutputFiles.alertsWithoutMilestoneTimes(readAll(kinesis, alerts));
            assertThat(alertsRead).isNotEmpty()
                    .isEqualTo(OutputFiles.alertsWithoutMilestoneTimes(OutputFiles.jsonLines(replay.resolve(OutputSinks.ALERTS))));
            assertThat(alertsRead).anyMatch(a -> a.contains("HIGH_SPEND_5M")).anyMatch(a -> a.contains("inactive-5m"))
                    .anyMatch(a -> a.contains("PURCHASE_MILESTONE"));
        }
    }

    /**
     * Runs the job until every record has been read, then stops it with a drained savepoint: the watermark
     * goes to the end of time (every window and timer fires, as at the end of a file) and the files commit.
     * No restart is allowed (restart-attempts 0): a failed checkpoint would fail the test, not replay shards.
     */
    private static void runUntilConsumed(AppConfig config, int records) throws Exception {
        LiveMetrics.reset();
        JobClient job = Pipelines.start(config, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID) < records) {
            JobStatus status = job.getJobStatus().get();
            assertThat(status).as("job status while consuming").isEqualTo(JobStatus.RUNNING);
            assertThat(System.nanoTime()).as("read all %d records within 120 s; read %d", records,
                    LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID)).isLessThan(deadline);
            Thread.sleep(200);   // polling a live counter, not waiting for a result
        }
        job.stopWithSavepoint(true, config.string(Settings.SAVEPOINT_DIR), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        assertThat(LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID)).isEqualTo(records);
    }

    /**
     * What a run's pageviews and late outputs hold, per file: for a failure that cannot be replayed (the Kinesis
     * run's interleaving of shards differs from run to run).
     */
    private static String outputsOf(String run, Path out) {
        StringBuilder s = new StringBuilder(run + ": ");
        for (Path file : OutputFiles.committed(out.resolve(OutputSinks.PAGEVIEWS), ".parquet")) {
            s.append(out.relativize(file)).append(" (").append(file.toFile().length()).append(" bytes) ");
        }
        List<String> late = OutputFiles.jsonLines(out.resolve(OutputSinks.LATE));
        s.append("; ").append(late.size()).append(" late rows, for pageviews: ")
                .append(late.stream().filter(l -> l.contains("pageviews")).collect(Collectors.toList()));
        s.append("; counters of the last run: pageview results ").append(LiveMetrics.sum(MetricNames.PAGEVIEW_RESULTS))
                .append(", late ").append(LiveMetrics.sum(MetricNames.LATE))
                .append(", too late ").append(LiveMetrics.sum(MetricNames.TOO_LATE));
        return s.toString();
    }

    private static void createStream(KinesisClient kinesis, String name, int shards) throws InterruptedException {
        kinesis.createStream(r -> r.streamName(name).shardCount(shards));
        for (int i = 0; i < 100; i++) {
            if (kinesis.describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary().streamStatus()
                    == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("stream " + name + " did not become ACTIVE");
    }

    /** Every record of every shard, as canonical JSON, sorted. */
    private static List<String> readAll(KinesisClient kinesis, String stream) {
        List<String> out = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                final String it = iterator;
                GetRecordsResponse page = kinesis.getRecords(r -> r.shardIterator(it).limit(1000));
                for (Record rec : page.records()) {
                    out.add(Json.canonical(rec.data().asString(StandardCharsets.UTF_8)));
                }
                if (page.records().isEmpty() && (page.millisBehindLatest() == null || page.millisBehindLatest() == 0)) {
                    break;
                }
                iterator = page.nextShardIterator();
            }
        }
        out.sort(null);
        return out;
    }
}

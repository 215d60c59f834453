package io.clickstream.bench;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.ClickEvent;
import io.clickstream.sink.AvroParquetRows;
import io.clickstream.sink.ClickEventAvro;
import io.clickstream.sink.ClickEventParquet;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * The {@code refined/clicks} writer alone, in this thread: the generator's valid events, parsed, written to a local
 * Parquet file by the direct writer ({@link ClickEventParquet}) and by Parquet's Avro writer of the same schema
 * ({@link ClickEventAvro#toRecord}), alternately. A row per event makes this the job's largest output, and a
 * difference of a few percent of the whole job is lost in the noise of the full-pipeline runs; here it is not.
 */
final class WriterBench {
    private WriterBench() {}

    /** Returns the report section (Markdown). */
    static String run(AppConfig config, long records, java.nio.file.Path work) throws Exception {
        List<ClickEvent> events = GeneratedEvents.valid(config, records);
        String codec = config.string(Settings.PARQUET_COMPRESSION);
        BulkWriter.Factory<ClickEvent> direct = new ClickEventParquet(codec);
        BulkWriter.Factory<ClickEvent> avro = new AvroParquetRows<>(ClickEventAvro.SCHEMA, codec, ClickEventAvro::toRecord);
        Path file = new Path(work.resolve("writer-bench.parquet").toUri());
        long[] totals = Alternating.totals(() -> cpuNanos(direct, events, file), () -> cpuNanos(avro, events, file));
        long directNanos = totals[0];
        long avroNanos = totals[1];
        FileSystem.getLocalFileSystem().delete(file, false);
        double rows = (double) events.size() * Alternating.MEASURED_ROUNDS;
        double directUs = directNanos / 1e3 / rows;
        double avroUs = avroNanos / 1e3 / rows;
        return String.format(Locale.ROOT, "%nThe refined/clicks writer alone (%,d valid events, %s, one thread, CPU time of "
                        + "that thread after %d warm-up rounds, mean of %d): direct %.2f µs per row, Avro model %.2f µs per row "
                        + "(%.0f %% less).%n",
                events.size(), codec, Alternating.WARM_UP_ROUNDS, Alternating.MEASURED_ROUNDS, directUs, avroUs, 100 * (1 - directUs / avroUs));
    }

    private static long cpuNanos(BulkWriter.Factory<ClickEvent> factory, List<ClickEvent> events, Path file) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        FileSystem fs = FileSystem.getLocalFileSystem();
        long start = threads.getCurrentThreadCpuTime();
        try (FSDataOutputStream out = fs.create(file, FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<ClickEvent> writer = factory.create(out);
            for (ClickEvent e : events) {
                writer.addElement(e);
            }
            writer.finish();
        }
        return threads.getCurrentThreadCpuTime() - start;
    }
}

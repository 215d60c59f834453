package io.clickstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.analytics.Pageviews;
import io.clickstream.sink.OutputSinks;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericData;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads what the job committed, with readers independent of the job's writers (parquet-avro, Jackson). */
public final class OutputFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputFiles() {}

    /** Committed files under {@code dir} (in-progress files start with a dot and are skipped). */
    public static List<Path> committed(Path dir, String suffix) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files left in progress or pending (hidden, dot-prefixed): none should remain after a finished job. */
    public static List<Path> uncommitted(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().endsWith(".crc"))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every Parquet row under {@code dir} as a JSON object with its partition folders added
     * ({@code dt}, {@code hour}), sorted, one string per row.
     */
    public static List<String> parquetRows(Path dir) {
        List<String> rows = new ArrayList<>();
        for (Path file : committed(dir, ".parquet")) {
            String hour = file.getParent().getFileName().toString();
            String dt = file.getParent().getParent().getFileName().toString();
            try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalParquetFile(file))
                    .withDataModel(GenericData.get()).build()) {
                GenericRecord r;
                while ((r = reader.read()) != null) {
                    ObjectNode row = (ObjectNode) JSON.readTree(r.toString());
                    row.put("_partition", dt + "/" + hour);
                    rows.add(JSON.writeValueAsString(row));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        rows.sort(null);
        return rows;
    }

    /**
     * The rows of the Parquet files a SQL filesystem sink committed under {@code dir} (its part files carry no
     * suffix), as maps of column name to value. Flink SQL writes TIMESTAMP columns as INT96 (as Hive, Spark and
     * Athena read them); they are returned here as epoch milliseconds (UTC, with 'parquet.utc-timezone').
     */
    public static List<java.util.Map<String, Object>> sqlParquetRows(Path dir) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        conf.setBoolean("parquet.avro.readInt96AsFixed", true);
        List<java.util.Map<String, Object>> rows = new ArrayList<>();
        for (Path file : committed(dir, "")) {
            if (file.getFileName().toString().endsWith(".crc")) {
                continue;
            }
            try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalParquetFile(file))
                    .withDataModel(GenericData.get()).withConf(conf).build()) {
                GenericRecord r;
                while ((r = reader.read()) != null) {
                    java.util.Map<String, Object> row = new java.util.TreeMap<>();
                    for (org.apache.avro.Schema.Field f : r.getSchema().getFields()) {
                        Object v = r.get(f.name());
                        if (v instanceof GenericData.Fixed && ((GenericData.Fixed) v).bytes().length == 12) {
                            v = int96Millis(((GenericData.Fixed) v).bytes());
                        } else if (v instanceof CharSequence) {
                            v = v.toString();
                        }
                        row.put(f.name(), v);
                    }
                    rows.add(row);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return rows;
    }

    /** INT96: nanoseconds of the day (8 bytes) then the Julian day (4 bytes), little-endian. */
    static long int96Millis(byte[] b) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = buf.getLong();
        int julianDay = buf.getInt();
        return (julianDay - 2_440_588L) * 86_400_000L + nanosOfDay / 1_000_000L;
    }

    /** Every JSON line under {@code dir}, sorted. */
    public static List<String> jsonLines(Path dir) {
        List<String> lines = new ArrayList<>();
        for (Path file : committed(dir, ".jsonl")) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isEmpty()) {
                        JsonNode parsed = JSON.readTree(line);   // each line must be one JSON object
                        lines.add(JSON.writeValueAsString(parsed));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        lines.sort(null);
        return lines;
    }

    /**
     * Alerts with the time of purchase milestones removed: milestones count purchases in arrival order, which
     * at parallelism > 1 depends on how parallel channels interleave; which milestones exist does not.
     */
    public static List<String> alertsWithoutMilestoneTimes(List<String> alerts) {
        return alerts.stream()
                .map(a -> a.contains("\"PURCHASE_MILESTONE\"") ? a.replaceAll("\"windowEnd\":\\d+,", "") : a)
                .sorted().collect(Collectors.toList());
    }

    /**
     * Every view of each URL and pageviews window, as the job accounted for it under {@code out}: the window's final
     * count (its highest revision) plus its views written to {@code late/} as too late for it. Which views come late
     * depends on how parallel channels interleave around each watermark, so two runs of one input can differ in
     * revisions and in what is late; neither may lose or double-count a view, so these sums are equal.
     */
    public static java.util.Map<String, Long> viewsPerWindow(Path out) {
        java.util.Map<String, Long> views = new java.util.TreeMap<>();
        java.util.Map<String, Long> revision = new java.util.HashMap<>();
        for (String row : parquetRows(out.resolve(OutputSinks.PAGEVIEWS))) {
            String window = Json.field(row, "url") + "@" + Json.field(row, "window_start");
            long r = Long.parseLong(Json.field(row, "revision"));
            if (r > revision.getOrDefault(window, -1L)) {
                revision.put(window, r);
                views.put(window, Long.parseLong(Json.field(row, "views")));
            }
        }
        for (String late : jsonLines(out.resolve(OutputSinks.LATE))) {
            if (Json.field(late, "analysis").equals(Pageviews.ANALYSIS)) {
                views.merge(Json.field(late, "url") + "@" + Json.field(late, "missedWindowStart"), 1L, Long::sum);
            }
        }
        return views;
    }

    /** The last update per user of {@code user_spend/} (the upsert's final value), sorted. */
    public static List<String> finalUserSpend(Path dir) {
        java.util.Map<String, String> last = new java.util.TreeMap<>();
        java.util.Map<String, Long> version = new java.util.HashMap<>();
        for (String line : jsonLines(dir)) {
            String user = Json.field(line, "userId");
            long v = Long.parseLong(Json.field(line, "version"));
            if (v > version.getOrDefault(user, -1L)) {
                version.put(user, v);
                last.put(user, line);
            }
        }
        return new ArrayList<>(last.values());
    }

    /** The raw payloads of the dead letters under {@code dlq} (their origins differ between sources), sorted. */
    public static List<String> deadLetterPayloads(Path dlq) {
        return jsonLines(dlq).stream().map(l -> Json.field(l, "payload")).sorted().collect(Collectors.toList());
    }

    public static List<String> readGolden(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A local file as parquet's InputFile, so reading needs no Hadoop file system. */
    private static final class LocalParquetFile implements InputFile {
        private final Path file;

        LocalParquetFile(Path file) {
            this.file = file;
        }

        @Override
        public long getLength() throws IOException {
            return Files.size(file);
        }

        @Override
        public SeekableInputStream newStream() throws IOException {
            RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
            return new DelegatingSeekableInputStream(Channels.newInputStream(raf.getChannel())) {
                @Override
                public long getPos() throws IOException {
                    return raf.getFilePointer();
                }

                @Override
                public void seek(long newPos) throws IOException {
                    raf.seek(newPos);
                }

                @Override
                public void close() throws IOException {
                    raf.close();
                }
            };
        }
    }
}

package io.clickstream.sink;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.testing.OutputFiles;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The direct writer of refined/clicks against the Avro writer of the same schema: the same file for a reader. */
class ClickEventParquetTest {
    private static List<ClickEvent> events() {
        List<ClickEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            EventType type = EventType.values()[i % EventType.values().length];
            events.add(new ClickEvent("e-" + i, "u-" + (i % 37), i % 5 == 0 ? null : "s-" + (i % 91), type,
                    i % 7 == 0 ? "/produkt/über-" + i : "/product/" + (i % 13), 1_732_492_800_000L + i * 1_000L,
                    type == EventType.PURCHASE ? 10.0 + i / 4.0 : null, i % 3 == 0 ? null : "https://ex.com/" + (i % 4),
                    i % 11 == 0 ? null : i % 17 == 0 ? "Mozilla/5.0 " + "x".repeat(i % 600) : "Mozilla/5.0 (日本語; 🚀) " + (i % 2)));
        }
        return events;
    }

    private static Path write(BulkWriter.Factory<ClickEvent> factory, Path root) throws Exception {
        Path file = root.resolve("dt=2024-11-25").resolve("hour=00").resolve("part-0.parquet");
        FileSystem fs = FileSystem.getLocalFileSystem();
        try (FSDataOutputStream out = fs.create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.NO_OVERWRITE)) {
            BulkWriter<ClickEvent> writer = factory.create(out);
            for (ClickEvent e : events()) {
                writer.addElement(e);
            }
            writer.finish();
        }
        return file;
    }

    private static ParquetMetadata footer(Path file) throws Exception {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(false)))) {
            return reader.getFooter();
        }
    }

    @Test
    void writesTheSameRowsSchemaAndFooterAsTheAvroWriter(@TempDir Path tmp) throws Exception {
        Path direct = write(new ClickEventParquet("snappy"), tmp.resolve("direct"));
        Path avro = write(new AvroParquetRows<>(ClickEventAvro.SCHEMA, "snappy", ClickEventAvro::toRecord),
                tmp.resolve("avro"));

        List<String> rows = OutputFiles.parquetRows(tmp.resolve("direct"));
        assertThat(rows).hasSize(2_000).isEqualTo(OutputFiles.parquetRows(tmp.resolve("avro")));
        assertThat(rows).anySatisfy(r -> assertThat(r).contains("/produkt/über-7", "日本語; 🚀"));

        ParquetMetadata d = footer(direct);
        ParquetMetadata a = footer(avro);
        assertThat(d.getFileMetaData().getSchema()).isEqualTo(a.getFileMetaData().getSchema());
        assertThat(d.getFileMetaData().getKeyValueMetaData())
                .containsEntry("parquet.avro.schema", a.getFileMetaData().getKeyValueMetaData().get("parquet.avro.schema"))
                .containsEntry("writer.model.name", "avro");
        // Strings go to Parquet in a buffer it must copy where it keeps one: the statistics show whether it did.
        for (int c = 0; c < d.getBlocks().get(0).getColumns().size(); c++) {
            ColumnChunkMetaData mine = d.getBlocks().get(0).getColumns().get(c);
            ColumnChunkMetaData theirs = a.getBlocks().get(0).getColumns().get(c);
            assertThat(mine.getStatistics()).as(mine.getPath().toDotString()).isEqualTo(theirs.getStatistics());
            assertThat(mine.getStatistics().hasNonNullValue()).as(mine.getPath().toDotString()).isTrue();
        }
        for (ColumnChunkMetaData column : d.getBlocks().get(0).getColumns()) {
            boolean dictionary = column.getEncodings().contains(Encoding.PLAIN_DICTIONARY)
                    || column.getEncodings().contains(Encoding.RLE_DICTIONARY);
            assertThat(dictionary).as(column.getPath().toDotString())
                    .isEqualTo(!column.getPath().toDotString().equals("event_id")
                            && !column.getPath().toDotString().equals("event_time")
                            && !column.getPath().toDotString().equals("spend"));
        }
    }
}

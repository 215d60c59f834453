package io.clickstream.sink;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Part files through {@link BufferedPartFile}: the same bytes as written straight, in far fewer writes. */
class BufferedPartFileTest {
    /** A part file in memory that counts the write calls it gets, as the local file system's system calls. */
    static final class CountingFile extends FSDataOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public long getPos() {
            return bytes.size();
        }

        @Override
        public void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void sync() {
        }

        @Override
        public void close() {
        }
    }

    private static final Schema SCHEMA = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Row\",\"fields\":["
            + "{\"name\":\"user_id\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"long\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

    private static List<GenericRecord> rows() {
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            GenericRecord r = new GenericData.Record(SCHEMA);
            r.put("user_id", "u-" + (i % 701));
            r.put("n", (long) i * 7919);
            r.put("note", i % 3 == 0 ? null : "note " + i);
            rows.add(r);
        }
        return rows;
    }

    private static BulkWriter<GenericRecord> parquet(FSDataOutputStream out) throws IOException {
        return new ParquetWriterFactory<GenericRecord>(file -> AvroParquetWriter.<GenericRecord>builder(file)
                .withSchema(SCHEMA).withDataModel(GenericData.get()).withCompressionCodec(CompressionCodecName.SNAPPY)
                // small pages and row groups: many pieces, and offsets of each in the footer
                .withPageSize(4 * 1024).withRowGroupSize(64 * 1024L)
                .build()).create(out);
    }

    @Test
    void aParquetFileThroughTheBufferIsTheSameFileByteForByteInFarFewerWrites() throws Exception {
        CountingFile straight = new CountingFile();
        BulkWriter<GenericRecord> plain = parquet(straight);
        CountingFile buffered = new CountingFile();
        BulkWriter<GenericRecord> viaBuffer = BufferedPartFile.writer(buffered, BufferedPartFileTest::parquet);
        for (GenericRecord r : rows()) {
            plain.addElement(r);
            viaBuffer.addElement(r);
        }
        plain.finish();
        // Flink commits the part file right after finish(): every byte must have reached the file by then.
        viaBuffer.finish();

        assertThat(buffered.bytes.toByteArray()).isEqualTo(straight.bytes.toByteArray());
        int size = straight.bytes.size();
        assertThat(size).isGreaterThan(2 * BufferedPartFile.SIZE);
        assertThat(straight.writes).isGreaterThan(1_000);
        // A piece that does not fit drains the buffer first, so a write carries more than half of it (the pieces are
        // small), and the last one the rest.
        assertThat(buffered.writes).isLessThanOrEqualTo(2 * (size / BufferedPartFile.SIZE) + 1);
    }

    @Test
    void writesLargerThanTheBufferGoStraightThroughInOrderAndThePositionCountsWhatIsBuffered() throws Exception {
        CountingFile file = new CountingFile();
        List<Long> positions = new ArrayList<>();
        BulkWriter<byte[]> writer = BufferedPartFile.writer(file, (FSDataOutputStream stream) -> new BulkWriter<byte[]>() {
            @Override
            public void addElement(byte[] element) throws IOException {
                positions.add(stream.getPos());
                if (element.length == 1) {
                    stream.write(element[0]);
                } else {
                    stream.write(element);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void finish() {
            }
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<Long> expectedPositions = new ArrayList<>();
        int[] sizes = {1, 10, BufferedPartFile.SIZE - 5, 1, 3 * BufferedPartFile.SIZE, 7, BufferedPartFile.SIZE, 1, 2};
        for (int i = 0; i < sizes.length; i++) {
            byte[] element = new byte[sizes[i]];
            for (int j = 0; j < element.length; j++) {
                element[j] = (byte) (i * 31 + j);
            }
            expectedPositions.add((long) expected.size());
            expected.write(element);
            writer.addElement(element);
        }
        writer.finish();

        assertThat(file.bytes.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(positions).isEqualTo(expectedPositions);
    }
}

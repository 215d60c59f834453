package io.clickstream.sink;

import io.clickstream.event.ClickEvent;
import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes {@code refined/clicks} rows (a row per event, the job's largest output) straight from a
 * {@link ClickEvent} to Parquet's record consumer: the same Parquet schema, rows and footer as the Avro writer of
 * {@code avro/click_event.avsc} ({@code parquet.avro.schema}, so Avro readers see the same records), without an
 * Avro record per event, and with each string handed to Parquet as a byte array (Parquet's own conversion of a
 * {@code String} encodes through a {@code CharsetEncoder} into a buffer that its dictionary then compares byte by
 * byte).
 */
public final class ClickEventParquet implements BulkWriter.Factory<ClickEvent> {
    private static final long serialVersionUID = 1L;
    /** Column order of the schema, checked against it when a writer is created. */
    private static final String[] COLUMNS = {"event_id", "user_id", "session_id", "event_type", "url", "event_time",
            "spend", "referrer", "user_agent"};

    private final String avroSchema;
    private final String codec;

    public ClickEventParquet(String codec) {
        this.avroSchema = AvroParquetRows.schemaJson(ClickEventAvro.SCHEMA);
        this.codec = codec;
    }

    @Override
    public BulkWriter<ClickEvent> create(FSDataOutputStream out) throws IOException {
        final String schema = avroSchema;
        final CompressionCodecName compression = CompressionCodecName.valueOf(codec.toUpperCase());
        return new ParquetWriterFactory<ClickEvent>(file -> BinaryDictionary.install(new Builder(file, schema))
                .withCompressionCodec(compression)
                // A different value in every row: a dictionary would only grow until Parquet gave up on it.
                .withDictionaryEncoding("event_id", false)
                .build()).create(out);
    }

    private static final class Builder extends ParquetWriter.Builder<ClickEvent, Builder> {
        private final String avroSchema;

        Builder(OutputFile file, String avroSchema) {
            super(file);
            this.avroSchema = avroSchema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ClickEvent> getWriteSupport(Configuration conf) {
            return new Rows(avroSchema);
        }
    }

    /** One row per event; an absent optional field is left out, as the Avro writer does with a null. */
    static final class Rows extends WriteSupport<ClickEvent> {
        private final MessageType schema;
        private final Map<String, String> footer = new HashMap<>();
        private RecordConsumer rows;
        private byte[] buffer = new byte[256];

        Rows(String avroSchema) {
            Schema avro = new Schema.Parser().parse(avroSchema);
            this.schema = new AvroSchemaConverter().convert(avro);
            for (int i = 0; i < COLUMNS.length; i++) {
                if (!schema.getFieldName(i).equals(COLUMNS[i])) {
                    throw new IllegalStateException("column " + i + " of " + ClickEventAvro.SCHEMA + " is '"
                            + schema.getFieldName(i) + "', the writer expects '" + COLUMNS[i]
                            + "': update ClickEventParquet.Rows with the schema");
                }
            }
            // What AvroWriteSupport writes, so that readers of Avro models find the schema.
            footer.put("parquet.avro.schema", avro.toString());
            footer.put("writer.model.name", "avro");
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, footer);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.rows = recordConsumer;
        }

        @Override
        public void write(ClickEvent e) {
            rows.startMessage();
            string(0, e.eventId);
            string(1, e.userId);
            string(2, e.sessionId);
            string(3, e.type.wireName());
            string(4, e.url);
            rows.startField(COLUMNS[5], 5);
            rows.addLong(e.ts);
            rows.endField(COLUMNS[5], 5);
            if (e.spend != null) {
                rows.startField(COLUMNS[6], 6);
                rows.addDouble(e.spend);
                rows.endField(COLUMNS[6], 6);
            }
            string(7, e.referrer);
            string(8, e.userAgent);
            rows.endMessage();
        }

        private void string(int index, String value) {
            if (value == null) {
                return;
            }
            rows.startField(COLUMNS[index], index);
            rows.addBinary(utf8(value));
            rows.endField(COLUMNS[index], index);
        }

        /**
         * The string's UTF-8 bytes. An ASCII string (nearly every value) is written into one buffer that every value
         * shares, as a reused array: Parquet copies it where it keeps it (a new dictionary entry, a new minimum or
         * maximum), and most values are in the dictionary already, so they no longer cost an array each.
         */
        private Binary utf8(String value) {
            int n = value.length();
            if (n > buffer.length) {
                buffer = new byte[Math.max(n, 2 * buffer.length)];
            }
            byte[] b = buffer;
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= 0x80) {
                    return Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8));
                }
                b[i] = (byte) c;
            }
            return Binary.fromReusedByteArray(b, 0, n);
        }
    }
}

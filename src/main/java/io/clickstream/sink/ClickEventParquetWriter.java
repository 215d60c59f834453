package io.clickstream.sink;

import io.clickstream.event.ClickEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;

/**
 * Writes {@link ClickEvent}s as Parquet rows of the {@code click_event.avsc} schema. Converts inside
 * the writer, so the stream stays a POJO stream (no Avro records between operators).
 */
public class ClickEventParquetWriter implements BulkWriter.Factory<ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final String schemaJson;
    private final String codec;

    public ClickEventParquetWriter(String codec) {
        this.schemaJson = ClickEventAvro.schemaJson();
        this.codec = codec;
    }

    @Override
    public BulkWriter<ClickEvent> create(FSDataOutputStream out) throws IOException {
        final String schemaString = schemaJson;
        final CompressionCodecName compression = CompressionCodecName.valueOf(codec.toUpperCase());
        BulkWriter<GenericRecord> parquet = new ParquetWriterFactory<GenericRecord>(stream ->
                AvroParquetWriter.<GenericRecord>builder(stream)
                        .withSchema(new Schema.Parser().parse(schemaString))
                        .withDataModel(GenericData.get())
                        .withCompressionCodec(compression)
                        .build())
                .create(out);
        Schema schema = new Schema.Parser().parse(schemaJson);
        return new BulkWriter<>() {
            @Override
            public void addElement(ClickEvent e) throws IOException {
                parquet.addElement(ClickEventAvro.toRecord(e, schema));
            }

            @Override
            public void flush() throws IOException {
                parquet.flush();
            }

            @Override
            public void finish() throws IOException {
                parquet.finish();
            }
        };
    }
}

package io.clickstream.sink;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes records of type {@code T} as Parquet rows of an Avro schema kept under {@code src/main/resources/avro/}.
 * The mapping to Avro happens inside the writer, so streams between operators stay POJO streams. (The outputs
 * here have a row per result; {@code refined/clicks}, a row per event, has its own writer: {@link ClickEventParquet}.)
 */
public class AvroParquetRows<T> implements BulkWriter.Factory<T> {
    private static final long serialVersionUID = 1L;

    /** Maps one value to a record of the schema. */
    @FunctionalInterface
    public interface RecordMapper<T> extends Serializable {
        GenericRecord toRecord(T value, Schema schema);
    }

    private final String schemaJson;
    private final String codec;
    private final RecordMapper<T> mapper;

    public AvroParquetRows(String schemaResource, String codec, RecordMapper<T> mapper) {
        this.schemaJson = schemaJson(schemaResource);
        this.codec = codec;
        this.mapper = mapper;
    }

    public static String schemaJson(String resource) {
        try (InputStream in = AvroParquetRows.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath; rebuild the JAR");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Schema schema(String resource) {
        return new Schema.Parser().parse(schemaJson(resource));
    }

    @Override
    public BulkWriter<T> create(FSDataOutputStream out) throws IOException {
        final String schemaString = schemaJson;
        final CompressionCodecName compression = CompressionCodecName.valueOf(codec.toUpperCase());
        BulkWriter<GenericRecord> parquet = new ParquetWriterFactory<GenericRecord>(stream -> {
            return BinaryDictionary.install(AvroParquetWriter.<GenericRecord>builder(stream))
                    .withSchema(new Schema.Parser().parse(schemaString))
                    .withDataModel(GenericData.get())
                    .withCompressionCodec(compression)
                    .build();
        }).create(out);
        Schema schema = new Schema.Parser().parse(schemaJson);
        return new BulkWriter<>() {
            @Override
            public void addElement(T value) throws IOException {
                parquet.addElement(mapper.toRecord(value, schema));
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

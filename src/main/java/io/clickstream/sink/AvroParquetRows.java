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
 * The mapping to Avro happens inside the writer, so streams between operators stay POJO streams.
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
    private final String[] uniqueColumns;

    public AvroParquetRows(String schemaResource, String codec, RecordMapper<T> mapper) {
        this(schemaResource, codec, mapper, new String[0]);
    }

    /**
     * {@code uniqueColumns}: columns with a different value in (nearly) every row, such as an event id. Parquet
     * dictionary-encodes every column by default; for these the dictionary only grows until Parquet gives up on it,
     * so they are written plainly from the start, which saves a hash lookup per value.
     */
    public AvroParquetRows(String schemaResource, String codec, RecordMapper<T> mapper, String... uniqueColumns) {
        this.schemaJson = schemaJson(schemaResource);
        this.codec = codec;
        this.mapper = mapper;
        this.uniqueColumns = uniqueColumns.clone();
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
        final String[] plain = uniqueColumns;
        BulkWriter<GenericRecord> parquet = new ParquetWriterFactory<GenericRecord>(stream -> {
            AvroParquetWriter.Builder<GenericRecord> builder = AvroParquetWriter.<GenericRecord>builder(stream)
                    .withSchema(new Schema.Parser().parse(schemaString))
                    .withDataModel(GenericData.get())
                    .withCompressionCodec(compression);
            for (String column : plain) {
                builder = builder.withDictionaryEncoding(column, false);
            }
            return builder.build();
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

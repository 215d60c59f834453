package io.clickstream.format;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The Avro input schemas in {@code src/main/resources/avro/input/}: every writer version the pipeline accepts. */
public final class AvroSchemas {
    public static final String FOLDER = "avro/input/";
    /**
     * Every registered writer schema, oldest first. A producer's schema must be listed here (and its file be in
     * {@link #FOLDER}) before its records can be read; a test checks that the list and the folder agree.
     */
    public static final List<String> WRITER_SCHEMAS = List.of("click_event_input_v1.avsc", "click_event_input_v2.avsc");
    /** The pipeline reads every record with the latest schema; fields a writer lacks take their defaults. */
    public static final String READER_SCHEMA = WRITER_SCHEMAS.get(WRITER_SCHEMAS.size() - 1);

    private AvroSchemas() {}

    /** The text of a schema file of {@link #FOLDER}. */
    public static String text(String file) {
        try (InputStream in = AvroSchemas.class.getClassLoader().getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new IllegalStateException("Avro schema " + FOLDER + file + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Schema load(String file) {
        return new Schema.Parser().parse(text(file));
    }

    /** The CRC-64-AVRO fingerprint of the schema's canonical form: what a single-object record carries in its header. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    public static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }
}

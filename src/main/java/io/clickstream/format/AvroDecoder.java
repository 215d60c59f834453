package io.clickstream.format;

import io.clickstream.quality.EventParser;
import io.clickstream.quality.InvalidRecord;
import io.clickstream.quality.Reason;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Avro single-object records: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema,
 * then the binary body. The fingerprint picks the writer schema among the registered ones; the body is resolved
 * against the reader schema, so a field the writer lacks takes the reader's default and a field the reader lacks
 * is skipped. Unknown or incompatible writer schemas are SCHEMA_MISMATCH; bodies that do not decode UNDECODABLE.
 */
public final class AvroDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;

    static final int HEADER_BYTES = 10;

    private final String readerName;
    private final String readerJson;
    /** Writer schema name → its JSON. */
    private final LinkedHashMap<String, String> writerJson;

    private transient Compiled compiled;

    public AvroDecoder(String readerName, String readerJson, Map<String, String> writerJson) {
        this.readerName = readerName;
        this.readerJson = readerJson;
        this.writerJson = new LinkedHashMap<>(writerJson);
        compiled();   // fail at start, not on the first record, if a schema does not parse
    }

    /** The pipeline's decoder: reader = the latest schema, writers = every registered one. */
    public static AvroDecoder latest() {
        Map<String, String> writers = new LinkedHashMap<>();
        for (String file : AvroSchemas.WRITER_SCHEMAS) {
            writers.put(file, AvroSchemas.text(file));
        }
        return new AvroDecoder(AvroSchemas.READER_SCHEMA, AvroSchemas.text(AvroSchemas.READER_SCHEMA), writers);
    }

    @Override
    public DecodedRecord decode(byte[] payload) throws InvalidRecord {
        if (payload.length == 0) {
            throw new InvalidRecord(Reason.UNDECODABLE, "empty record; " + EventParser.REQUIRED);
        }
        if (payload.length < 2 || payload[0] != (byte) 0xC3 || payload[1] != (byte) 0x01) {
            throw new InvalidRecord(Reason.UNDECODABLE, "not an Avro single-object record: it must start with the "
                    + "marker C3 01, got " + hexPrefix(payload) + "; producers must write Avro single-object encoding "
                    + "(BinaryMessageEncoder) with a registered schema (docs/formats.md)");
        }
        if (payload.length < HEADER_BYTES) {
            throw new InvalidRecord(Reason.UNDECODABLE, "Avro record of " + payload.length
                    + " bytes ends inside its header (marker and 8-byte schema fingerprint)");
        }
        Compiled c = compiled();
        long fingerprint = fingerprint(payload);
        Writer writer = c.writers.get(fingerprint);
        if (writer == null) {
            throw new InvalidRecord(Reason.SCHEMA_MISMATCH, "unknown Avro writer schema: fingerprint "
                    + AvroSchemas.hex(fingerprint) + " is not registered (known: " + known(c)
                    + "); register the writer schema by adding its .avsc to src/main/resources/" + AvroSchemas.FOLDER
                    + " and AvroSchemas.WRITER_SCHEMAS, if it is a compatible change (docs/formats.md)");
        }
        if (writer.incompatibility != null) {
            throw new InvalidRecord(Reason.SCHEMA_MISMATCH, "Avro writer schema " + writer.name + " (fingerprint "
                    + AvroSchemas.hex(fingerprint) + ") cannot be read with the reader schema " + readerName + ": "
                    + writer.incompatibility + "; this is a breaking change: the producer must go back to a compatible "
                    + "schema (docs/formats.md)");
        }
        GenericRecord record;
        try {
            record = c.decoder.decode(payload);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecord(Reason.UNDECODABLE, "Avro body does not decode with writer schema " + writer.name
                    + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + " (truncated or corrupted record)");
        }
        return field -> {
            if (record.getSchema().getField(field) == null) {
                return null;
            }
            Object v = record.get(field);
            return v == null ? null : FieldValue.of(v);
        };
    }

    private static long fingerprint(byte[] p) {
        long f = 0;
        for (int i = 9; i >= 2; i--) {
            f = (f << 8) | (p[i] & 0xFF);
        }
        return f;
    }

    private static String hexPrefix(byte[] p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(p.length, 2); i++) {
            sb.append(String.format("%02X", p[i] & 0xFF)).append(i == 0 && p.length > 1 ? " " : "");
        }
        return sb.toString();
    }

    private static String known(Compiled c) {
        return c.writers.entrySet().stream().map(e -> e.getValue().name + " " + AvroSchemas.hex(e.getKey()))
                .collect(Collectors.joining(", "));
    }

    private Compiled compiled() {
        if (compiled == null) {
            compiled = new Compiled(readerJson, writerJson);
        }
        return compiled;
    }

    /** The parsed schemas and the decoder, built once per parser instance (Avro schemas are not cheap to parse). */
    private static final class Compiled {
        final Map<Long, Writer> writers = new LinkedHashMap<>();
        final BinaryMessageDecoder<GenericRecord> decoder;

        Compiled(String readerJson, Map<String, String> writerJson) {
            Schema reader = new Schema.Parser().parse(readerJson);
            SchemaStore.Cache store = new SchemaStore.Cache();
            for (Map.Entry<String, String> w : writerJson.entrySet()) {
                Schema schema = new Schema.Parser().parse(w.getValue());
                SchemaCompatibility.SchemaPairCompatibility check =
                        SchemaCompatibility.checkReaderWriterCompatibility(reader, schema);
                String problem = null;
                if (check.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    problem = check.getResult().getIncompatibilities().stream()
                            .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                            .collect(Collectors.joining("; "));
                } else {
                    store.addSchema(schema);
                }
                writers.put(AvroSchemas.fingerprint(schema), new Writer(w.getKey(), problem));
            }
            decoder = new BinaryMessageDecoder<>(GenericData.get(), reader, store);
        }
    }

    private static final class Writer {
        final String name;
        /** Why the reader cannot read this writer's records; null when it can. */
        final String incompatibility;

        Writer(String name, String incompatibility) {
            this.name = name;
            this.incompatibility = incompatibility;
        }
    }
}

package io.clickstream.format;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes events as Avro single-object records with one writer schema (a producer's view). Not thread-safe. */
public final class AvroEncoder {
    private final Schema schema;
    private final BinaryMessageEncoder<GenericRecord> encoder;

    public AvroEncoder(Schema schema) {
        this.schema = schema;
        this.encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
    }

    /** The encoder of the latest registered schema, as the generator writes. */
    public static AvroEncoder latest() {
        return new AvroEncoder(AvroSchemas.load(AvroSchemas.READER_SCHEMA));
    }

    public Schema schema() {
        return schema;
    }

    /**
     * The record of {@code f}. Avro has no absent value for a non-null field: a missing required string is written
     * empty (the pipeline reports it as MISSING_FIELD all the same).
     */
    public byte[] encode(EventFields f) {
        GenericData.Record r = new GenericData.Record(schema);
        put(r, "eventId", f.eventId == null ? "" : f.eventId);
        put(r, "userId", f.userId == null ? "" : f.userId);
        put(r, "sessionId", f.sessionId);
        put(r, "type", f.type == null ? "" : f.type);
        put(r, "url", f.url == null ? "" : f.url);
        if (f.ts == null && schema.getField("ts").schema().getType() != Schema.Type.UNION) {
            throw new IllegalArgumentException("an Avro record needs ts");
        }
        put(r, "ts", f.ts);
        put(r, "spend", f.spend);
        put(r, "referrer", f.referrer);
        put(r, "userAgent", f.userAgent);
        put(r, "campaign", f.campaign);
        try {
            return encoder.encode(r).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(GenericData.Record r, String field, Object value) {
        if (schema.getField(field) != null) {
            r.put(field, value);
        }
    }
}

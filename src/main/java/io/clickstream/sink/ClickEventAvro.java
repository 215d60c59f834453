package io.clickstream.sink;

import io.clickstream.event.ClickEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Parquet row schema of {@code refined/clicks/} ({@code avro/click_event.avsc}) and the mapping to it. */
public final class ClickEventAvro {
    public static final String SCHEMA_RESOURCE = "/avro/click_event.avsc";

    private ClickEventAvro() {}

    public static String schemaJson() {
        try (InputStream in = ClickEventAvro.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is not on the classpath; rebuild the JAR");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Schema schema() {
        return new Schema.Parser().parse(schemaJson());
    }

    public static GenericRecord toRecord(ClickEvent e, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put(0, e.eventId);
        r.put(1, e.userId);
        r.put(2, e.sessionId);
        r.put(3, e.type.wireName());
        r.put(4, e.url);
        r.put(5, e.ts);
        r.put(6, e.spend);
        r.put(7, e.referrer);
        r.put(8, e.userAgent);
        return r;
    }
}

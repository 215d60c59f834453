package io.clickstream.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import io.clickstream.format.AvroEncoder;
import io.clickstream.format.EventFields;
import io.clickstream.format.InputFormat;
import io.clickstream.format.ProtobufEncoder;
import io.clickstream.quality.Reason;
import org.apache.avro.Schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Re-encodes the generator's records (JSON) in another input format: the same logical events, and for every kind
 * of malformed record its nearest counterpart in that format, with the reason the pipeline will give it:
 *
 * <ul>
 *   <li>MALFORMED_JSON → a truncated binary record: UNDECODABLE;</li>
 *   <li>NOT_AN_OBJECT → the JSON text itself, sent to a binary stream: UNDECODABLE;</li>
 *   <li>WRONG_TYPE → ts written as a string by an incompatible writer (Avro: an unregistered schema; Protobuf: a
 *       length-delimited value under ts's number): SCHEMA_MISMATCH;</li>
 *   <li>MISSING_FIELD, OUT_OF_RANGE, UNKNOWN_EVENT_TYPE, FUTURE_TIMESTAMP → the same fields, encoded.</li>
 * </ul>
 *
 * JSON records are returned unchanged. Deterministic: the same record always gives the same bytes. Not thread-safe.
 */
public final class GeneratedRecordEncoder {
    /** The Avro schema of the injected breaking change: ts as a string. Deliberately not registered. */
    static final String UNREGISTERED_AVRO_SCHEMA = "avro/unregistered/click_event_input_ts_string.avsc";

    private final InputFormat format;
    private final ObjectMapper json = new ObjectMapper();
    private AvroEncoder avro;
    private AvroEncoder avroUnregistered;
    private ProtobufEncoder protobuf;

    public GeneratedRecordEncoder(InputFormat format) {
        this.format = format;
        if (format == InputFormat.AVRO) {
            avro = AvroEncoder.latest();
            avroUnregistered = new AvroEncoder(loadUnregistered());
        } else if (format == InputFormat.PROTOBUF) {
            protobuf = new ProtobufEncoder();
        }
    }

    public InputFormat format() {
        return format;
    }

    public GeneratedRecord encode(GeneratedRecord r) {
        if (format == InputFormat.JSON) {
            return r;
        }
        if (r.kind != GeneratedRecord.Kind.MALFORMED) {
            return new GeneratedRecord(encode(fields(r.payload)), r.kind, r.eventId, null, r.late);
        }
        switch (r.expectedReason) {
            case MALFORMED_JSON:
                return malformed(truncated(), Reason.UNDECODABLE);
            case NOT_AN_OBJECT:
                return malformed(r.payload, Reason.UNDECODABLE);
            case WRONG_TYPE:
                return malformed(tsAsString(fields(r.payload), "true"), Reason.SCHEMA_MISMATCH);
            default:
                return malformed(encode(fields(r.payload)), r.expectedReason);
        }
    }

    /** The bytes of one event in this format (not for JSON). */
    public byte[] encode(EventFields f) {
        return format == InputFormat.AVRO ? avro.encode(f) : protobuf.encode(f);
    }

    private static GeneratedRecord malformed(byte[] payload, Reason reason) {
        return new GeneratedRecord(payload, GeneratedRecord.Kind.MALFORMED, null, reason, false);
    }

    /** A record cut off inside its first field: does not decode in either format. */
    private byte[] truncated() {
        EventFields f = new EventFields();
        f.eventId = "00000000-0000-4000-8000-000000000000";
        f.userId = "u-0";
        f.type = "view";
        f.url = "/";
        f.ts = 0L;
        byte[] whole = encode(f);
        return Arrays.copyOf(whole, format == InputFormat.AVRO ? 15 : 10);
    }

    private byte[] tsAsString(EventFields f, String ts) {
        if (format == InputFormat.AVRO) {
            // Same fields, but the writer schema says ts is a string: an unregistered (and breaking) schema.
            org.apache.avro.generic.GenericData.Record rec =
                    new org.apache.avro.generic.GenericData.Record(avroUnregistered.schema());
            rec.put("eventId", f.eventId == null ? "" : f.eventId);
            rec.put("userId", f.userId == null ? "" : f.userId);
            rec.put("sessionId", f.sessionId);
            rec.put("type", f.type == null ? "" : f.type);
            rec.put("url", f.url == null ? "" : f.url);
            rec.put("ts", ts);
            try {
                return new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                        org.apache.avro.generic.GenericData.get(), avroUnregistered.schema()).encode(rec).array();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // Protobuf: the other fields as usual, then ts (field 6, an int64) as a length-delimited string.
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(protobuf.encode(f));
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeString(6, ts);
            c.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EventFields fields(byte[] generatedJson) {
        try {
            JsonNode node = json.readTree(new String(generatedJson, StandardCharsets.UTF_8));
            return EventFields.ofJson(node);
        } catch (IOException e) {
            throw new IllegalStateException("the generator wrote a record that is not JSON", e);
        }
    }

    private static Schema loadUnregistered() {
        try (InputStream in = GeneratedRecordEncoder.class.getClassLoader().getResourceAsStream(UNREGISTERED_AVRO_SCHEMA)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

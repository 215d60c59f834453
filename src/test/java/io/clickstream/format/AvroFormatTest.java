package io.clickstream.format;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.RawRecord;
import io.clickstream.quality.DeadLetter;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.InvalidRecord;
import io.clickstream.quality.ParseResult;
import io.clickstream.quality.Reason;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Avro single-object records: both directions of schema evolution, and breaking changes as dead letters. */
class AvroFormatTest {
    static final String V1 = "click_event_input_v1.avsc";
    static final String V2 = "click_event_input_v2.avsc";
    static final ClickEvent EVENT = new ClickEvent("e-1", "u-7", "s-3", EventType.PURCHASE, "/buy",
            1_732_500_000_123L, 129.9, "google", "Mozilla/5.0");

    /** ts as a string under the same name: a breaking change. */
    static final String BREAKING = AvroSchemas.text(V2)
            .replace("{\"name\": \"ts\", \"type\": \"long\"", "{\"name\": \"ts\", \"type\": \"string\"");

    static EventParser parser(RecordDecoder decoder) {
        return new EventParser(1 << 20, Duration.ofHours(1),
                Clock.fixed(java.time.Instant.parse("2024-11-25T12:00:00Z"), ZoneOffset.UTC), decoder);
    }

    static AvroDecoder reader(String readerFile, String... writerFiles) {
        Map<String, String> writers = new LinkedHashMap<>();
        for (String w : writerFiles) {
            writers.put(w, AvroSchemas.text(w));
        }
        return new AvroDecoder(readerFile, AvroSchemas.text(readerFile), writers);
    }

    static DeadLetter deadLetter(RecordDecoder decoder, byte[] payload) {
        ParseResult r = parser(decoder).parse(new RawRecord("kinesis", "clicks/shard-0/1", payload));
        assertThat(r.isValid()).isFalse();
        return r.deadLetter();
    }

    @Test
    void theRegisteredSchemasAreExactlyTheFilesOfTheInputFolder() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources", AvroSchemas.FOLDER))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()))
                    .containsExactlyElementsOf(AvroSchemas.WRITER_SCHEMAS);
        }
        assertThat(AvroSchemas.READER_SCHEMA).isEqualTo(V2);
    }

    @Test
    void eachRecordStartsWithTheMarkerAndTheFingerprintOfItsWriterSchema() {
        byte[] record = new AvroEncoder(AvroSchemas.load(V1)).encode(EventFields.of(EVENT));
        long fingerprint = AvroSchemas.fingerprint(AvroSchemas.load(V1));
        assertThat(Arrays.copyOf(record, 2)).containsExactly(0xC3, 0x01);
        for (int i = 0; i < 8; i++) {
            assertThat(record[2 + i]).isEqualTo((byte) (fingerprint >>> (8 * i)));
        }
    }

    @Test
    void aV2WriterIsReadByAV1Reader() throws InvalidRecord {
        EventFields f = EventFields.of(EVENT);
        f.campaign = "black-friday";
        byte[] v2Record = new AvroEncoder(AvroSchemas.load(V2)).encode(f);

        AvroDecoder v1Reader = reader(V1, V1, V2);
        assertThat(v1Reader.decode(v2Record).get("campaign")).as("the v1 reader skips the new field").isNull();
        ParseResult r = parser(v1Reader).parse(new RawRecord("file", "x:1", v2Record));
        assertThat(r.isValid()).as("%s", r.deadLetter()).isTrue();
        assertThat(r.event()).usingRecursiveComparison().isEqualTo(EVENT);
    }

    @Test
    void aV1WriterIsReadByTheV2ReaderWithTheDefault() throws InvalidRecord {
        byte[] v1Record = new AvroEncoder(AvroSchemas.load(V1)).encode(EventFields.of(EVENT));

        AvroDecoder v2Reader = AvroDecoder.latest();
        DecodedRecord decoded = v2Reader.decode(v1Record);
        assertThat(decoded.get("campaign")).as("default null").isNull();
        assertThat(decoded.get("userId").text()).isEqualTo("u-7");
        ParseResult r = parser(v2Reader).parse(new RawRecord("file", "x:1", v1Record));
        assertThat(r.isValid()).as("%s", r.deadLetter()).isTrue();
        assertThat(r.event()).usingRecursiveComparison().isEqualTo(EVENT);
    }

    @Test
    void theV2FieldIsReadWhenPresent() throws InvalidRecord {
        EventFields f = EventFields.of(EVENT);
        f.campaign = "black-friday";
        byte[] v2Record = AvroEncoder.latest().encode(f);
        assertThat(AvroDecoder.latest().decode(v2Record).get("campaign").text()).isEqualTo("black-friday");
    }

    @Test
    void aRecordOfAnUnregisteredWriterSchemaIsADeadLetterThatSaysWhereToRegisterIt() throws IOException {
        Schema breaking = new Schema.Parser().parse(BREAKING);
        byte[] record = encodeWithTsAsString(breaking);

        DeadLetter d = deadLetter(AvroDecoder.latest(), record);
        long v1 = AvroSchemas.fingerprint(AvroSchemas.load(V1));
        long v2 = AvroSchemas.fingerprint(AvroSchemas.load(V2));
        assertThat(d.reason).isEqualTo(Reason.SCHEMA_MISMATCH);
        assertThat(d.message).isEqualTo("unknown Avro writer schema: fingerprint "
                + AvroSchemas.hex(AvroSchemas.fingerprint(breaking)) + " is not registered (known: "
                + V1 + " " + AvroSchemas.hex(v1) + ", " + V2 + " " + AvroSchemas.hex(v2) + "); register the writer "
                + "schema by adding its .avsc to src/main/resources/avro/input/ and AvroSchemas.WRITER_SCHEMAS, if it "
                + "is a compatible change (docs/formats.md)");
        assertThat(d.payloadEncoding).isEqualTo("base64");
        assertThat(d.rawBytes()).isEqualTo(record);
    }

    @Test
    void aRegisteredButIncompatibleWriterSchemaIsADeadLetterNamingTheField() throws IOException {
        Map<String, String> writers = new LinkedHashMap<>();
        writers.put(V2, AvroSchemas.text(V2));
        writers.put("click_event_input_v3.avsc", BREAKING);
        AvroDecoder decoder = new AvroDecoder(V2, AvroSchemas.text(V2), writers);
        Schema breaking = new Schema.Parser().parse(BREAKING);

        DeadLetter d = deadLetter(decoder, encodeWithTsAsString(breaking));
        assertThat(d.reason).isEqualTo(Reason.SCHEMA_MISMATCH);
        assertThat(d.message)
                .startsWith("Avro writer schema click_event_input_v3.avsc (fingerprint "
                        + AvroSchemas.hex(AvroSchemas.fingerprint(breaking)) + ") cannot be read with the reader schema "
                        + V2 + ": TYPE_MISMATCH at /fields/5/type")
                .endsWith("; this is a breaking change: the producer must go back to a compatible schema (docs/formats.md)");
    }

    @Test
    void aTruncatedBodyIsUndecodable() {
        byte[] whole = AvroEncoder.latest().encode(EventFields.of(EVENT));
        DeadLetter d = deadLetter(AvroDecoder.latest(), Arrays.copyOf(whole, whole.length - 20));
        assertThat(d.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(d.message).startsWith("Avro body does not decode with writer schema " + V2 + ": ")
                .endsWith(" (truncated or corrupted record)");
    }

    @Test
    void aJsonRecordOnAnAvroSourceIsUndecodable() {
        DeadLetter d = deadLetter(AvroDecoder.latest(), "{\"eventId\":\"e-1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(d.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(d.message).isEqualTo("not an Avro single-object record: it must start with the marker C3 01, got "
                + "7B 22; producers must write Avro single-object encoding (BinaryMessageEncoder) with a registered "
                + "schema (docs/formats.md)");
        assertThat(d.payloadEncoding).isEqualTo("utf-8");
    }

    @Test
    void emptyAndHeaderOnlyRecordsAreUndecodable() {
        assertThat(deadLetter(AvroDecoder.latest(), new byte[0]).message)
                .isEqualTo("empty record; every event needs eventId, userId, type, url and ts");
        assertThat(deadLetter(AvroDecoder.latest(), new byte[] {(byte) 0xC3, 0x01, 1, 2}).message)
                .isEqualTo("Avro record of 4 bytes ends inside its header (marker and 8-byte schema fingerprint)");
    }

    @Test
    void theSharedRulesApplyToAvroRecords() {
        EventFields f = EventFields.of(EVENT);
        f.userId = null;     // written as "" (Avro has no absent value for a required string)
        DeadLetter d = deadLetter(AvroDecoder.latest(), AvroEncoder.latest().encode(f));
        assertThat(d.reason).isEqualTo(Reason.MISSING_FIELD);
        assertThat(d.message).isEqualTo("field 'userId' is empty; every event needs eventId, userId, type, url and ts");

        f = EventFields.of(EVENT);
        f.spend = null;
        d = deadLetter(AvroDecoder.latest(), AvroEncoder.latest().encode(f));
        assertThat(d.reason).isEqualTo(Reason.MISSING_FIELD);
        assertThat(d.message).isEqualTo("field 'spend' is missing; a purchase must carry its spend");

        f = EventFields.of(EVENT);
        f.spend = -1.5;
        d = deadLetter(AvroDecoder.latest(), AvroEncoder.latest().encode(f));
        assertThat(d.reason).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(d.message).isEqualTo("field 'spend' is -1.5; it must be a finite number >= 0");
    }

    @Test
    void anUnparseableSchemaFailsAtStartNotOnTheFirstRecord() {
        assertThatThrownBy(() -> new AvroDecoder(V2, "{\"type\":", Map.of()))
                .isInstanceOf(org.apache.avro.SchemaParseException.class);
    }

    private static byte[] encodeWithTsAsString(Schema schema) throws IOException {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("eventId", "e-1");
        r.put("userId", "u-7");
        r.put("type", "view");
        r.put("url", "/");
        r.put("ts", "2024-11-25T00:00:00Z");
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r).array();
    }
}

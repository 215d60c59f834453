package io.clickstream.format;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.RawRecord;
import io.clickstream.format.proto.ClickEventProtos;
import io.clickstream.format.proto.breaking.ClickEventBreakingProtos;
import io.clickstream.format.proto.v2.ClickEventV2Protos;
import io.clickstream.quality.DeadLetter;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.ParseResult;
import io.clickstream.quality.Reason;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Protobuf records: both directions of schema evolution, and a breaking change as a dead letter. */
class ProtobufFormatTest {
    static final ClickEvent EVENT = new ClickEvent("e-1", "u-7", "s-3", EventType.PURCHASE, "/buy",
            1_732_500_000_123L, 129.9, "google", "Mozilla/5.0");
    static final String REQUIRED = "every event needs eventId, userId, type, url and ts";

    private final EventParser parser = new EventParser(1 << 20, Duration.ofHours(1),
            Clock.fixed(Instant.parse("2024-11-25T12:00:00Z"), ZoneOffset.UTC), new ProtobufDecoder());

    private ParseResult parse(byte[] payload) {
        return parser.parse(new RawRecord("kinesis", "clicks/shard-0/1", payload));
    }

    private DeadLetter deadLetter(byte[] payload) {
        ParseResult r = parse(payload);
        assertThat(r.isValid()).isFalse();
        return r.deadLetter();
    }

    static ClickEventV2Protos.ClickEvent v2(String campaign) {
        ClickEventV2Protos.ClickEvent.Builder b = ClickEventV2Protos.ClickEvent.newBuilder()
                .setEventId("e-1").setUserId("u-7").setSessionId("s-3").setType("purchase").setUrl("/buy")
                .setTs(1_732_500_000_123L).setSpend(129.9).setReferrer("google").setUserAgent("Mozilla/5.0");
        if (campaign != null) {
            b.setCampaign(campaign);
        }
        return b.build();
    }

    @Test
    void anEventRoundTrips() {
        ParseResult r = parse(new ProtobufEncoder().encode(EventFields.of(EVENT)));
        assertThat(r.isValid()).as("%s", r.deadLetter()).isTrue();
        assertThat(r.event()).usingRecursiveComparison().isEqualTo(EVENT);
    }

    @Test
    void aV2WriterIsReadByTheV1Reader() {
        byte[] v2Record = v2("black-friday").toByteArray();
        ParseResult r = parse(v2Record);
        assertThat(r.isValid()).as("%s", r.deadLetter()).isTrue();
        assertThat(r.event()).usingRecursiveComparison().isEqualTo(EVENT);
    }

    @Test
    void aV1WriterIsReadByAV2ReaderWithTheDefault() throws Exception {
        byte[] v1Record = new ProtobufEncoder().encode(EventFields.of(EVENT));
        ClickEventV2Protos.ClickEvent read = ClickEventV2Protos.ClickEvent.parseFrom(v1Record);
        assertThat(read.hasCampaign()).isFalse();
        assertThat(read.getCampaign()).isEmpty();
        assertThat(read).isEqualTo(v2(null));
        assertThat(read.getUnknownFields().asMap()).isEmpty();
    }

    @Test
    void aFieldWhoseTypeChangedUnderTheSameNumberIsASchemaMismatch() {
        byte[] record = ClickEventBreakingProtos.ClickEvent.newBuilder()
                .setEventId("e-1").setUserId("u-7").setType("view").setUrl("/")
                .setTs("2024-11-25T00:00:00Z").build().toByteArray();
        DeadLetter d = deadLetter(record);
        assertThat(d.reason).isEqualTo(Reason.SCHEMA_MISMATCH);
        assertThat(d.message).isEqualTo("field number 6 ('ts') has the wrong wire type: wire type 2 (length-delimited), "
                + "but click_event.proto declares int64 (wire type 0 (varint)); the record looks written with an "
                + "incompatible schema (a field's type changed under the same number). Fix the producer's .proto: give "
                + "a changed field a new number (docs/formats.md)");
        assertThat(d.rawBytes()).isEqualTo(record);
    }

    @Test
    void aMissingRequiredFieldIsMissingWhetherAbsentOrEmpty() {
        EventFields f = EventFields.of(EVENT);
        f.userId = null;
        DeadLetter d = deadLetter(new ProtobufEncoder().encode(f));
        assertThat(d.reason).isEqualTo(Reason.MISSING_FIELD);
        assertThat(d.message).isEqualTo("field 'userId' is missing; " + REQUIRED);

        f = EventFields.of(EVENT);
        f.ts = null;
        d = deadLetter(new ProtobufEncoder().encode(f));
        assertThat(d.reason).isEqualTo(Reason.MISSING_FIELD);
        assertThat(d.message).isEqualTo("field 'ts' is missing; " + REQUIRED);
    }

    @Test
    void optionalFieldsKeepTheirPresence() {
        EventFields f = EventFields.of(EVENT);
        f.type = "view";
        f.spend = null;
        f.sessionId = null;
        f.referrer = "";
        ParseResult r = parse(new ProtobufEncoder().encode(f));
        assertThat(r.isValid()).isTrue();
        assertThat(r.event().spend).isNull();
        assertThat(r.event().sessionId).isNull();
        assertThat(r.event().referrer).isEmpty();
    }

    @Test
    void aTruncatedOrGarbageBodyIsUndecodable() {
        byte[] whole = new ProtobufEncoder().encode(EventFields.of(EVENT));
        DeadLetter d = deadLetter(Arrays.copyOf(whole, 7));   // inside user_id
        assertThat(d.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(d.message).isEqualTo("not a protobuf ClickEvent (click_event.proto): While parsing a protocol "
                + "message, the input ended unexpectedly in the middle of a field.  This could mean either that the "
                + "input has been truncated or that an embedded message misreported its own length. (truncated or "
                + "corrupted record, or not protobuf at all)");

        d = deadLetter(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertThat(d.reason).isEqualTo(Reason.UNDECODABLE);

        d = deadLetter(new byte[0]);
        assertThat(d.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(d.message).isEqualTo("empty record; " + REQUIRED);
    }

    @Test
    void aRecordMissingRequiredFieldsButCarryingUnknownOnesIsASchemaMismatch() throws Exception {
        // A writer that renumbered its fields: nothing we know, only unknown numbers.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream c = com.google.protobuf.CodedOutputStream.newInstance(out);
        c.writeString(21, "e-1");
        c.writeString(22, "u-7");
        c.writeInt64(26, 1_732_500_000_123L);
        c.flush();
        DeadLetter d = deadLetter(out.toByteArray());
        assertThat(d.reason).isEqualTo(Reason.SCHEMA_MISMATCH);
        assertThat(d.message).isEqualTo("required field 'eventId' (number 1) is missing, and the record carries "
                + "field numbers unknown to click_event.proto [21, 22, 26]: it looks written with an incompatible "
                + "schema (fields renumbered?). Fix the producer's .proto (docs/formats.md)");
    }

    @Test
    void theGeneratedJavaClassIsTheOneOfClickEventProto() {
        assertThat(ClickEventProtos.ClickEvent.getDescriptor().getFullName()).isEqualTo("clickstream.input.ClickEvent");
    }
}

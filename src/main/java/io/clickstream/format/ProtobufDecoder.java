package io.clickstream.format;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import io.clickstream.format.proto.ClickEventProtos;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.InvalidRecord;
import io.clickstream.quality.Reason;

import java.util.Map;

/**
 * Protobuf {@code clickstream.input.ClickEvent} messages ({@code src/main/proto/click_event.proto}). Fields of a
 * newer writer (unknown numbers) are skipped. A field whose number we know but whose wire type differs from ours
 * lands in protobuf's unknown fields instead of its own: that is a writer with an incompatible schema, reported
 * as SCHEMA_MISMATCH rather than as the missing field it would otherwise look like.
 */
public final class ProtobufDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;

    @Override
    public DecodedRecord decode(byte[] payload) throws InvalidRecord {
        if (payload.length == 0) {
            throw new InvalidRecord(Reason.UNDECODABLE, "empty record; " + EventParser.REQUIRED);
        }
        ClickEventProtos.ClickEvent m;
        try {
            m = ClickEventProtos.ClickEvent.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecord(Reason.UNDECODABLE, "not a protobuf ClickEvent (click_event.proto): "
                    + e.getMessage() + " (truncated or corrupted record, or not protobuf at all)");
        }
        checkWireTypes(m.getUnknownFields());
        checkRequiredWithUnknown(m);
        return field -> {
            switch (field) {
                case "eventId":
                    return text(m.getEventId());
                case "userId":
                    return text(m.getUserId());
                case "type":
                    return text(m.getType());
                case "url":
                    return text(m.getUrl());
                case "sessionId":
                    return m.hasSessionId() ? FieldValue.of(m.getSessionId()) : null;
                case "ts":
                    return m.hasTs() ? FieldValue.of(m.getTs()) : null;
                case "spend":
                    return m.hasSpend() ? FieldValue.of(m.getSpend()) : null;
                case "referrer":
                    return m.hasReferrer() ? FieldValue.of(m.getReferrer()) : null;
                case "userAgent":
                    return m.hasUserAgent() ? FieldValue.of(m.getUserAgent()) : null;
                default:
                    return null;
            }
        };
    }

    /** Proto3 strings without presence read as "" when absent: treated as missing. */
    private static FieldValue text(String s) {
        return s.isEmpty() ? null : FieldValue.of(s);
    }

    private static void checkWireTypes(UnknownFieldSet unknown) throws InvalidRecord {
        for (Map.Entry<Integer, UnknownFieldSet.Field> e : unknown.asMap().entrySet()) {
            FieldDescriptor ours = ClickEventProtos.ClickEvent.getDescriptor().findFieldByNumber(e.getKey());
            if (ours == null) {
                continue;   // a field added by a newer writer: skipped, as protobuf intends
            }
            int expected = ours.getLiteType().getWireType();
            throw new InvalidRecord(Reason.SCHEMA_MISMATCH, "field number " + e.getKey() + " ('" + ours.getName()
                    + "') has the wrong wire type: " + wireType(found(e.getValue())) + ", but click_event.proto declares "
                    + ours.getType().name().toLowerCase() + " (" + wireType(expected) + "); the record looks written "
                    + "with an incompatible schema (a field's type changed under the same number). Fix the producer's "
                    + ".proto: give a changed field a new number (docs/formats.md)");
        }
    }

    /**
     * Required fields absent while unknown numbers are present: most likely not a sparse record of ours but one of
     * another schema (renumbered fields), so say that instead of only "missing".
     */
    private static void checkRequiredWithUnknown(ClickEventProtos.ClickEvent m) throws InvalidRecord {
        if (m.getUnknownFields().asMap().isEmpty()) {
            return;
        }
        String missing = m.getEventId().isEmpty() ? "eventId" : m.getUserId().isEmpty() ? "userId"
                : m.getType().isEmpty() ? "type" : m.getUrl().isEmpty() ? "url" : !m.hasTs() ? "ts" : null;
        if (missing != null) {
            int number = ClickEventProtos.ClickEvent.getDescriptor().getFields().stream()
                    .filter(f -> f.getJsonName().equals(missing)).findFirst().orElseThrow().getNumber();
            throw new InvalidRecord(Reason.SCHEMA_MISMATCH, "required field '" + missing + "' (number " + number
                    + ") is missing, and the record carries field numbers unknown to click_event.proto "
                    + m.getUnknownFields().asMap().keySet() + ": it looks written with an incompatible schema "
                    + "(fields renumbered?). Fix the producer's .proto (docs/formats.md)");
        }
    }

    private static int found(UnknownFieldSet.Field f) {
        if (!f.getVarintList().isEmpty()) {
            return WireFormat.WIRETYPE_VARINT;
        }
        if (!f.getFixed64List().isEmpty()) {
            return WireFormat.WIRETYPE_FIXED64;
        }
        if (!f.getFixed32List().isEmpty()) {
            return WireFormat.WIRETYPE_FIXED32;
        }
        if (!f.getLengthDelimitedList().isEmpty()) {
            return WireFormat.WIRETYPE_LENGTH_DELIMITED;
        }
        return WireFormat.WIRETYPE_START_GROUP;
    }

    private static String wireType(int wireType) {
        switch (wireType) {
            case WireFormat.WIRETYPE_VARINT:
                return "wire type 0 (varint)";
            case WireFormat.WIRETYPE_FIXED64:
                return "wire type 1 (64-bit)";
            case WireFormat.WIRETYPE_LENGTH_DELIMITED:
                return "wire type 2 (length-delimited)";
            case WireFormat.WIRETYPE_FIXED32:
                return "wire type 5 (32-bit)";
            default:
                return "wire type 3 (group)";
        }
    }
}

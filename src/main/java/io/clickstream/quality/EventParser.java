package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.RawRecord;
import io.clickstream.format.DecodedRecord;
import io.clickstream.format.FieldValue;
import io.clickstream.format.JsonDecoder;
import io.clickstream.format.RecordDecoder;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.apache.flink.util.TimeUtils;

/**
 * Parses and validates one raw record. A pure function of the record and the wall clock
 * (the clock only judges {@link Reason#FUTURE_TIMESTAMP}), so it is tested without Flink
 * and shared by every source.
 *
 * <p>Decoding is per input format ({@link RecordDecoder}: JSON, Avro, Protobuf); the rules below are the same
 * for all of them, so a bad value gets the same reason and message whatever format carried it.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String REQUIRED = "every event needs eventId, userId, type, url and ts";

    private final int maxRecordBytes;
    private final long maxFutureMillis;
    private final Clock clock;
    private final RecordDecoder decoder;

    /** A parser for JSON records. */
    public EventParser(int maxRecordBytes, Duration maxFuture, Clock clock) {
        this(maxRecordBytes, maxFuture, clock, new JsonDecoder());
    }

    public EventParser(int maxRecordBytes, Duration maxFuture, Clock clock, RecordDecoder decoder) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureMillis = maxFuture.toMillis();
        this.clock = clock;
        this.decoder = decoder;
    }

    public ParseResult parse(RawRecord raw) {
        try {
            return ParseResult.valid(validate(raw));
        } catch (InvalidRecord e) {
            return ParseResult.invalid(DeadLetter.of(e.reason(), e.getMessage(), raw.source, raw.origin, raw.payload));
        }
    }

    private ClickEvent validate(RawRecord raw) throws InvalidRecord {
        byte[] payload = raw.payload;
        if (payload.length > maxRecordBytes) {
            throw new InvalidRecord(Reason.OVERSIZED, "record is " + payload.length + " bytes; the limit is "
                    + maxRecordBytes + " (validation.max-record-bytes)");
        }
        if (raw.framingError != null) {
            throw new InvalidRecord(Reason.UNDECODABLE, raw.framingError);
        }
        DecodedRecord quick = decoder.decodeQuick(payload);
        if (quick != null) {
            try {
                return event(quick);
            } catch (InvalidRecord decidedBelow) {
                // The strict decoding gives the reason and the message, whichever way the record was read.
            }
        }
        return event(decoder.decode(payload));
    }

    private ClickEvent event(DecodedRecord root) throws InvalidRecord {
        // Checked in this order, so that a record with several faults always gets the same reason.
        String eventId = requiredString(root, "eventId");
        String userId = requiredString(root, "userId");
        String typeName = requiredString(root, "type");
        EventType type = EventType.fromWireName(typeName).orElseThrow(() -> new InvalidRecord(Reason.UNKNOWN_EVENT_TYPE,
                "type '" + typeName + "' is unknown; expected one of " + EventType.choices()));
        String url = requiredString(root, "url");
        long ts = timestamp(root);
        String sessionId = optionalString(root, "sessionId");
        String referrer = optionalString(root, "referrer");
        String userAgent = optionalString(root, "userAgent");
        Double spend = spend(root, type);
        return new ClickEvent(eventId, userId, sessionId, type, url, ts, spend, referrer, userAgent);
    }

    private static String requiredString(DecodedRecord root, String field) throws InvalidRecord {
        FieldValue n = root.get(field);
        if (n == null) {
            throw new InvalidRecord(Reason.MISSING_FIELD, "field '" + field + "' is missing; " + REQUIRED);
        }
        if (!n.isText()) {
            throw new InvalidRecord(Reason.WRONG_TYPE, "field '" + field + "' must be a string, got "
                    + n.typeName() + " " + n.literal());
        }
        if (n.text().isBlank()) {
            throw new InvalidRecord(Reason.MISSING_FIELD, "field '" + field + "' is empty; " + REQUIRED);
        }
        return n.text();
    }

    private static String optionalString(DecodedRecord root, String field) throws InvalidRecord {
        FieldValue n = root.get(field);
        if (n == null) {
            return null;
        }
        if (!n.isText()) {
            throw new InvalidRecord(Reason.WRONG_TYPE, "field '" + field + "' must be a string when present, got "
                    + n.typeName() + " " + n.literal());
        }
        return n.text();
    }

    private long timestamp(DecodedRecord root) throws InvalidRecord {
        FieldValue n = root.get("ts");
        if (n == null) {
            throw new InvalidRecord(Reason.MISSING_FIELD, "field 'ts' is missing; " + REQUIRED);
        }
        long ts;
        if (n.isLong()) {
            ts = n.longValue();
        } else if (n.isText()) {
            ts = parseIso(n.text()).orElseThrow(() -> new InvalidRecord(Reason.WRONG_TYPE, "field 'ts' value '"
                    + n.text() + "' is not an ISO-8601 instant such as 2024-11-25T01:20:00.123Z"));
        } else {
            throw new InvalidRecord(Reason.WRONG_TYPE, "field 'ts' must be epoch milliseconds (an integer) or an "
                    + "ISO-8601 string, got " + n.typeName() + " " + n.literal());
        }
        if (ts < 0) {
            throw new InvalidRecord(Reason.OUT_OF_RANGE, "field 'ts' is " + ts + ", before 1970; expected epoch milliseconds");
        }
        long limit = clock.millis() + maxFutureMillis;
        if (ts > limit) {
            // No clock reading in the message: a replay must produce the same dead letter.
            throw new InvalidRecord(Reason.FUTURE_TIMESTAMP, "field 'ts' is " + Instant.ofEpochMilli(ts) + ", more than "
                    + TimeUtils.formatWithHighestUnit(Duration.ofMillis(maxFutureMillis))
                    + " ahead of the wall clock (validation.max-future); check the producer's clock and time unit");
        }
        return ts;
    }

    private static Optional<Long> parseIso(String text) {
        try {
            return Optional.of(Instant.parse(text).toEpochMilli());
        } catch (DateTimeParseException notUtc) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant().toEpochMilli());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    private static Double spend(DecodedRecord root, EventType type) throws InvalidRecord {
        FieldValue n = root.get("spend");
        if (n == null) {
            if (type == EventType.PURCHASE) {
                throw new InvalidRecord(Reason.MISSING_FIELD, "field 'spend' is missing; a purchase must carry its spend");
            }
            return null;
        }
        if (!n.isNumber()) {
            throw new InvalidRecord(Reason.WRONG_TYPE, "field 'spend' must be a number, got "
                    + n.typeName() + " " + n.literal());
        }
        double spend = n.doubleValue() + 0.0;   // -0.0 becomes 0.0
        if (!(spend >= 0) || Double.isInfinite(spend)) {
            throw new InvalidRecord(Reason.OUT_OF_RANGE, "field 'spend' is " + n.literal() + "; it must be a finite number >= 0");
        }
        return spend;
    }
}

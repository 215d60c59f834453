package io.clickstream.quality;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.RawRecord;

import java.io.IOException;
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
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String REQUIRED = "every event needs eventId, userId, type, url and ts";

    private final int maxRecordBytes;
    private final long maxFutureMillis;
    private final Clock clock;
    private transient ObjectMapper mapper;

    public EventParser(int maxRecordBytes, Duration maxFuture, Clock clock) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureMillis = maxFuture.toMillis();
        this.clock = clock;
    }

    public ParseResult parse(RawRecord raw) {
        try {
            return ParseResult.valid(validate(raw.payload));
        } catch (Invalid e) {
            return ParseResult.invalid(DeadLetter.of(e.reason, e.getMessage(), raw.source, raw.origin, raw.payload));
        }
    }

    private ClickEvent validate(byte[] payload) throws Invalid {
        if (payload.length > maxRecordBytes) {
            throw new Invalid(Reason.OVERSIZED, "record is " + payload.length + " bytes; the limit is "
                    + maxRecordBytes + " (validation.max-record-bytes)");
        }
        JsonNode root = readJson(payload);
        if (!root.isObject()) {
            throw new Invalid(Reason.NOT_AN_OBJECT,
                    "expected a JSON object, got " + root.getNodeType().name().toLowerCase() + "; " + REQUIRED);
        }
        ClickEvent e = new ClickEvent();
        e.eventId = requiredString(root, "eventId");
        e.userId = requiredString(root, "userId");
        String typeName = requiredString(root, "type");
        e.type = EventType.fromWireName(typeName).orElseThrow(() -> new Invalid(Reason.UNKNOWN_EVENT_TYPE,
                "type '" + typeName + "' is unknown; expected one of " + EventType.choices()));
        e.url = requiredString(root, "url");
        e.ts = timestamp(root);
        e.sessionId = optionalString(root, "sessionId");
        e.referrer = optionalString(root, "referrer");
        e.userAgent = optionalString(root, "userAgent");
        e.spend = spend(root, e.type);
        return e;
    }

    private JsonNode readJson(byte[] payload) throws Invalid {
        if (payload.length == 0) {
            throw new Invalid(Reason.MALFORMED_JSON, "empty record; " + REQUIRED);
        }
        // Decode strictly first: Jackson would let some ill-formed UTF-8 through and would guess UTF-16.
        String text = DeadLetter.strictUtf8(payload);
        if (text == null) {
            throw new Invalid(Reason.MALFORMED_JSON, "not valid JSON: the record is not well-formed UTF-8");
        }
        try {
            JsonNode root = mapper().readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new Invalid(Reason.MALFORMED_JSON, "empty record (only whitespace); " + REQUIRED);
            }
            return root;
        } catch (JsonProcessingException ex) {
            throw new Invalid(Reason.MALFORMED_JSON, "not valid JSON"
                    + (ex.getLocation() == null || ex.getLocation().getCharOffset() < 0 ? ""
                            : " at character " + ex.getLocation().getCharOffset())
                    + ": " + firstClause(ex.getOriginalMessage()));
        } catch (IOException ex) {
            throw new Invalid(Reason.MALFORMED_JSON, "not valid JSON: " + ex.getMessage());
        }
    }

    /** Jackson's message without its source excerpt and hints, which only repeat the payload. */
    private static String firstClause(String message) {
        String m = message == null ? "" : message;
        for (String cut : new String[] {" (start marker", "\n", " at [Source"}) {
            int i = m.indexOf(cut);
            if (i > 0) {
                m = m.substring(0, i);
            }
        }
        return m;
    }

    private static String requiredString(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new Invalid(Reason.MISSING_FIELD, "field '" + field + "' is missing; " + REQUIRED);
        }
        if (!n.isTextual()) {
            throw new Invalid(Reason.WRONG_TYPE, "field '" + field + "' must be a string, got "
                    + n.getNodeType().name().toLowerCase() + " " + n);
        }
        if (n.textValue().isBlank()) {
            throw new Invalid(Reason.MISSING_FIELD, "field '" + field + "' is empty; " + REQUIRED);
        }
        return n.textValue();
    }

    private static String optionalString(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new Invalid(Reason.WRONG_TYPE, "field '" + field + "' must be a string when present, got "
                    + n.getNodeType().name().toLowerCase() + " " + n);
        }
        return n.textValue();
    }

    private long timestamp(JsonNode root) throws Invalid {
        JsonNode n = root.get("ts");
        if (n == null || n.isNull()) {
            throw new Invalid(Reason.MISSING_FIELD, "field 'ts' is missing; " + REQUIRED);
        }
        long ts;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            ts = n.longValue();
        } else if (n.isTextual()) {
            ts = parseIso(n.textValue()).orElseThrow(() -> new Invalid(Reason.WRONG_TYPE, "field 'ts' value '"
                    + n.textValue() + "' is not an ISO-8601 instant such as 2024-11-25T01:20:00.123Z"));
        } else {
            throw new Invalid(Reason.WRONG_TYPE, "field 'ts' must be epoch milliseconds (an integer) or an "
                    + "ISO-8601 string, got " + n.getNodeType().name().toLowerCase() + " " + n);
        }
        if (ts < 0) {
            throw new Invalid(Reason.OUT_OF_RANGE, "field 'ts' is " + ts + ", before 1970; expected epoch milliseconds");
        }
        long limit = clock.millis() + maxFutureMillis;
        if (ts > limit) {
            // No clock reading in the message: a replay must produce the same dead letter.
            throw new Invalid(Reason.FUTURE_TIMESTAMP, "field 'ts' is " + Instant.ofEpochMilli(ts) + ", more than "
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

    private static Double spend(JsonNode root, EventType type) throws Invalid {
        JsonNode n = root.get("spend");
        if (n == null || n.isNull()) {
            if (type == EventType.PURCHASE) {
                throw new Invalid(Reason.MISSING_FIELD, "field 'spend' is missing; a purchase must carry its spend");
            }
            return null;
        }
        if (!n.isNumber()) {
            throw new Invalid(Reason.WRONG_TYPE, "field 'spend' must be a number, got "
                    + n.getNodeType().name().toLowerCase() + " " + n);
        }
        double spend = n.doubleValue() + 0.0;   // -0.0 becomes 0.0
        if (!(spend >= 0) || Double.isInfinite(spend)) {
            throw new Invalid(Reason.OUT_OF_RANGE, "field 'spend' is " + n + "; it must be a finite number >= 0");
        }
        return spend;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper()
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
        return mapper;
    }

    /** A validation failure; carries the reason code. Never escapes {@link #parse}. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final Reason reason;

        Invalid(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}

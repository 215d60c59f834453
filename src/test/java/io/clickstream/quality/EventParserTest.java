package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.RawRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Validation of single records, without Flink: one minimal bad input per reason, and what the dead letter keeps. */
class EventParserTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final int MAX_BYTES = 300;
    private static final Duration MAX_FUTURE = Duration.ofHours(1);
    /** The latest accepted event time: the fixed clock plus validation.max-future. */
    private static final long LIMIT = NOW.toEpochMilli() + MAX_FUTURE.toMillis();
    private static final String REQUIRED = "every event needs eventId, userId, type, url and ts";

    private final EventParser parser = new EventParser(MAX_BYTES, MAX_FUTURE, Clock.fixed(NOW, ZoneOffset.UTC));

    private ParseResult parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private ParseResult parse(byte[] payload) {
        return parser.parse(new RawRecord("file", "in.jsonl:7", payload));
    }

    /** The fields of a minimal valid view event, as raw JSON values, in order. */
    private static Map<String, String> base() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("eventId", "\"e1\"");
        m.put("userId", "\"u-1\"");
        m.put("type", "\"view\"");
        m.put("url", "\"/a\"");
        m.put("ts", "1732500000123");
        return m;
    }

    private static String json(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    /** The minimal valid event with one field set to a raw JSON value (or removed when the value is null). */
    private static String with(String field, String rawValue) {
        Map<String, String> m = base();
        if (rawValue == null) {
            m.remove(field);
        } else {
            m.put(field, rawValue);
        }
        return json(m);
    }

    private static String without(String field) {
        return with(field, null);
    }

    private static String purchase(String field, String rawValue) {
        Map<String, String> m = base();
        m.put("type", "\"purchase\"");
        m.put("url", "\"/buy\"");
        if (rawValue == null) {
            m.remove(field);
        } else {
            m.put(field, rawValue);
        }
        return json(m);
    }

    // ---------------------------------------------------------------- valid records

    @Test
    void aValidEventParsesToTheExactClickEventWithEveryField() {
        ParseResult r = parse("{\"eventId\":\"e1\",\"userId\":\"u-42\",\"sessionId\":\"s-9\",\"type\":\"purchase\","
                + "\"url\":\"/buy\",\"ts\":1732500000123,\"spend\":129.90,\"referrer\":\"google\",\"userAgent\":\"UA\"}");

        assertThat(r.isValid()).isTrue();
        assertThat(r.deadLetter()).isNull();
        assertThat(r.event()).usingRecursiveComparison().isEqualTo(new ClickEvent("e1", "u-42", "s-9",
                EventType.PURCHASE, "/buy", 1732500000123L, 129.90, "google", "UA"));
    }

    @Test
    void aMinimalValidEventLeavesTheOptionalFieldsNull() {
        ParseResult r = parse(json(base()));

        assertThat(r.isValid()).isTrue();
        assertThat(r.event()).usingRecursiveComparison().isEqualTo(new ClickEvent("e1", "u-1", null,
                EventType.VIEW, "/a", 1732500000123L, null, null, null));
    }

    @Test
    void everyWireNameMapsToItsEventType() {
        assertThat(parse(with("type", "\"view\"")).event().type).isEqualTo(EventType.VIEW);
        assertThat(parse(with("type", "\"click\"")).event().type).isEqualTo(EventType.CLICK);
        assertThat(parse(with("type", "\"add_to_cart\"")).event().type).isEqualTo(EventType.ADD_TO_CART);
        assertThat(parse(purchase("spend", "0")).event().type).isEqualTo(EventType.PURCHASE);
    }

    @Test
    void unknownExtraFieldsAreIgnored() {
        Map<String, String> m = base();
        m.put("campaign", "\"black-friday\"");
        m.put("nested", "{\"a\":[1,2,{\"b\":null}]}");
        m.put("flag", "true");

        ParseResult r = parse(json(m));

        assertThat(r.isValid()).isTrue();
        assertThat(r.event()).isEqualTo(parse(json(base())).event());
    }

    @Test
    void anIsoTimestampInUtcWithAFractionIsAccepted() {
        ParseResult r = parse(with("ts", "\"2024-11-25T00:00:01.5Z\""));

        assertThat(r.isValid()).isTrue();
        assertThat(r.event().ts).isEqualTo(Instant.parse("2024-11-25T00:00:01.500Z").toEpochMilli())
                .isEqualTo(1732492801500L);
    }

    @Test
    void anIsoTimestampWithAnOffsetIsConvertedToUtc() {
        ParseResult r = parse(with("ts", "\"2024-11-25T09:00:00+09:00\""));

        assertThat(r.isValid()).isTrue();
        assertThat(r.event().ts).isEqualTo(Instant.parse("2024-11-25T00:00:00Z").toEpochMilli())
                .isEqualTo(1732492800000L);
    }

    @Test
    void aNonPurchaseWithoutSpendHasSpendNull() {
        for (String type : new String[] {"view", "click", "add_to_cart"}) {
            ParseResult r = parse(with("type", "\"" + type + "\""));
            assertThat(r.isValid()).as(type).isTrue();
            assertThat(r.event().spend).as(type).isNull();
        }
    }

    @Test
    void aPurchaseOfZeroIsValid() {
        ParseResult r = parse(purchase("spend", "0"));

        assertThat(r.isValid()).isTrue();
        assertThat(r.event().spend).isEqualTo(0.0);
    }

    @Test
    void aTimestampExactlyAtTheFutureLimitIsStillValid() {
        ParseResult r = parse(with("ts", String.valueOf(LIMIT)));

        assertThat(r.isValid()).isTrue();
        assertThat(r.event().ts).isEqualTo(LIMIT);
    }

    @Test
    void aRecordOfExactlyMaxRecordBytesIsNotOversized() {
        String prefix = json(base());
        String padded = prefix.substring(0, prefix.length() - 1) + ",\"userAgent\":\"\"}";
        String exact = padded.replace("\"userAgent\":\"\"", "\"userAgent\":\"" + "x".repeat(MAX_BYTES - padded.length()) + "\"");
        assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BYTES);

        assertThat(parse(exact).isValid()).isTrue();
        assertThat(parse(exact.replace("\"userAgent\":\"x", "\"userAgent\":\"xx")).deadLetter().reason)
                .isEqualTo(Reason.OVERSIZED);
    }

    // ---------------------------------------------------------------- one minimal bad input per reason

    static Stream<Arguments> badRecords() {
        return Stream.of(
                // MALFORMED_JSON
                arguments("truncated JSON", Reason.MALFORMED_JSON, "{\"eventId\":\"e1\"", "not valid JSON at character "),
                arguments("empty payload", Reason.MALFORMED_JSON, "", "empty record; " + REQUIRED),
                arguments("trailing garbage", Reason.MALFORMED_JSON, json(base()) + " trailing", "not valid JSON at character "),
                arguments("a second object", Reason.MALFORMED_JSON, json(base()) + "{}", "Trailing token"),
                arguments("duplicate keys", Reason.MALFORMED_JSON,
                        json(base()).replace("{", "{\"eventId\":\"e0\","), "Duplicate field 'eventId'"),
                // NOT_AN_OBJECT
                arguments("array", Reason.NOT_AN_OBJECT, "[1,2,3]", "expected a JSON object, got array; " + REQUIRED),
                arguments("number", Reason.NOT_AN_OBJECT, "42", "expected a JSON object, got number; " + REQUIRED),
                // MISSING_FIELD: absent
                arguments("eventId absent", Reason.MISSING_FIELD, without("eventId"), "field 'eventId' is missing; " + REQUIRED),
                arguments("userId absent", Reason.MISSING_FIELD, without("userId"), "field 'userId' is missing; " + REQUIRED),
                arguments("type absent", Reason.MISSING_FIELD, without("type"), "field 'type' is missing; " + REQUIRED),
                arguments("url absent", Reason.MISSING_FIELD, without("url"), "field 'url' is missing; " + REQUIRED),
                arguments("ts absent", Reason.MISSING_FIELD, without("ts"), "field 'ts' is missing; " + REQUIRED),
                // MISSING_FIELD: null
                arguments("eventId null", Reason.MISSING_FIELD, with("eventId", "null"), "field 'eventId' is missing; " + REQUIRED),
                arguments("userId null", Reason.MISSING_FIELD, with("userId", "null"), "field 'userId' is missing; " + REQUIRED),
                arguments("type null", Reason.MISSING_FIELD, with("type", "null"), "field 'type' is missing; " + REQUIRED),
                arguments("url null", Reason.MISSING_FIELD, with("url", "null"), "field 'url' is missing; " + REQUIRED),
                arguments("ts null", Reason.MISSING_FIELD, with("ts", "null"), "field 'ts' is missing; " + REQUIRED),
                // MISSING_FIELD: blank
                arguments("eventId empty", Reason.MISSING_FIELD, with("eventId", "\"\""), "field 'eventId' is empty; " + REQUIRED),
                arguments("userId blank", Reason.MISSING_FIELD, with("userId", "\" \""), "field 'userId' is empty; " + REQUIRED),
                arguments("type blank", Reason.MISSING_FIELD, with("type", "\"\\t\""), "field 'type' is empty; " + REQUIRED),
                arguments("url blank", Reason.MISSING_FIELD, with("url", "\"  \""), "field 'url' is empty; " + REQUIRED),
                // MISSING_FIELD: purchase without spend
                arguments("purchase without spend", Reason.MISSING_FIELD, purchase("spend", null),
                        "field 'spend' is missing; a purchase must carry its spend"),
                arguments("purchase with spend null", Reason.MISSING_FIELD, purchase("spend", "null"),
                        "field 'spend' is missing; a purchase must carry its spend"),
                // WRONG_TYPE
                arguments("ts boolean", Reason.WRONG_TYPE, with("ts", "true"),
                        "field 'ts' must be epoch milliseconds (an integer) or an ISO-8601 string, got boolean true"),
                arguments("ts 1.5", Reason.WRONG_TYPE, with("ts", "1.5"),
                        "field 'ts' must be epoch milliseconds (an integer) or an ISO-8601 string, got number 1.5"),
                arguments("ts unparseable string", Reason.WRONG_TYPE, with("ts", "\"yesterday\""),
                        "field 'ts' value 'yesterday' is not an ISO-8601 instant such as 2024-11-25T01:20:00.123Z"),
                arguments("userId number", Reason.WRONG_TYPE, with("userId", "7"), "field 'userId' must be a string, got number 7"),
                arguments("referrer number", Reason.WRONG_TYPE, with("referrer", "3"),
                        "field 'referrer' must be a string when present, got number 3"),
                arguments("spend string", Reason.WRONG_TYPE, purchase("spend", "\"9\""), "field 'spend' must be a number, got string \"9\""),
                // OUT_OF_RANGE
                arguments("negative spend", Reason.OUT_OF_RANGE, purchase("spend", "-0.01"),
                        "field 'spend' is -0.01; it must be a finite number >= 0"),
                arguments("negative ts", Reason.OUT_OF_RANGE, with("ts", "-5"),
                        "field 'ts' is -5, before 1970; expected epoch milliseconds"),
                // UNKNOWN_EVENT_TYPE
                arguments("type hover", Reason.UNKNOWN_EVENT_TYPE, with("type", "\"hover\""),
                        "type 'hover' is unknown; expected one of view | click | add_to_cart | purchase"),
                // FUTURE_TIMESTAMP
                arguments("ts one ms beyond the limit", Reason.FUTURE_TIMESTAMP, with("ts", String.valueOf(LIMIT + 1)),
                        "field 'ts' is 2026-01-01T01:00:00.001Z, more than 1 h ahead of the wall clock (validation.max-future)"),
                arguments("ISO ts beyond the limit", Reason.FUTURE_TIMESTAMP, with("ts", "\"2026-01-01T02:00:00Z\""),
                        "field 'ts' is 2026-01-01T02:00:00Z, more than 1 h ahead of the wall clock"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badRecords")
    void eachBadInputIsDeadLetteredWithItsReasonAndAMessageNamingTheProblem(
            String label, Reason reason, String json, String messageFragment) {
        ParseResult r = parse(json);

        assertThat(r.isValid()).isFalse();
        assertThat(r.event()).isNull();
        DeadLetter d = r.deadLetter();
        assertThat(d.reason).isEqualTo(reason);
        assertThat(d.message).contains(messageFragment);
        assertThat(d.source).isEqualTo("file");
        assertThat(d.origin).isEqualTo("in.jsonl:7");
        assertThat(d.payload).isEqualTo(json);
        assertThat(d.payloadEncoding).isEqualTo("utf-8");
        assertThat(d.payloadBytes).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length);
        assertThat(d.rawBytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theEmptyPayloadMessageIsExact() {
        DeadLetter d = parse("").deadLetter();

        assertThat(d.reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(d.message).isEqualTo("empty record; " + REQUIRED);
        assertThat(d.payload).isEmpty();
        assertThat(d.payloadBytes).isZero();
    }

    @Test
    void malformedJsonMessagesGiveTheByteOffsetWithoutEchoingThePayload() {
        DeadLetter d = parse("{\"eventId\":\"e1\",\"eventId\":\"e2\"}").deadLetter();

        assertThat(d.reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(d.message).startsWith("not valid JSON at character ").contains("Duplicate field 'eventId'")
                .doesNotContain("[Source").doesNotContain("\n");
    }

    @Test
    void aPayloadLongerThanMaxRecordBytesIsOversizedEvenIfItIsNotJson() {
        String big = "x".repeat(MAX_BYTES + 1);

        DeadLetter d = parse(big).deadLetter();

        assertThat(d.reason).isEqualTo(Reason.OVERSIZED);
        assertThat(d.message).isEqualTo("record is 301 bytes; the limit is 300 (validation.max-record-bytes)");
        assertThat(d.payloadBytes).isEqualTo(301);
        assertThat(d.payload).isEqualTo(big);
        assertThat(d.payloadEncoding).isEqualTo("utf-8");
    }

    @Test
    void anOversizedValidEventIsRejected() {
        String big = with("userAgent", "\"" + "x".repeat(MAX_BYTES) + "\"");

        DeadLetter d = parse(big).deadLetter();

        assertThat(d.reason).isEqualTo(Reason.OVERSIZED);
        assertThat(d.payloadBytes).isEqualTo(big.length());
        assertThat(d.message).contains(big.length() + " bytes").contains("limit is 300");
    }

    @Test
    void theFutureLimitFollowsTheClock() {
        String json = with("ts", String.valueOf(LIMIT + 1));
        EventParser later = new EventParser(MAX_BYTES, MAX_FUTURE, Clock.fixed(NOW.plusMillis(1), ZoneOffset.UTC));

        assertThat(parse(json).deadLetter().reason).isEqualTo(Reason.FUTURE_TIMESTAMP);
        assertThat(later.parse(new RawRecord("file", "in.jsonl:7", json.getBytes(StandardCharsets.UTF_8))).isValid()).isTrue();
    }

    // ---------------------------------------------------------------- what the dead letter keeps

    @Test
    void theDeadLetterKeepsSourceOriginAndTheTextWithItsByteCount() {
        // Multi-byte characters: the byte count differs from the character count.
        String json = with("type", "\"hövér\"");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isGreaterThan(json.length());

        DeadLetter d = parser.parse(new RawRecord("kinesis", "clicks/shardId-000000000001/4960", bytes)).deadLetter();

        assertThat(d.reason).isEqualTo(Reason.UNKNOWN_EVENT_TYPE);
        assertThat(d.message).contains("'hövér'");
        assertThat(d.source).isEqualTo("kinesis");
        assertThat(d.origin).isEqualTo("clicks/shardId-000000000001/4960");
        assertThat(d.payloadEncoding).isEqualTo("utf-8");
        assertThat(d.payload).isEqualTo(json);
        assertThat(d.payloadBytes).isEqualTo(bytes.length);
        assertThat(d.rawBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FF inside the object", "C3 28 (bad continuation byte)", "latin-1 e-acute in a value"})
    void bytesThatAreNotUtf8AreMalformedAndKeptAsBase64(String variant) {
        byte[] raw;
        switch (variant) {
            case "FF inside the object":
                raw = new byte[] {'{', '"', 'a', '"', ':', (byte) 0xFF, (byte) 0xFE, '}'};
                break;
            case "C3 28 (bad continuation byte)":
                raw = new byte[] {(byte) 0xC3, (byte) 0x28, '{', (byte) 0xFF, (byte) 0xFE, '}'};
                break;
            default:
                raw = with("eventId", "\"caf\u00e9\"").getBytes(StandardCharsets.ISO_8859_1);
        }

        DeadLetter d = parser.parse(new RawRecord("kinesis", "clicks/shard-1/42", raw.clone())).deadLetter();

        assertThat(d.reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(d.message).startsWith("not valid JSON");
        assertThat(d.source).isEqualTo("kinesis");
        assertThat(d.origin).isEqualTo("clicks/shard-1/42");
        assertThat(d.payloadEncoding).isEqualTo("base64");
        assertThat(d.payload).isEqualTo(Base64.getEncoder().encodeToString(raw));
        assertThat(d.payloadBytes).isEqualTo(raw.length);
        assertThat(d.rawBytes()).isEqualTo(raw);
    }

    @Test
    void parsingIsAPureFunctionOfTheRecord() {
        String json = with("type", "\"hover\"");

        assertThat(parse(json).deadLetter()).isEqualTo(parse(json).deadLetter());
        assertThat(parse(json(base())).event()).isEqualTo(parse(json(base())).event());
    }

    /** Ill-formed UTF-8 that a lenient decoder accepts, UTF-16 text and whitespace-only records are all malformed. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"EDA080", "C080", "C1BF", "F4908080"})
    void illFormedUtf8InsideAStringIsMalformed(String hex) {
        byte[] bad = new java.math.BigInteger(hex, 16).toByteArray();
        bad = java.util.Arrays.copyOfRange(bad, bad.length - hex.length() / 2, bad.length);
        String head = "{\"eventId\":\"";
        String tail = "\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":1}";
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(bad);
        b.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        DeadLetter d = new EventParser(1 << 20, java.time.Duration.ofHours(1),
                java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
                .parse(new RawRecord("file", "f:1", b.toByteArray())).deadLetter();
        assertThat(d).isNotNull();
        assertThat(d.reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(d.payloadEncoding).isEqualTo("base64");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"UTF-16LE", "UTF-16BE"})
    void utf16TextIsMalformed(String charset) {
        byte[] raw = "{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":1}"
                .getBytes(java.nio.charset.Charset.forName(charset));
        DeadLetter d = new EventParser(1 << 20, java.time.Duration.ofHours(1),
                java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
                .parse(new RawRecord("file", "f:1", raw)).deadLetter();
        assertThat(d).isNotNull();
        assertThat(d.reason).isEqualTo(Reason.MALFORMED_JSON);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"   ", "\r", " \t "})
    void aWhitespaceOnlyRecordIsMalformed(String text) {
        DeadLetter d = new EventParser(1 << 20, java.time.Duration.ofHours(1), java.time.Clock.systemUTC())
                .parse(new RawRecord("file", "f:1", text.getBytes(StandardCharsets.UTF_8))).deadLetter();
        assertThat(d.reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(d.message).startsWith("empty record");
    }
}

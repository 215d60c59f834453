package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.RawRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Validation of single records, without Flink. */
class EventParserTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final EventParser parser = new EventParser(300, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

    private ParseResult parse(String json) {
        return parser.parse(new RawRecord("file", "in.jsonl:7", json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String event(String fields) {
        return "{\"eventId\":\"e1\",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/a\",\"ts\":1732500000123" + fields + "}";
    }

    @Test
    void aValidEventParsesToEveryField() {
        ParseResult r = parse("{\"eventId\":\"e1\",\"userId\":\"u-42\",\"sessionId\":\"s-9\",\"type\":\"purchase\","
                + "\"url\":\"/buy\",\"ts\":1732500000123,\"spend\":129.90,\"referrer\":\"google\",\"userAgent\":\"UA\","
                + "\"campaign\":\"ignored\"}");

        assertThat(r.isValid()).isTrue();
        assertThat(r.event()).isEqualTo(new ClickEvent("e1", "u-42", "s-9", EventType.PURCHASE, "/buy",
                1732500000123L, 129.90, "google", "UA"));
    }

    @Test
    void isoTimestampsAreAcceptedWithZoneOrOffset() {
        assertThat(parse(event("").replace("1732500000123", "\"2024-11-25T00:00:01.5Z\"")).event().ts)
                .isEqualTo(Instant.parse("2024-11-25T00:00:01.500Z").toEpochMilli());
        assertThat(parse(event("").replace("1732500000123", "\"2024-11-25T09:00:00+09:00\"")).event().ts)
                .isEqualTo(Instant.parse("2024-11-25T00:00:00Z").toEpochMilli());
    }

    @Test
    void aNonPurchaseWithoutSpendHasNoSpend() {
        assertThat(parse(event("")).event().spend).isNull();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "MALFORMED_JSON|{\"eventId\":\"e1\"",
        "MALFORMED_JSON|{\"eventId\":\"e1\"} trailing",
        "MALFORMED_JSON|{\"eventId\":\"e1\",\"eventId\":\"e2\"}",
        "NOT_AN_OBJECT|[1,2,3]",
        "NOT_AN_OBJECT|42",
        "MISSING_FIELD|{\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":1}",
        "MISSING_FIELD|{\"eventId\":\"e\",\"userId\":null,\"type\":\"view\",\"url\":\"/\",\"ts\":1}",
        "MISSING_FIELD|{\"eventId\":\"e\",\"userId\":\" \",\"type\":\"view\",\"url\":\"/\",\"ts\":1}",
        "MISSING_FIELD|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"ts\":1}",
        "MISSING_FIELD|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\"}",
        "MISSING_FIELD|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"purchase\",\"url\":\"/\",\"ts\":1}",
        "WRONG_TYPE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":true}",
        "WRONG_TYPE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":1.5}",
        "WRONG_TYPE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":\"yesterday\"}",
        "WRONG_TYPE|{\"eventId\":\"e\",\"userId\":7,\"type\":\"view\",\"url\":\"/\",\"ts\":1}",
        "WRONG_TYPE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":1,\"referrer\":3}",
        "WRONG_TYPE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"purchase\",\"url\":\"/\",\"ts\":1,\"spend\":\"9\"}",
        "OUT_OF_RANGE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"purchase\",\"url\":\"/\",\"ts\":1,\"spend\":-0.01}",
        "OUT_OF_RANGE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":-5}",
        "UNKNOWN_EVENT_TYPE|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"hover\",\"url\":\"/\",\"ts\":1}",
        "FUTURE_TIMESTAMP|{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"view\",\"url\":\"/\",\"ts\":1767229200001}",
    })
    void badRecordsGetTheirReason(Reason reason, String json) {
        ParseResult r = parse(json);

        assertThat(r.isValid()).isFalse();
        assertThat(r.deadLetter().reason).isEqualTo(reason);
        assertThat(r.deadLetter().payload).isEqualTo(json);
        assertThat(r.deadLetter().payloadEncoding).isEqualTo("utf-8");
        assertThat(r.deadLetter().origin).isEqualTo("in.jsonl:7");
        assertThat(r.deadLetter().source).isEqualTo("file");
    }

    @Test
    void messagesNameTheFieldAndTheValue() {
        assertThat(parse(event("").replace("\"view\"", "\"hover\"")).deadLetter().message)
                .isEqualTo("type 'hover' is unknown; expected one of view | click | add_to_cart | purchase");
        assertThat(parse("{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"purchase\",\"url\":\"/\",\"ts\":1,\"spend\":-3}")
                .deadLetter().message).isEqualTo("field 'spend' is -3; it must be a finite number >= 0");
    }

    @Test
    void aTimestampExactlyAtTheFutureLimitIsValid() {
        long limit = NOW.toEpochMilli() + Duration.ofHours(1).toMillis();
        assertThat(parse(event("").replace("1732500000123", String.valueOf(limit))).isValid()).isTrue();
        assertThat(parse(event("").replace("1732500000123", String.valueOf(limit + 1))).deadLetter().reason)
                .isEqualTo(Reason.FUTURE_TIMESTAMP);
    }

    @Test
    void anOversizedRecordIsRejectedBeforeParsing() {
        String big = event(",\"userAgent\":\"" + "x".repeat(300) + "\"");
        ParseResult r = parse(big);
        assertThat(r.deadLetter().reason).isEqualTo(Reason.OVERSIZED);
        assertThat(r.deadLetter().payloadBytes).isEqualTo(big.length());
        assertThat(r.deadLetter().message).contains(big.length() + " bytes").contains("limit is 300");
    }

    @Test
    void bytesThatAreNotUtf8AreKeptAsBase64() {
        byte[] raw = {'{', '"', 'a', '"', ':', (byte) 0xFF, (byte) 0xFE, '}'};
        DeadLetter d = parser.parse(new RawRecord("kinesis", "clicks/shard-1/42", raw)).deadLetter();

        assertThat(d.reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(d.payloadEncoding).isEqualTo("base64");
        assertThat(d.rawBytes()).isEqualTo(raw);
        assertThat(d.payloadBytes).isEqualTo(raw.length);
    }

    @Test
    void anEmptyRecordIsMalformed() {
        assertThat(parse("").deadLetter().message).startsWith("empty record");
    }
}

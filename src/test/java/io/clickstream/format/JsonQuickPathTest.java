package io.clickstream.format;

import io.clickstream.event.RawRecord;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.ParseResult;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON decoder's quick path gives the same result as the strict path alone: the same event for a valid
 * record, the same reason and message for an invalid one (which the strict path decides).
 */
class JsonQuickPathTest {
    private static final Instant NOW = Instant.parse("2024-11-25T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private final EventParser quick = new EventParser(4096, Duration.ofHours(1), CLOCK, new JsonDecoder(true));
    private final EventParser strict = new EventParser(4096, Duration.ofHours(1), CLOCK, new JsonDecoder(false));

    private static RawRecord raw(byte[] payload) {
        return new RawRecord("test", "t-0", payload);
    }

    private void assertSameResult(byte[] payload) {
        ParseResult q = quick.parse(raw(payload));
        ParseResult s = strict.parse(raw(payload));
        String what = new String(payload, StandardCharsets.UTF_8);
        assertThat(q.isValid()).as(what).isEqualTo(s.isValid());
        if (s.isValid()) {
            assertThat(q.event()).as(what).isEqualTo(s.event());
            assertThat(q.event().spend).as(what).isEqualTo(s.event().spend);
        } else {
            assertThat(q.deadLetter()).as(what).isEqualTo(s.deadLetter());
        }
    }

    @Test
    void generatedRecordsParseTheSameEitherWay() {
        // 2 % malformed of every kind the generator makes, duplicates, disorder, late events.
        EventGenerator g = new EventGenerator(new GeneratorSettings(7, 500, NOW.toEpochMilli() - 3_600_000, 100, 0.2,
                Duration.ofSeconds(8), 0.01, Duration.ofMinutes(2), Duration.ofSeconds(10), 0.02, 0.02));
        int valid = 0;
        int quickly = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] payload = g.next().payload;
            assertSameResult(payload);
            if (strict.parse(raw(payload)).isValid()) {
                valid++;
                if (new JsonDecoder().decodeQuick(payload) != null) {
                    quickly++;
                }
            }
        }
        assertThat(valid).isGreaterThan(45_000);
        assertThat(quickly).as("valid generated records read by the quick path").isEqualTo(valid);
    }

    private static final String VIEW = "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/home\",\"ts\":1732536000000";

    @ParameterizedTest
    @ValueSource(strings = {
            VIEW + "}",
            VIEW + ",\"spend\":null,\"sessionId\":null}",
            VIEW + ",\"referrer\":\"a \\\"quoted\\\" \\u00e9 \\\\ value\"}",
            "{\"eventId\":\"e-2\",\"userId\":\"u-1\",\"type\":\"purchase\",\"url\":\"/buy\",\"ts\":1732536000000,\"spend\":19.99}",
            "{\"eventId\":\"e-2\",\"userId\":\"u-1\",\"type\":\"purchase\",\"url\":\"/buy\",\"ts\":1732536000000,\"spend\":20}",
            "{\"eventId\":\"e-2\",\"userId\":\"u-1\",\"type\":\"purchase\",\"url\":\"/buy\",\"ts\":1732536000000,\"spend\":1.5e2}",
            "{\"eventId\":\"e-2\",\"userId\":\"u-1\",\"type\":\"purchase\",\"url\":\"/buy\",\"ts\":1732536000000,\"spend\":-0.0}",
            "{\"eventId\":\"e-3\",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":\"2024-11-25T12:00:00.123Z\"}",
            VIEW + ",\"referrer\":\"a\u007fb\"}",
            "  \t\r\n" + VIEW + "}  \n"})
    void validRecordsAreReadQuicklyAndAlike(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        assertThat(new JsonDecoder().decodeQuick(payload)).as(json).isNotNull();
        assertThat(strict.parse(raw(payload)).isValid()).as(json).isTrue();
        assertSameResult(payload);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            VIEW + ",\"userId\":\"u-2\"}",                                   // duplicate key
            VIEW + ",\"spend\":null,\"spend\":null}",
            VIEW + ",\"extra\":1,\"extra\":2}",
            VIEW + ",\"extra\":{\"nested\":[1,2,{\"x\":true}]},\"flag\":false}",   // fields the rules do not read
            VIEW + ",\"referrer\":\"a\u007fb\",\"userAgent\":\"tab\there\"}",
            VIEW + "} {}",                                                   // trailing tokens
            VIEW + "}}",
            VIEW + ",\"url\":\"/caf\u00e9\"}",                               // not ASCII (valid UTF-8)
            VIEW + ",\"referrer\":true}",                                    // boolean in a field the rules read
            VIEW + ",\"sessionId\":{\"a\":1}}",                              // object in a field the rules read
            "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":123456789012345678901234}",
            "[" + VIEW + "}]",
            VIEW,                                                            // unterminated
            "",
            "   "})
    void anythingElseIsLeftToTheStrictPathWithTheSameOutcome(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        assertThat(new JsonDecoder().decodeQuick(payload)).as(json).isNull();
        assertSameResult(payload);
    }

    @Test
    void plainAsciiLooksAtEveryByteOfEveryLength() {
        assertThat(JsonDecoder.plainAscii(new byte[0])).isFalse();
        for (int length = 1; length <= 20; length++) {
            for (int at = 0; at < length; at++) {
                byte[] b = new byte[length];
                java.util.Arrays.fill(b, (byte) 'a');
                for (byte bad : new byte[] {(byte) 0x80, (byte) 0xC3, (byte) 0xFF, 0x00, 0x01, 0x08, 0x1F}) {
                    b[at] = bad;
                    assertThat(JsonDecoder.plainAscii(b)).as("0x%02x at %d of %d", bad, at, length).isFalse();
                }
                for (byte fine : new byte[] {'\n', '\r', '\t', ' ', '~', 0x7F}) {
                    b[at] = fine;
                    assertThat(JsonDecoder.plainAscii(b)).as("0x%02x at %d of %d", fine, at, length).isTrue();
                }
            }
        }
    }

    @Test
    void invalidRecordsTheQuickPathReadsGetTheStrictPathsReasonAndMessage() {
        for (String json : new String[] {
                "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":-5}",
                "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"purchase\",\"url\":\"/\",\"ts\":5,\"spend\":-1.50}",
                "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"purchase\",\"url\":\"/\",\"ts\":5,\"spend\":1e400}",
                "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":1.5}",
                "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"teleport\",\"url\":\"/\",\"ts\":5}",
                "{\"eventId\":\" \",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":5}",
                "{\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":5}",
                "{\"eventId\":7,\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":5}",
                "{\"eventId\":\"e-1\",\"userId\":\"u-1\",\"type\":\"view\",\"url\":\"/\",\"ts\":99999999999999}"}) {
            byte[] payload = json.getBytes(StandardCharsets.UTF_8);
            assertThat(new JsonDecoder().decodeQuick(payload)).as(json).isNotNull();
            assertThat(strict.parse(raw(payload)).isValid()).as(json).isFalse();
            assertSameResult(payload);
        }
    }

    /**
     * The decoder's own scan of the bytes and Jackson's streaming parser read the same values, or the scan gives up:
     * checked on generated records and on thousands of mutations of them (bytes cut, repeated, swapped for JSON's
     * punctuation, digits, letters and escapes), where a record the scan takes must be JSON that Jackson reads alike.
     */
    @Test
    void theScanReadsWhatJacksonReadsOrGivesUp() {
        EventGenerator g = new EventGenerator(new GeneratorSettings(11, 500, NOW.toEpochMilli() - 3_600_000, 100, 0.2,
                Duration.ofSeconds(8), 0.01, Duration.ofMinutes(2), Duration.ofSeconds(10), 0.02, 0.02));
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        byte[] alphabet = "{}[]:,\"\\ \t\n-+.0123456789eEnultrfase/u".getBytes(StandardCharsets.US_ASCII);
        JsonDecoder decoder = new JsonDecoder();
        int scanned = 0;
        int mutantsScanned = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = g.next().payload;
            for (int m = 0; m < 4; m++) {
                byte[] b = m == 0 ? payload : mutate(payload, rng, alphabet);
                if (!JsonDecoder.plainAscii(b)) {
                    continue;
                }
                FieldValue[] scan = JsonDecoder.scan(b);
                if (scan == null) {
                    continue;
                }
                scanned++;
                if (m > 0) {
                    mutantsScanned++;
                }
                FieldValue[] jackson = decoder.readStreaming(b);
                String what = new String(b, StandardCharsets.US_ASCII);
                assertThat(jackson).as(what).isNotNull();
                for (int f = 0; f < scan.length; f++) {
                    assertThat(describe(scan[f])).as(what).isEqualTo(describe(jackson[f]));
                }
                assertSameResult(b);
            }
        }
        assertThat(scanned).isGreaterThan(19_000);
        assertThat(mutantsScanned).as("mutants the scan took, each checked against Jackson").isGreaterThan(5_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            VIEW + ",\"referrer\":\"a \\\"q\\\" b\"}",        // escapes: Jackson's streaming reading
            VIEW + ",\"spend\":01}",                              // leading zero
            VIEW + ",\"spend\":1.}",
            VIEW + ",\"spend\":.5}",
            VIEW + ",\"spend\":1e}",
            VIEW + ",\"spend\":-}",
            VIEW + ",\"spend\":1234567890123456789}",             // may not fit a long
            VIEW + ",\"spend\":nul}",
            VIEW + ",\"spend\":nullx}",
            VIEW + ",\"spend\":true}",
            VIEW + " x}",
            "{\"event\\u0049d\":\"e-1\"}"})
    void theScanGivesUpOnAnythingButPlainStringsNumbersAndNulls(String json) {
        assertThat(JsonDecoder.scan(json.getBytes(StandardCharsets.US_ASCII))).as(json).isNull();
        assertSameResult(json.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theScanReadsNumbersAsJsonWritesThem() {
        String[] numbers = {"0", "-0", "7", "-12", "123456789012345678", "-123456789012345678", "0.5", "-0.0", "1e3",
                "1E-3", "2.5e+2", "19.99", "1e400", "4.9e-325"};
        for (String number : numbers) {
            byte[] b = (VIEW + ",\"spend\":" + number + "}").getBytes(StandardCharsets.US_ASCII);
            FieldValue[] scan = JsonDecoder.scan(b);
            assertThat(scan).as(number).isNotNull();
            assertThat(describe(scan[6])).as(number).isEqualTo(describe(new JsonDecoder().readStreaming(b)[6]));
        }
    }

    private static String describe(FieldValue v) {
        return v == null ? "absent" : v.typeName() + " " + v.literal();
    }

    private static byte[] mutate(byte[] payload, java.util.SplittableRandom rng, byte[] alphabet) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int at = rng.nextInt(payload.length);
        int kind = rng.nextInt(4);
        out.write(payload, 0, at);
        switch (kind) {
            case 0:                                   // one byte replaced
                out.write(alphabet[rng.nextInt(alphabet.length)]);
                out.write(payload, at + 1, payload.length - at - 1);
                break;
            case 1:                                   // one byte inserted
                out.write(alphabet[rng.nextInt(alphabet.length)]);
                out.write(payload, at, payload.length - at);
                break;
            case 2:                                   // a few bytes cut
                int cut = Math.min(payload.length - at, 1 + rng.nextInt(4));
                out.write(payload, at + cut, payload.length - at - cut);
                break;
            default:                                  // a stretch repeated
                int len = Math.min(payload.length - at, 1 + rng.nextInt(12));
                out.write(payload, at, len);
                out.write(payload, at, payload.length - at);
        }
        return out.toByteArray();
    }
}

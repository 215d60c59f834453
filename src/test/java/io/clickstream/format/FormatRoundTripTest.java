package io.clickstream.format;

import io.clickstream.event.RawRecord;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.ParseResult;
import io.clickstream.quality.Reason;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratedRecord;
import io.clickstream.source.GeneratedRecordEncoder;
import io.clickstream.source.GeneratorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator's records re-encoded in each binary format decode to exactly the events the JSON path gives. */
class FormatRoundTripTest {
    static final Instant NOW = Instant.parse("2024-11-25T12:00:00Z");
    static final GeneratorSettings SETTINGS = new GeneratorSettings(11, 300, Instant.parse("2024-11-25T00:00:00Z").toEpochMilli(),
            100, 0.2, Duration.ofSeconds(8), 0.02, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.05, 0.10);

    static EventParser parser(InputFormat format) {
        return new EventParser(1 << 20, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC), RecordDecoder.forFormat(format));
    }

    @ParameterizedTest
    @EnumSource(value = InputFormat.class, names = {"AVRO", "PROTOBUF"})
    void generatedRecordsDecodeToTheSameEventsAsJson(InputFormat format) {
        EventParser json = parser(InputFormat.JSON);
        EventParser binary = parser(format);
        EventGenerator generator = new EventGenerator(SETTINGS);
        GeneratedRecordEncoder encoder = new GeneratedRecordEncoder(format);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        int valid = 0;
        for (int i = 0; i < 4000; i++) {
            GeneratedRecord original = generator.next();
            GeneratedRecord encoded = encoder.encode(original);
            assertThat(encoded.kind).isEqualTo(original.kind);
            assertThat(encoded.eventId).isEqualTo(original.eventId);
            assertThat(encoded.late).isEqualTo(original.late);
            ParseResult fromJson = json.parse(new RawRecord("generator", "#" + i, original.payload));
            ParseResult decoded = binary.parse(new RawRecord("generator", "#" + i, encoded.payload));
            if (original.kind == GeneratedRecord.Kind.MALFORMED) {
                assertThat(decoded.isValid()).as("record %d", i).isFalse();
                assertThat(decoded.deadLetter().reason).as("record %d: %s", i, decoded.deadLetter().message)
                        .isEqualTo(encoded.expectedReason);
                reasons.merge(encoded.expectedReason, 1, Integer::sum);
                if (original.expectedReason == Reason.OUT_OF_RANGE || original.expectedReason == Reason.UNKNOWN_EVENT_TYPE
                        || original.expectedReason == Reason.FUTURE_TIMESTAMP) {
                    // The shared rules: the same message whatever the format.
                    assertThat(decoded.deadLetter().message).isEqualTo(fromJson.deadLetter().message);
                }
            } else {
                assertThat(fromJson.isValid()).isTrue();
                assertThat(decoded.isValid()).as("record %d: %s", i, decoded.deadLetter()).isTrue();
                assertThat(decoded.event()).as("record %d", i).usingRecursiveComparison().isEqualTo(fromJson.event());
                valid++;
            }
        }
        assertThat(valid).isGreaterThan(3000);
        assertThat(reasons.keySet()).containsExactlyInAnyOrder(Reason.UNDECODABLE, Reason.SCHEMA_MISMATCH,
                Reason.MISSING_FIELD, Reason.OUT_OF_RANGE, Reason.UNKNOWN_EVENT_TYPE, Reason.FUTURE_TIMESTAMP);
    }

    @ParameterizedTest
    @EnumSource(value = InputFormat.class, names = {"AVRO", "PROTOBUF"})
    void theSameRecordAlwaysEncodesToTheSameBytes(InputFormat format) {
        EventGenerator a = new EventGenerator(SETTINGS);
        EventGenerator b = new EventGenerator(SETTINGS);
        GeneratedRecordEncoder ea = new GeneratedRecordEncoder(format);
        GeneratedRecordEncoder eb = new GeneratedRecordEncoder(format);
        for (int i = 0; i < 500; i++) {
            assertThat(eb.encode(b.next()).payload).as("record %d", i).isEqualTo(ea.encode(a.next()).payload);
        }
    }

    @Test
    void jsonIsLeftAsTheGeneratorWroteIt() {
        EventGenerator a = new EventGenerator(SETTINGS);
        EventGenerator b = new EventGenerator(SETTINGS);
        GeneratedRecordEncoder json = new GeneratedRecordEncoder(InputFormat.JSON);
        for (int i = 0; i < 200; i++) {
            GeneratedRecord original = a.next();
            GeneratedRecord encoded = json.encode(b.next());
            assertThat(encoded.payload).isEqualTo(original.payload);
            assertThat(encoded.expectedReason).isEqualTo(original.expectedReason);
        }
    }
}

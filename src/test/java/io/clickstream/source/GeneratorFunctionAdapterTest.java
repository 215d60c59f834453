package io.clickstream.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.event.RawRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorFunctionAdapterTest {
    private static final long START = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 1,000 events per second of event time, no disorder, lateness, duplicates or malformed records. */
    private static GeneratorSettings plain(boolean startsNow) {
        return new GeneratorSettings(42, 100, START, 1000, 0, Duration.ofSeconds(8), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(10), 0, 0).startingAt(START, startsNow);
    }

    @Test
    void aRestoredRunWhoseStartWasNowGoesOnFromTheWallClock() {
        long now = START + 5 * 60_000;   // the restored job was built at START, its first record comes 5 min later
        // an hour of records generated before the restore: record 3,600,000 gets the time of its restore, not START + 1 h
        assertThat(GeneratorFunctionAdapter.startAfterRestore(plain(true), 3_600_000, now)).isEqualTo(now - 3_600_000);
    }

    @Test
    void aFreshRunAndAFixedStartKeepTheirStart() {
        assertThat(GeneratorFunctionAdapter.startAfterRestore(plain(true), 0, START + 60_000)).isEqualTo(START);
        assertThat(GeneratorFunctionAdapter.startAfterRestore(plain(false), 3_600_000, START + 60_000)).isEqualTo(START);
    }

    @Test
    void theAdaptersFirstRecordAfterARestoreCarriesTheWallClock() throws Exception {
        GeneratorFunctionAdapter restored = new GeneratorFunctionAdapter(plain(true));
        restored.open(null);
        long before = System.currentTimeMillis();
        long ts = ts(restored.map(3_600_000L));
        long next = ts(restored.map(3_601_000L));
        long after = System.currentTimeMillis();

        assertThat(ts).isBetween(before, after);   // START + 1 h without the shift: hours before this day's clock
        assertThat(next - ts).isEqualTo(1_000);    // then 1,000 events per second of event time, as before

        GeneratorFunctionAdapter fixed = new GeneratorFunctionAdapter(plain(false));
        fixed.open(null);
        assertThat(ts(fixed.map(3_600_000L))).isEqualTo(START + 3_600_000);
    }

    private static long ts(RawRecord r) throws Exception {
        JsonNode n = JSON.readTree(r.payload);
        return n.get("ts").asLong();
    }
}

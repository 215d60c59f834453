package io.clickstream.sink;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeBucketAssignerTest {
    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void eachRecordGoesToTheUtcHourOfItsEventTimeAlsoWhenTheHourChangesBackAndForth() {
        EventTimeBucketAssigner<Long> buckets = new EventTimeBucketAssigner<>(ts -> ts);
        assertThat(buckets.getBucketId(at("2024-11-25T23:59:59.999Z"), null)).isEqualTo("dt=2024-11-25/hour=23");
        assertThat(buckets.getBucketId(at("2024-11-26T00:00:00Z"), null)).isEqualTo("dt=2024-11-26/hour=00");
        assertThat(buckets.getBucketId(at("2024-11-25T23:00:00Z"), null)).isEqualTo("dt=2024-11-25/hour=23");
        assertThat(buckets.getBucketId(at("2024-11-25T22:59:59.999Z"), null)).isEqualTo("dt=2024-11-25/hour=22");
        assertThat(buckets.getBucketId(at("1969-12-31T23:30:00Z"), null)).isEqualTo("dt=1969-12-31/hour=23");
        assertThat(buckets.getBucketId(at("1970-01-01T00:30:00Z"), null)).isEqualTo("dt=1970-01-01/hour=00");
    }
}

package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Running spend with a 7-day TTL, under a controlled state clock. */
class RunningSpendTest {
    private static final long DAY = Duration.ofDays(1).toMillis();

    private static StreamRecord<ClickEvent> purchase(String user, long ts, double spend) {
        return new StreamRecord<>(new ClickEvent("p-" + ts, user, null, EventType.PURCHASE, "/buy", ts, spend, null, null), ts);
    }

    @Test
    void theTotalIsForgottenOnceTheTtlHasPassedWithoutAPurchase() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, UserSpend> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RunningSpend(Duration.ofDays(7))), e -> e.userId, Types.STRING)) {
            h.open();
            h.setStateTtlProcessingTime(0);
            h.processElement(purchase("u1", 1, 10));
            h.setStateTtlProcessingTime(6 * DAY);
            h.processElement(purchase("u1", 2, 5));          // within the TTL; the write renews it
            h.setStateTtlProcessingTime(6 * DAY + 7 * DAY - 1);
            h.processElement(purchase("u1", 3, 1));          // still within 7 days of the last write
            h.setStateTtlProcessingTime(6 * DAY + 7 * DAY - 1 + 7 * DAY);
            h.processElement(purchase("u1", 4, 2));          // 7 days without a purchase: starts again

            assertThat(h.extractOutputValues()).containsExactly(
                    new UserSpend("u1", 10, 1, 1, 1),
                    new UserSpend("u1", 15, 2, 2, 2),
                    new UserSpend("u1", 16, 3, 3, 3),
                    new UserSpend("u1", 2, 1, 4, 1));
        }
    }
}

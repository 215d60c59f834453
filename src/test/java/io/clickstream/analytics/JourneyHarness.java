package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Flink's keyed operator harness around an operator whose results are all side outputs ({@link UserJourneys},
 * {@link UserActivity}), keyed by user, with generic types disabled.
 */
final class JourneyHarness {
    private JourneyHarness() {}

    /** A harness not yet opened (to restore a snapshot first). */
    static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> create(
            OneInputStreamOperator<ClickEvent, Void> operator) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h =
                new KeyedOneInputStreamOperatorTestHarness<>(operator, e -> e.userId, Types.STRING);
        h.getExecutionConfig().disableGenericTypes();
        return h;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> open(
            OneInputStreamOperator<ClickEvent, Void> operator) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = create(operator);
        h.open();
        return h;
    }

    /** The values emitted on {@code output} so far, in order. */
    static <T> List<T> values(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h, OutputTag<T> output) {
        // null until the first record on that output
        return h.getSideOutput(output) == null ? List.of()
                : h.getSideOutput(output).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }
}

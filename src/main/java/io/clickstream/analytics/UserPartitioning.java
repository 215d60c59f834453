package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * How the per-user analyses key their input by userId.
 *
 * <p>In the job, the events arrive from the per-user dedup, so they are already partitioned by user: each
 * analysis reinterprets its input as keyed ({@link DataStreamUtils#reinterpretAsKeyedStream}) and Flink chains it
 * onto the dedup, where a {@code keyBy} would serialize every event once more per analysis and send it over the
 * network. Analyses built on any other stream (tests, the benchmark's detector runs) key it with a shuffle.
 */
public enum UserPartitioning {
    /** The input may be partitioned any way: {@code keyBy(userId)}, a shuffle. */
    SHUFFLE,
    /**
     * The input is the output of an operator keyed by userId, with only forward (chained, same parallelism)
     * operators between: reinterpreted as keyed, no shuffle. Wrong on any other stream: state would be looked up
     * in the wrong key group.
     */
    ALREADY_BY_USER;

    static final KeySelector<ClickEvent, String> USER_ID = new UserId();

    KeyedStream<ClickEvent, String> keyed(DataStream<ClickEvent> events) {
        return this == ALREADY_BY_USER
                ? DataStreamUtils.reinterpretAsKeyedStream(events, USER_ID, Types.STRING)
                : events.keyBy(USER_ID);
    }

    private static final class UserId implements KeySelector<ClickEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ClickEvent e) {
            return e.userId;
        }
    }
}

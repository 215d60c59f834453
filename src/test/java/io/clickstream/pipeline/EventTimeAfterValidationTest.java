package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.event.ClickEvent;
import io.clickstream.testing.Pipelines;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Timestamps and watermarks are assigned after validation: a dead letter never moves event time. */
class EventTimeAfterValidationTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final long T = 1_732_532_400_000L;  // 2024-11-25T11:00:00Z

    private static String event(String id, String type, long ts) {
        return "{\"eventId\":\"" + id + "\",\"userId\":\"u-1\",\"type\":\"" + type + "\",\"url\":\"/\",\"ts\":" + ts + "}";
    }

    @Test
    void aDeadLetteredRecordAheadOfTheStreamMakesNoValidEventLate(@TempDir Path work) throws Exception {
        List<String> lateness = run(work, List.of(
                event("a", "view", T),
                event("x", "hover", T + 3_600_000),  // unknown type: dead-lettered, one hour ahead
                event("b", "click", T + 1_000),
                event("c", "view", T - 5_000)));     // disordered, within the 10 s delay

        assertThat(lateness).containsExactly("a on time", "b on time", "c on time");
    }

    @Test
    void theSameRecordWhenValidDoesMoveEventTime(@TempDir Path work) throws Exception {
        // Control: proves the test above can fail.
        List<String> lateness = run(work, List.of(
                event("a", "view", T),
                event("x", "view", T + 3_600_000),
                event("b", "click", T + 1_000),
                event("c", "view", T - 5_000)));

        assertThat(lateness).containsExactly("a on time", "x on time", "b late", "c late");
    }

    @Test
    void anEventExactlyAtTheWatermarkIsLateAndOneAfterItIsNot(@TempDir Path work) throws Exception {
        // W = max - delay - 1 = T - 10_001 after the first event.
        List<String> lateness = run(work, List.of(
                event("a", "view", T),
                event("b", "view", T - 10_001),
                event("c", "view", T - 10_000)));

        assertThat(lateness).containsExactly("a on time", "b late", "c on time");
    }

    private static List<String> run(Path work, List<String> lines) throws Exception {
        Path input = work.resolve("events.jsonl");
        Files.write(input, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        AppConfig config = Pipelines.fileReplay(input, work);
        StreamExecutionEnvironment env = Pipelines.environment(config);
        DataStream<ClickEvent> events = ClickstreamJob.fromConfig(config).build(env);
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = events.process(new Lateness()).collectAsync()) {
            env.execute("event-time-test");
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Says, per event, whether it arrived at or behind the watermark. */
    static final class Lateness extends ProcessFunction<ClickEvent, String> {
        @Override
        public void processElement(ClickEvent e, Context ctx, Collector<String> out) {
            boolean late = ctx.timestamp() <= ctx.timerService().currentWatermark();
            out.collect(e.eventId + (late ? " late" : " on time"));
        }
    }
}

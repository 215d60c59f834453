package io.clickstream.testing;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.watermark.Watermark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A test input that drives event time explicitly: events (with their timestamps) and watermarks, in the
 * order written. Runs at parallelism 1, so every operator sees exactly this sequence.
 */
public final class ScriptedEvents implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Serializable> steps = new ArrayList<>();
    private int counter;

    public static ScriptedEvents script() {
        return new ScriptedEvents();
    }

    public ScriptedEvents event(String user, EventType type, String url, long ts, Double spend) {
        ClickEvent e = new ClickEvent("e" + (++counter), user, null, type, url, ts, spend, null, null);
        steps.add(e);
        return this;
    }

    public ScriptedEvents view(String user, String url, long ts) {
        return event(user, EventType.VIEW, url, ts, null);
    }

    public ScriptedEvents click(String user, long ts) {
        return event(user, EventType.CLICK, "/product/1", ts, null);
    }

    public ScriptedEvents cart(String user, long ts) {
        return event(user, EventType.ADD_TO_CART, "/cart/add?product=1", ts, null);
    }

    public ScriptedEvents purchase(String user, long ts, double spend) {
        return event(user, EventType.PURCHASE, "/buy", ts, spend);
    }

    public ScriptedEvents watermark(long ts) {
        steps.add(ts);
        return this;
    }

    public DataStream<ClickEvent> stream(StreamExecutionEnvironment env) {
        return env.addSource(new Source(new ArrayList<>(steps)), "Scripted events", TypeInformation.of(ClickEvent.class))
                .setParallelism(1);
    }

    /** Emits the steps; ends with the final watermark, as a bounded source does. */
    private static final class Source implements SourceFunction<ClickEvent> {
        private final List<Serializable> steps;

        Source(List<Serializable> steps) {
            this.steps = steps;
        }

        @Override
        public void run(SourceContext<ClickEvent> ctx) {
            for (Serializable step : steps) {
                if (step instanceof ClickEvent) {
                    ClickEvent e = (ClickEvent) step;
                    ctx.collectWithTimestamp(e, e.ts);
                } else {
                    ctx.emitWatermark(new Watermark((Long) step));
                }
            }
        }

        @Override
        public void cancel() {}
    }
}

package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.RawRecord;
import io.clickstream.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Map;

/**
 * Parses every raw record: valid events go on, the rest go to the {@link #DEAD_LETTERS} side output
 * with their reason. Never throws for bad input, so one bad record cannot fail the job.
 */
public class ValidateRecords extends ProcessFunction<RawRecord, ClickEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final EventParser parser;
    private transient Counter valid;
    private transient Counter invalid;
    private transient Map<Reason, Counter> invalidByReason;

    public ValidateRecords(EventParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = MetricNames.group(getRuntimeContext().getMetricGroup());
        valid = group.counter(MetricNames.VALID);
        invalid = group.counter(MetricNames.INVALID);
        invalidByReason = new EnumMap<>(Reason.class);
        MetricGroup byReason = group.addGroup(MetricNames.INVALID_BY_REASON);
        for (Reason r : Reason.values()) {
            invalidByReason.put(r, byReason.counter(r.name()));
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ClickEvent> out) {
        ParseResult result = parser.parse(raw);
        if (result.isValid()) {
            valid.inc();
            out.collect(result.event());
        } else {
            invalid.inc();
            invalidByReason.get(result.deadLetter().reason).inc();
            ctx.output(DEAD_LETTERS, result.deadLetter());
        }
    }
}

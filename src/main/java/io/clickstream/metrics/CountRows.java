package io.clickstream.metrics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/** Passes rows on to an output's sink, counting them as {@code outputRows.<output>}. */
public final class CountRows<T> extends RichMapFunction<T, T> {
    private final String output;
    private transient Counter rows;

    public CountRows(String output) {
        this.output = output;
    }

    @Override
    public void open(OpenContext openContext) {
        rows = MetricNames.group(getRuntimeContext().getMetricGroup()).addGroup(MetricNames.OUTPUT_ROWS)
                .counter(output.replace('/', '_'));
    }

    @Override
    public T map(T row) {
        rows.inc();
        return row;
    }
}

package io.clickstream.pipeline;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.KeptWatermark;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.time.Duration;

/**
 * Per-event bounded-out-of-orderness watermarks (W = max − delay − 1, emitted whenever it advances) whose
 * maximum is part of every checkpoint. Flink does not checkpoint watermarks: with a plain assigner, the
 * watermark starts from nothing after a restart, and an event that was late before a failure could be on time
 * after it. Restoring the maximum, and emitting its watermark at once, makes a replay after a failure classify
 * every event exactly as the run without the failure did.
 */
public class CheckpointedEventTime extends AbstractStreamOperator<ClickEvent>
        implements OneInputStreamOperator<ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final long delayMillis;
    private transient ListState<Long> maxState;
    private transient long maxTimestamp;
    private transient long emitted;

    public CheckpointedEventTime(Duration delay) {
        this.delayMillis = delay.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // Union state: after a change of parallelism every subtask takes the smallest maximum, which is safe.
        maxState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("max-event-time", Types.LONG));
        maxTimestamp = KeptWatermark.smallest(maxState);
        emitted = Long.MIN_VALUE;
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (maxTimestamp != Long.MIN_VALUE) {
            advance();   // resume where the checkpoint left event time
        }
    }

    @Override
    public void processElement(StreamRecord<ClickEvent> element) {
        long ts = element.getValue().ts;
        output.collect(element.replace(element.getValue(), ts));
        if (ts > maxTimestamp) {
            maxTimestamp = ts;
            advance();
        }
    }

    private void advance() {
        long watermark = maxTimestamp - delayMillis - 1;
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }

    /** Watermarks from upstream are ignored (event time starts here), except the end of input. */
    @Override
    public void processWatermark(Watermark mark) {
        if (mark.getTimestamp() == Long.MAX_VALUE && emitted != Long.MAX_VALUE) {
            emitted = Long.MAX_VALUE;
            output.emitWatermark(mark);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        maxState.update(java.util.List.of(maxTimestamp));
    }
}

package io.clickstream.event;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.graph.StreamGraphGenerator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.Collections;

/**
 * The watermark of the operator behind a shuffle, kept through checkpoints.
 *
 * <p>Flink does not checkpoint watermarks. After a restore, an operator behind a shuffle has no watermark until
 * every input channel has delivered one, and the records that come first are on time, whatever their event time.
 * For Flink's windows that means a record that was too late before the restore opens its window again: the window
 * was purged at its lateness horizon, so it starts from nothing and fires a second "revision 0" with that record
 * alone. Events before the restore and after it would not be treated the same.
 *
 * <p>This operator sits right behind the shuffle, chained in front of the keyed operator ({@link #keyBy}). It
 * forwards records as they are, forwards a watermark only when it rises above the last one, keeps that last one
 * in every checkpoint, and emits it again first thing after a restore. The keyed operator then sees, from its
 * first record on, at least the watermark it had when the checkpoint was taken. That is safe: every record
 * replayed after the restore reached it after that checkpoint in the run before, when its watermark was at
 * least as high.
 *
 * <p>Union state: after a change of parallelism every subtask takes the smallest kept watermark, which is safe for
 * the same reason. A savepoint taken before this operator existed restores it empty: nothing is emitted, as before.
 */
public final class KeptWatermark<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private transient ListState<Long> kept;
    private transient long current;

    /**
     * {@code in.keyBy(key)} with a {@link KeptWatermark} behind the shuffle: the keyed stream that comes out is
     * partitioned exactly as {@code keyBy} would partition it, and the next operator chains onto the keeper.
     * The keeper itself is not keyed, so it has no keyed state backend of its own.
     */
    public static <T, K> KeyedStream<T, K> keyBy(DataStream<T> in, KeySelector<T, K> key, TypeInformation<K> keyType,
                                                String uid, String name) {
        // What keyBy does, without the keyed stream: the partitioner that sends each key to its key group's subtask.
        DataStream<T> shuffled = new DataStream<>(in.getExecutionEnvironment(), new PartitionTransformation<>(
                in.getTransformation(),
                new KeyGroupStreamPartitioner<>(key, StreamGraphGenerator.DEFAULT_LOWER_BOUND_MAX_PARALLELISM)));
        DataStream<T> held = shuffled.transform(name, in.getType(), new KeptWatermark<T>()).uid(uid).name(name);
        return DataStreamUtils.reinterpretAsKeyedStream(held, key, keyType);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        kept = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("kept-watermark", Types.LONG));
        current = smallest(kept);
    }

    /**
     * The smallest of the times every subtask kept in {@code union} (a union list state), or {@link Long#MIN_VALUE}
     * if none was kept: after a change of parallelism each subtask takes what the slowest one had, which is safe for
     * event time restored at the sources ({@code CheckpointedEventTime}) and behind a shuffle (this class).
     */
    public static long smallest(ListState<Long> union) throws Exception {
        long smallest = Long.MAX_VALUE;
        boolean any = false;
        for (Long t : union.get()) {
            smallest = Math.min(smallest, t);
            any = true;
        }
        return any ? smallest : Long.MIN_VALUE;
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (current != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(current));   // before any record of the restored run
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) {
        // The upstream restarts from nothing after a restore: its watermarks below the kept one say nothing new.
        if (mark.getTimestamp() > current) {
            current = mark.getTimestamp();
            output.emitWatermark(mark);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        kept.update(Collections.singletonList(current));
    }
}

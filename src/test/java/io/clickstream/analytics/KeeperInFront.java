package io.clickstream.analytics;

import io.clickstream.event.KeptWatermark;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import java.util.Queue;

/**
 * A {@link KeptWatermark} and the operator the job chains behind it, each in its harness: what the keeper emits
 * is handed to the next operator in order, as the chain does. Opened as a task opens a chain, the last operator
 * first, so the keeper's restored watermark reaches an open operator.
 */
final class KeeperInFront<T> implements AutoCloseable {
    final OneInputStreamOperatorTestHarness<T, T> keeper;
    final OneInputStreamOperatorTestHarness<T, ?> next;

    KeeperInFront(OneInputStreamOperatorTestHarness<T, T> keeper, OneInputStreamOperatorTestHarness<T, ?> next) {
        this.keeper = keeper;
        this.next = next;
    }

    /** With a keeper of its own, as {@link KeptWatermark#keyBy} puts one. */
    static <T> KeeperInFront<T> of(OneInputStreamOperatorTestHarness<T, ?> next) throws Exception {
        return new KeeperInFront<>(new OneInputStreamOperatorTestHarness<>(new KeptWatermark<T>(), 128, 1, 0), next);
    }

    void restore(OperatorSubtaskState keeperState, OperatorSubtaskState nextState) throws Exception {
        keeper.initializeState(keeperState);
        next.initializeState(nextState);
    }

    void open() throws Exception {
        next.open();
        keeper.open();
        hand();
    }

    void process(T value, long ts) throws Exception {
        keeper.processElement(value, ts);
        hand();
    }

    void watermark(long w) throws Exception {
        keeper.processWatermark(new Watermark(w));
        hand();
    }

    /** Both snapshots, the keeper's first. */
    OperatorSubtaskState[] snapshot() throws Exception {
        return new OperatorSubtaskState[] {keeper.snapshot(1, 0), next.snapshot(1, 0)};
    }

    @SuppressWarnings("unchecked")
    private void hand() throws Exception {
        Queue<Object> out = keeper.getOutput();
        for (Object o = out.poll(); o != null; o = out.poll()) {
            if (o instanceof Watermark) {
                next.processWatermark((Watermark) o);
            } else {
                next.processElement((StreamRecord<T>) o);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (keeper.getOperator() != null) {   // set up: not so when a test leaves the keeper out
            keeper.close();
        }
        next.close();
    }
}

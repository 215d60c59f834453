package io.clickstream.event;

import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * A keyed function that keeps or reads its state differently when it is on the heap: there a value is a reference
 * and reading a list state hands back the list the backend holds (copied first only while a checkpoint is writing
 * it out), so a look at it costs a lookup and no more; in RocksDB every read deserializes, and one value per user
 * would be rewritten whole on every access. The job does not always choose the backend (Managed Service for Apache
 * Flink does), so the operator asks the backend it runs on when it opens.
 */
public interface HeapAware {
    /**
     * Called before {@code open}: whether the operator's keyed state is on the heap, and the operator, whose current
     * key the function may set to write another key's state (it sets it back).
     */
    void stateOnHeap(boolean onHeap, KeyContext keys);

    /**
     * Called on the task thread before each checkpoint barrier goes downstream and before the state is snapshotted:
     * a function that holds changes on the heap writes them to its state here, so that the snapshot has them.
     */
    default void beforeBarrier() throws Exception {}

    /** Whether {@code backend} keeps keyed state on the heap (as objects), rather than serialized (RocksDB). */
    static boolean onHeap(KeyedStateBackend<?> backend) {
        return backend instanceof HeapKeyedStateBackend;
    }

    /** The keyed process operator for a {@link HeapAware} function (also for tests in Flink's harness). */
    class Operator<K, I, O, F extends KeyedProcessFunction<K, I, O> & HeapAware> extends KeyedProcessOperator<K, I, O> {
        private static final long serialVersionUID = 1L;

        public Operator(F function) {
            super(function);
        }

        @Override
        public void open() throws Exception {
            ((HeapAware) userFunction).stateOnHeap(onHeap(getKeyedStateBackend()), this);
            super.open();
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            super.prepareSnapshotPreBarrier(checkpointId);
            ((HeapAware) userFunction).beforeBarrier();
        }
    }
}

package io.clickstream.event;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

import java.util.List;

/**
 * A keyed function that keeps or reads its state differently when it is on the heap: there a value is a reference
 * and reading a list state hands back the list the backend holds (copied first only while a checkpoint is writing
 * it out), so a look at it costs a lookup and no more; in RocksDB every read deserializes, and one value per user
 * would be rewritten whole on every access. The job does not always choose the backend (Managed Service for Apache
 * Flink does), so the operator asks the backend it runs on when it opens.
 */
public interface HeapAware {
    /** Called before {@code open}: whether the operator's keyed state is on the heap. */
    void stateOnHeap(boolean onHeap);

    /**
     * The last element of a list state's {@code get()} on the heap (the list itself), or null when it is empty.
     * Only for the heap: in RocksDB it would deserialize the whole list.
     */
    static <T> T last(Iterable<T> listed) {
        if (listed instanceof List) {
            List<T> list = (List<T>) listed;
            return list.isEmpty() ? null : list.get(list.size() - 1);
        }
        T last = null;
        for (T t : listed) {
            last = t;
        }
        return last;
    }

    /** {@code input.process(function)}, telling the function which backend its state is in. */
    static <K, I, O, F extends KeyedProcessFunction<K, I, O> & HeapAware> SingleOutputStreamOperator<O> process(
            KeyedStream<I, K> input, F function, TypeInformation<O> output) {
        return input.transform(function.getClass().getSimpleName(), output, new Operator<>(function));
    }

    /** The keyed process operator for a {@link HeapAware} function (also for tests in Flink's harness). */
    class Operator<K, I, O, F extends KeyedProcessFunction<K, I, O> & HeapAware> extends KeyedProcessOperator<K, I, O> {
        private static final long serialVersionUID = 1L;

        public Operator(F function) {
            super(function);
        }

        @Override
        public void open() throws Exception {
            ((HeapAware) userFunction).stateOnHeap(getKeyedStateBackend() instanceof HeapKeyedStateBackend);
            super.open();
        }
    }
}

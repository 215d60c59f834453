package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fails the job on purpose, once, at a configured point (the {@code faults} group), so that recovery can be
 * proven: after N events, while taking checkpoint N, or after checkpoint N completed and before its files are
 * known to be committed. Only the first attempt of the first subtask fails; the restarted job runs through.
 * Not part of the topology unless a fault is configured.
 */
public class FaultInjector extends RichMapFunction<ClickEvent, ClickEvent> implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;

    /** Faults raised in this JVM, for tests. */
    public static final AtomicInteger INJECTED = new AtomicInteger();

    private final long failAfterRecords;
    private final long failOnCheckpoint;
    private final long failAfterCheckpoint;
    private transient boolean armed;
    private transient long seen;

    public FaultInjector(long failAfterRecords, long failOnCheckpoint, long failAfterCheckpoint) {
        this.failAfterRecords = failAfterRecords;
        this.failOnCheckpoint = failOnCheckpoint;
        this.failAfterCheckpoint = failAfterCheckpoint;
    }

    public static boolean configured(AppConfig c) {
        return c.longValue(Settings.FAIL_AFTER_RECORDS) > 0 || c.longValue(Settings.FAIL_ON_CHECKPOINT) > 0
                || c.longValue(Settings.FAIL_AFTER_CHECKPOINT) > 0;
    }

    public static FaultInjector from(AppConfig c) {
        return new FaultInjector(c.longValue(Settings.FAIL_AFTER_RECORDS), c.longValue(Settings.FAIL_ON_CHECKPOINT),
                c.longValue(Settings.FAIL_AFTER_CHECKPOINT));
    }

    @Override
    public void open(OpenContext openContext) {
        armed = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
    }

    @Override
    public ClickEvent map(ClickEvent e) {
        if (armed && failAfterRecords > 0 && ++seen == failAfterRecords) {
            fail("faults.fail-after-records=" + failAfterRecords + ": failing after event " + e.eventId);
        }
        return e;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) {
        if (armed && ctx.getCheckpointId() == failOnCheckpoint) {
            fail("faults.fail-on-checkpoint=" + failOnCheckpoint + ": failing while taking that checkpoint");
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) {}

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (armed && checkpointId == failAfterCheckpoint) {
            fail("faults.fail-after-checkpoint=" + failAfterCheckpoint + ": failing after that checkpoint completed");
        }
    }

    private void fail(String what) {
        armed = false;
        INJECTED.incrementAndGet();
        throw new IllegalStateException("injected fault (" + what + "); the job restarts from its last checkpoint");
    }
}

package io.clickstream.analytics;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.state.KeyedStateStore;

import java.io.IOException;

/**
 * Counts how often a window has fired, in per-window state: 0 for the on-time firing, then one more for
 * each late event inside the allowed lateness. Flink drops per-window state when the window is purged.
 */
final class Revisions {
    static final ValueStateDescriptor<Integer> FIRINGS = new ValueStateDescriptor<>("firings", Types.INT);

    private Revisions() {}

    /** The revision of this firing, and records it. */
    static int next(KeyedStateStore windowState) throws IOException {
        ValueState<Integer> firings = windowState.getState(FIRINGS);
        int revision = firings.value() == null ? 0 : firings.value();
        firings.update(revision + 1);
        return revision;
    }

    static void clear(KeyedStateStore windowState) {
        windowState.getState(FIRINGS).clear();
    }
}

package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts views per URL and tumbling window in the task that deduplicates them, and sends the counts, not the views,
 * through the shuffle by URL to the pageviews window ({@link Analytics#pageviews}), which adds them up.
 *
 * <p>Why: each view otherwise crossed the shuffle (serialized, sent, deserialized) and updated its URL's window
 * state on its own: a state lookup on the heap, a read and a write in RocksDB, where the pageviews task was about a
 * tenth of the job's CPU (docs/benchmarks.md, twentieth round). A few hundred URLs take a few hundred counts per
 * window and checkpoint here.
 *
 * <p>Why the results are the same as counting each view in the window: a count holds only views whose window this
 * operator's watermark has not closed, and it is sent before the watermark that closes the window is passed on.
 * The window's watermark is the least of its inputs', so it has not closed the window either when the count comes:
 * the count is part of the on-time result, as its views would have been, and can never be late. A view whose window
 * this operator's watermark has closed goes on by itself at once, as before: the window decides whether it makes a
 * late revision or goes to the late output, with its id and user. Counts are also sent before every checkpoint
 * barrier (nothing to checkpoint here, and nothing counted twice after a restore), when the input goes idle (an
 * idle input's watermark is not waited for downstream), at the end of the input, and when more than
 * {@link #MOST_HELD} are held (many distinct URLs).
 */
public class PreCountViews extends AbstractStreamOperator<ViewCount> implements OneInputStreamOperator<ClickEvent, ViewCount> {
    private static final long serialVersionUID = 1L;
    /** Counts held at most, over all windows, before all are sent. */
    static final int MOST_HELD = 10_000;

    private final long size;
    private transient long watermark;
    /** The windows with counts, in no order; few (the watermark delay spans one or two windows). */
    private transient List<Window> windows;
    private transient int held;

    private static final class Window {
        final long maxTimestamp;
        final Map<String, Part> parts = new HashMap<>();

        Window(long maxTimestamp) {
            this.maxTimestamp = maxTimestamp;
        }
    }

    /** The views of one URL in one window so far, and the latest of their timestamps (the count's timestamp). */
    private static final class Part {
        long count;
        long latest = Long.MIN_VALUE;
    }

    /** {@code window}: the pageviews window's size (tumbling, no offset). */
    public PreCountViews(Duration window) {
        this.size = window.toMillis();
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        watermark = Long.MIN_VALUE;
        windows = new ArrayList<>();
        held = 0;
    }

    @Override
    public void processElement(StreamRecord<ClickEvent> record) {
        ClickEvent e = record.getValue();
        if (e.type != EventType.VIEW) {
            return;
        }
        if (!record.hasTimestamp()) {
            sendAlone(record);   // the window fails on it, naming the missing timestamp, as it did without this step
            return;
        }
        long ts = record.getTimestamp();
        long maxTimestamp = TimeWindow.getWindowStartWithOffset(ts, 0, size) + size - 1;
        if (maxTimestamp <= watermark) {
            sendAlone(record);
            return;
        }
        Map<String, Part> parts = window(maxTimestamp).parts;
        Part part = parts.get(e.url);
        if (part == null) {   // get and put, not computeIfAbsent: its lambda would be a new object per view
            part = new Part();
            parts.put(e.url, part);
            held++;
        }
        part.count++;
        part.latest = Math.max(part.latest, ts);
        if (held > MOST_HELD) {
            sendAll();
        }
    }

    private Window window(long maxTimestamp) {
        for (Window w : windows) {
            if (w.maxTimestamp == maxTimestamp) {
                return w;
            }
        }
        Window w = new Window(maxTimestamp);
        windows.add(w);
        return w;
    }

    /** The view without what the count and a late report do not read, as the window saw it before. */
    private void sendAlone(StreamRecord<ClickEvent> record) {
        ClickEvent e = record.getValue();
        ClickEvent view = new ClickEvent(e.eventId, e.userId, null, e.type, e.url, e.ts, e.spend, null, null);
        // A record of its own: the input record may be handed to the other operators chained to the same output.
        StreamRecord<ViewCount> alone = new StreamRecord<>(new ViewCount(e.url, 1, view));
        if (record.hasTimestamp()) {
            alone.setTimestamp(record.getTimestamp());
        }
        output.collect(alone);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        for (int i = windows.size() - 1; i >= 0; i--) {
            if (windows.get(i).maxTimestamp <= watermark) {
                send(windows.remove(i));
            }
        }
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            sendAll();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        sendAll();
    }

    @Override
    public void finish() throws Exception {
        sendAll();
        super.finish();
    }

    private void sendAll() {
        for (Window w : windows) {
            send(w);
        }
        windows.clear();
    }

    private void send(Window w) {
        for (Map.Entry<String, Part> e : w.parts.entrySet()) {
            Part p = e.getValue();
            output.collect(new StreamRecord<>(new ViewCount(e.getKey(), p.count, null), p.latest));
        }
        held -= w.parts.size();
    }
}

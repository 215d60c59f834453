package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.ClickEventSerializer;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user's {@link JourneyState} in RocksDB as a log of its changes: a list state whose entries each drop events from
 * the head of the value's lists, append events to them, and, where they changed, replace the open windows. The
 * entries replayed in order give the value.
 *
 * <p>Why: behind the RocksDB cache ({@link io.clickstream.event.CachedValueState}) a changed user's value is
 * written before every checkpoint. Written whole, every event the user's journeys hold was written again at every
 * checkpoint (attribution's clicks for about a minute, an open cart for up to half an hour): at 50,000 events per
 * second with a checkpoint every 10 s, that was the largest part of the checkpoints' work, and the job fell behind
 * (docs/benchmarks.md, twenty-sixth round). Here an event is written when it has arrived since the last write, and
 * again only when the log is rewritten whole: once the events it holds that the value has since dropped outnumber
 * those it still has (by more than {@link #SLACK}), or it has {@link #MAX_ENTRIES} entries. A write then costs about
 * twice the events that arrived since the last one, where the whole value cost all of them; a read costs at most
 * about twice the value's events.
 *
 * <p>Only over a backend that serializes what it is given (RocksDB): an entry refers to the value's lists, which
 * change after it is written.
 */
final class JourneyLog implements ValueState<JourneyState> {
    static final String NAME = "user-journeys-changes";
    /** Dropped events a log may hold beyond as many as the value's, before it is rewritten whole. */
    static final int SLACK = 32;
    /** The most entries a log holds before it is rewritten whole. */
    static final int MAX_ENTRIES = 64;

    private final ListState<Change> log;

    JourneyLog(ListState<Change> log) {
        this.log = log;
    }

    static ListStateDescriptor<Change> descriptor() {
        return new ListStateDescriptor<>(NAME, new ChangeSerializer());
    }

    /** The current user's value, replayed from its log; null if it has none. */
    @Override
    public JourneyState value() throws IOException {
        Iterable<Change> changes = read();
        if (changes == null) {
            return null;
        }
        JourneyState s = null;
        long logged = 0;
        int entries = 0;
        for (Change c : changes) {
            if (s == null) {
                s = new JourneyState();
            }
            logged += c.applyTo(s);
            entries++;
        }
        if (s != null) {
            s.written = new Written(s, logged, entries);
        }
        return s;
    }

    /**
     * Writes what changed in {@code s} since it was read or last written: nothing if nothing did, the value whole if
     * it is new here (read from elsewhere, or created) or its log is due to be rewritten, else an entry of changes.
     */
    @Override
    public void update(JourneyState s) throws IOException {
        Written w = s.written;
        try {
            if (w == null) {
                rewrite(s);
                return;
            }
            int appended = w.appended(s);
            if (appended == 0 && !w.dropsOrWindows()) {
                return;
            }
            if (w.entries >= MAX_ENTRIES || w.logged + appended > 2L * s.events() + SLACK) {
                rewrite(s);
            } else {
                log.add(Change.since(s, w));
                w.wrote(s, appended);
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("writing the journeys' changes of the current user failed", e);
        }
    }

    private void rewrite(JourneyState s) throws Exception {
        log.update(List.of(Change.whole(s)));
        s.written = new Written(s, s.events(), 1);
    }

    @Override
    public void clear() {
        log.clear();
    }

    private Iterable<Change> read() throws IOException {
        try {
            return log.get();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("reading the journeys' changes of the current user failed", e);
        }
    }

    /** What changed in a value since it was last written to, or read from, its log. */
    static final class Written {
        /** Per list: how many of its first events are in the log. */
        final int[] kept = new int[JourneyStore.LISTS];
        /** Per list: the events the log holds at its head that the value has dropped since. */
        final int[] dropped = new int[JourneyStore.LISTS];
        /** Whether the open windows changed. */
        boolean windows;
        /** The events the log holds, dropped ones included, and its entries. */
        long logged;
        int entries;

        Written(JourneyState s, long logged, int entries) {
            keepAll(s);
            this.logged = logged;
            this.entries = entries;
        }

        private void keepAll(JourneyState s) {
            for (int l = 0; l < kept.length; l++) {
                kept[l] = s.lists[l] == null ? 0 : s.lists[l].size();
            }
        }

        /** The list was replaced: the log's events of it are all dropped, and its new ones all to be written. */
        void replaced(int list) {
            dropped[list] += kept[list];
            kept[list] = 0;
        }

        /** The list's first {@code n} events were dropped: of those in the log, the first {@code n}. */
        void dropped(int list, int n) {
            int inLog = Math.min(n, kept[list]);
            dropped[list] += inLog;
            kept[list] -= inLog;
        }

        /** The events not yet in the log: each list's after its kept ones. */
        int appended(JourneyState s) {
            int n = 0;
            for (int l = 0; l < kept.length; l++) {
                n += (s.lists[l] == null ? 0 : s.lists[l].size()) - kept[l];
            }
            return n;
        }

        boolean dropsOrWindows() {
            if (windows) {
                return true;
            }
            for (int d : dropped) {
                if (d > 0) {
                    return true;
                }
            }
            return false;
        }

        /** An entry of the changes went into the log. */
        void wrote(JourneyState s, int appended) {
            keepAll(s);
            Arrays.fill(dropped, 0);
            windows = false;
            logged += appended;
            entries++;
        }
    }

    /**
     * An entry of the log: per list, how many events to drop from its head, then the events to append; the open
     * windows if they changed. Written from a value (each list's events from {@code from} on), read as a value of
     * its own.
     */
    static final class Change {
        final JourneyState events;
        /** Per list, its first event to write; null: all. */
        final int[] from;
        final int[] drop;
        final boolean windows;

        Change(JourneyState events, int[] from, int[] drop, boolean windows) {
            this.events = events;
            this.from = from;
            this.drop = drop;
            this.windows = windows;
        }

        static Change whole(JourneyState s) {
            return new Change(s, null, new int[JourneyStore.LISTS], true);
        }

        static Change since(JourneyState s, Written w) {
            return new Change(s, w.kept, w.dropped, w.windows);
        }

        int from(int list) {
            return from == null ? 0 : from[list];
        }

        /** The events of the list this entry appends. */
        List<ClickEvent> appended(int list) {
            ArrayList<ClickEvent> l = events.lists[list];
            int first = from(list);
            return l == null || first >= l.size() ? List.of() : l.subList(first, l.size());
        }

        /** Applies this entry to {@code s}; returns the events it appended. */
        int applyTo(JourneyState s) {
            int appended = 0;
            for (int l = 0; l < JourneyStore.LISTS; l++) {
                s.dropFirst(l, drop[l]);
                for (ClickEvent e : appended(l)) {
                    s.add(l, e);
                    appended++;
                }
            }
            if (windows) {
                s.windowCount = events.windowCount;
                s.windows = Arrays.copyOf(events.windows, events.windowCount * JourneyState.WINDOW_LONGS);
            }
            return appended;
        }

        /** This entry on its own: its appended events in lists of their own, the arrays its own. */
        Change detached() {
            JourneyState own = new JourneyState();
            for (int l = 0; l < JourneyStore.LISTS; l++) {
                List<ClickEvent> a = appended(l);
                own.lists[l] = a.isEmpty() ? null : new ArrayList<>(a);
            }
            if (windows) {
                own.windowCount = events.windowCount;
                own.windows = Arrays.copyOf(events.windows, events.windowCount * JourneyState.WINDOW_LONGS);
            }
            return new Change(own, null, drop.clone(), windows);
        }
    }

    /**
     * Writes a {@link Change}. Format 2: a format byte, the number of lists, a mask of the lists the entry changes,
     * then for each of those the events to drop and the events to append (a count, then each with
     * {@link ClickEventSerializer}), then whether the windows changed, and if so their number and five longs each
     * (start, clicks, purchases, cents, next revision). Format 1 had four longs per window, without the revision
     * (read as 1: such a window was opened on time and has not fired). A new format gets a new first byte, and this
     * class keeps reading the old ones.
     */
    public static final class ChangeSerializer extends TypeSerializer<Change> {
        private static final long serialVersionUID = 1L;
        static final int FORMAT = 2;

        /** Has working arrays of its own (so this serializer too is one per thread, through {@link #duplicate}). */
        private final ClickEventSerializer events = new ClickEventSerializer();

        @Override
        public TypeSerializer<Change> duplicate() {
            return new ChangeSerializer();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChangeSerializer;
        }

        @Override
        public int hashCode() {
            return ChangeSerializer.class.hashCode();
        }

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public Change createInstance() {
            return new Change(new JourneyState(), null, new int[JourneyStore.LISTS], false);
        }

        @Override
        public Change copy(Change from) {
            return from.detached();
        }

        @Override
        public Change copy(Change from, Change reuse) {
            return from.detached();
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(Change c, DataOutputView out) throws IOException {
            out.writeByte(FORMAT);
            out.writeByte(JourneyStore.LISTS);
            int mask = 0;
            for (int l = 0; l < JourneyStore.LISTS; l++) {
                if (c.drop[l] > 0 || !c.appended(l).isEmpty()) {
                    mask |= 1 << l;
                }
            }
            out.writeInt(mask);
            for (int l = 0; l < JourneyStore.LISTS; l++) {
                if ((mask & (1 << l)) != 0) {
                    List<ClickEvent> appended = c.appended(l);
                    out.writeInt(c.drop[l]);
                    out.writeInt(appended.size());
                    for (int i = 0; i < appended.size(); i++) {
                        events.serialize(appended.get(i), out);
                    }
                }
            }
            out.writeBoolean(c.windows);
            if (c.windows) {
                JourneyStateSerializer.writeWindows(c.events, out);
            }
        }

        @Override
        public Change deserialize(DataInputView in) throws IOException {
            int format = JourneyStateSerializer.readFormat(in, NAME, FORMAT);
            int lists = JourneyStateSerializer.readListCount(in, NAME);
            int mask = in.readInt();
            JourneyState s = new JourneyState();
            int[] drop = new int[JourneyStore.LISTS];
            for (int l = 0; l < lists; l++) {
                if ((mask & (1 << l)) != 0) {
                    drop[l] = in.readInt();
                    int size = in.readInt();
                    if (size > 0) {
                        ArrayList<ClickEvent> list = new ArrayList<>(size);
                        for (int i = 0; i < size; i++) {
                            list.add(events.deserialize(in));
                        }
                        s.lists[l] = list;
                    }
                }
            }
            boolean windows = in.readBoolean();
            if (windows) {
                JourneyStateSerializer.readWindows(s, in, format);
            }
            return new Change(s, null, drop, windows);
        }

        @Override
        public Change deserialize(Change reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<Change> snapshotConfiguration() {
            return new Snapshot();
        }

        /** The serializer has no configuration; the format byte in each entry carries the version. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<Change> {
            public Snapshot() {
                super(ChangeSerializer::new);
            }
        }
    }
}

package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.ClickEventSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;

/**
 * Writes a user's {@link JourneyState} in checkpoints. Format 2: a format byte, the number of lists (a value with
 * fewer lists than this version keeps, written before a journey joined, reads with the others empty), then each list
 * as a count and its events ({@link ClickEventSerializer}), then the number of open windows and five longs each
 * (start, clicks, purchases, cents, the revision of its next late event). Format 1 had four longs per window,
 * without the revision: it is read as 1, since such a window was opened on time and has not fired (a window was
 * removed as it fired). A new format gets a new first byte, and this class keeps reading the old ones.
 */
public final class JourneyStateSerializer extends TypeSerializer<JourneyState> {
    private static final long serialVersionUID = 2L;
    static final int FORMAT = 2;

    /** Has working arrays of its own (so this serializer too is one per thread, through {@link #duplicate}). */
    private final ClickEventSerializer events = new ClickEventSerializer();

    @Override
    public TypeSerializer<JourneyState> duplicate() {
        return new JourneyStateSerializer();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JourneyStateSerializer;
    }

    @Override
    public int hashCode() {
        return JourneyStateSerializer.class.hashCode();
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public JourneyState createInstance() {
        return new JourneyState();
    }

    @Override
    public JourneyState copy(JourneyState from) {
        return from.copy();
    }

    @Override
    public JourneyState copy(JourneyState from, JourneyState reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(JourneyState s, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        out.writeByte(s.lists.length);
        for (ArrayList<ClickEvent> list : s.lists) {
            int size = list == null ? 0 : list.size();
            out.writeInt(size);
            for (int i = 0; i < size; i++) {
                events.serialize(list.get(i), out);
            }
        }
        writeWindows(s, out);
    }

    /** The open windows: their number, then five longs each (start, clicks, purchases, cents, next revision). */
    static void writeWindows(JourneyState s, DataOutputView out) throws IOException {
        out.writeInt(s.windowCount);
        for (int i = 0; i < s.windowCount * JourneyState.WINDOW_LONGS; i++) {
            out.writeLong(s.windows[i]);
        }
    }

    /** Reads what {@link #writeWindows} wrote into {@code s}, or in {@code format} 1 without the revision (1). */
    static void readWindows(JourneyState s, DataInputView in, int format) throws IOException {
        s.windowCount = in.readInt();
        s.windows = new long[s.windowCount * JourneyState.WINDOW_LONGS];
        int written = format == 1 ? JourneyState.WINDOW_LONGS - 1 : JourneyState.WINDOW_LONGS;
        for (int w = 0; w < s.windowCount; w++) {
            for (int i = 0; i < written; i++) {
                s.windows[w * JourneyState.WINDOW_LONGS + i] = in.readLong();
            }
            if (format == 1) {
                s.windows[w * JourneyState.WINDOW_LONGS + 4] = 1;
            }
        }
    }

    /**
     * Reads the format byte that begins a value of {@code state} (here, and {@link JourneyLog}'s entries) and returns
     * it. Refuses a format newer than {@code newest}.
     */
    static int readFormat(DataInputView in, String state, int newest) throws IOException {
        int format = in.readUnsignedByte();
        if (format < 1 || format > newest) {
            throw new IOException(state + " state in format " + format + ", which this version cannot read (it "
                    + "reads formats 1 to " + newest + "): the checkpoint was written by a newer version; restore it "
                    + "with that version");
        }
        return format;
    }

    /** Reads the number of lists that follows the format byte; refuses more lists than this version keeps. */
    static int readListCount(DataInputView in, String state) throws IOException {
        int lists = in.readUnsignedByte();
        if (lists > JourneyStore.LISTS) {
            throw new IOException(state + " state with " + lists + " event lists, where this version keeps "
                    + JourneyStore.LISTS + ": the checkpoint was written by a newer version; restore it with that version");
        }
        return lists;
    }

    @Override
    public JourneyState deserialize(DataInputView in) throws IOException {
        int format = readFormat(in, JourneyStore.VALUE_NAME, FORMAT);
        int lists = readListCount(in, JourneyStore.VALUE_NAME);
        JourneyState s = new JourneyState();
        for (int l = 0; l < lists; l++) {
            int size = in.readInt();
            if (size > 0) {
                ArrayList<ClickEvent> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(events.deserialize(in));
                }
                s.lists[l] = list;
            }
        }
        s.mergeEarlierPendingPurchases();   // a value of an earlier version, with a pending list per journey
        readWindows(s, in, format);
        return s;
    }

    @Override
    public JourneyState deserialize(JourneyState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<JourneyState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the format byte in each value carries the version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<JourneyState> {
        public Snapshot() {
            super(JourneyStateSerializer::new);
        }
    }
}

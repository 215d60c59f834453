package io.clickstream.analytics;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Writes a user's {@link ActivityState} in checkpoints. Format 1: a format byte, the sessions' timer, the last
 * event time and the inactivity timer (longs), the number of open sessions, then each session as its window
 * (start, end), its totals (events, views, purchases, cents, first, last), the revision of its next firing (an
 * int) and whether that firing is still to come (a byte). A new format gets a new first byte, and this class
 * keeps reading the old ones.
 */
public final class ActivityStateSerializer extends TypeSerializerSingleton<ActivityState> {
    private static final long serialVersionUID = 1L;
    public static final ActivityStateSerializer INSTANCE = new ActivityStateSerializer();
    static final int FORMAT = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ActivityState createInstance() {
        return new ActivityState();
    }

    @Override
    public ActivityState copy(ActivityState from) {
        return from.copy();
    }

    @Override
    public ActivityState copy(ActivityState from, ActivityState reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ActivityState a, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        out.writeLong(a.sessionTimer);
        out.writeLong(a.lastSeen);
        out.writeLong(a.inactivityTimer);
        out.writeInt(a.sessions.length);
        for (KeyedSessions.Session s : a.sessions) {
            out.writeLong(s.start);
            out.writeLong(s.end);
            out.writeLong(s.events);
            out.writeLong(s.views);
            out.writeLong(s.purchases);
            out.writeLong(s.spendCents);
            out.writeLong(s.first);
            out.writeLong(s.last);
            out.writeInt(s.revision);
            out.writeBoolean(s.firePending);
        }
    }

    @Override
    public ActivityState deserialize(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException("user-activity state in format " + format + ", which this version cannot read (it "
                    + "reads format " + FORMAT + "): the checkpoint was written by a newer version; restore it with that version");
        }
        ActivityState a = new ActivityState();
        a.sessionTimer = in.readLong();
        a.lastSeen = in.readLong();
        a.inactivityTimer = in.readLong();
        int count = in.readInt();
        if (count > 0) {
            a.sessions = new KeyedSessions.Session[count];
            for (int i = 0; i < count; i++) {
                KeyedSessions.Session s = new KeyedSessions.Session();
                s.start = in.readLong();
                s.end = in.readLong();
                s.events = in.readLong();
                s.views = in.readLong();
                s.purchases = in.readLong();
                s.spendCents = in.readLong();
                s.first = in.readLong();
                s.last = in.readLong();
                s.revision = in.readInt();
                s.firePending = in.readBoolean();
                a.sessions[i] = s;
            }
        }
        return a;
    }

    @Override
    public ActivityState deserialize(ActivityState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ActivityState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the format byte in each value carries the version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ActivityState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

package io.clickstream.quality;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;

/**
 * Writes a user's {@link SeenEventIds} in checkpoints. Format 1: a format byte, the number of ids, the pending
 * cleanup time, whether any id is a string; then the three arrays (UUID high bits, low bits, first-seen times) as
 * one block of big-endian longs, which a checkpoint stream takes in a single write; then, if any, each position's
 * string id (or none). A new format gets a new first byte, and this class keeps reading the old ones.
 */
public final class SeenEventIdsSerializer extends TypeSerializerSingleton<SeenEventIds> {
    private static final long serialVersionUID = 1L;
    public static final SeenEventIdsSerializer INSTANCE = new SeenEventIdsSerializer();
    static final int FORMAT = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SeenEventIds createInstance() {
        return new SeenEventIds();
    }

    @Override
    public SeenEventIds copy(SeenEventIds from) {
        return from.copy();
    }

    @Override
    public SeenEventIds copy(SeenEventIds from, SeenEventIds reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SeenEventIds ids, DataOutputView out) throws IOException {
        int n = ids.size();
        out.writeByte(FORMAT);
        out.writeInt(n);
        out.writeLong(ids.cleanupAt);
        out.writeBoolean(ids.strings != null);
        byte[] block = new byte[n * 24];
        LongBuffer longs = ByteBuffer.wrap(block).asLongBuffer();
        if (ids.retired == 0) {
            longs.put(ids.hi, ids.start, n).put(ids.lo, ids.start, n).put(ids.seenAt, ids.start, n);
        } else {
            // Retired positions (ids seen again after they expired, held further on) are left out.
            for (long[] column : new long[][] {ids.hi, ids.lo, ids.seenAt}) {
                for (int i = ids.start; i < ids.end; i++) {
                    if (ids.seenAt[i] != SeenEventIds.RETIRED) {
                        longs.put(column[i]);
                    }
                }
            }
        }
        out.write(block);
        if (ids.strings != null) {
            for (int i = ids.start; i < ids.end; i++) {
                if (ids.seenAt[i] == SeenEventIds.RETIRED) {
                    continue;
                }
                String s = ids.strings[i];
                out.writeBoolean(s != null);
                if (s != null) {
                    StringSerializer.INSTANCE.serialize(s, out);
                }
            }
        }
    }

    @Override
    public SeenEventIds deserialize(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException("seen-event-id state in format " + format + ", which this version cannot read (it "
                    + "reads format " + FORMAT + "): the checkpoint was written by a newer version; restore it with that version");
        }
        int n = in.readInt();
        SeenEventIds ids = new SeenEventIds(n);
        ids.end = n;
        ids.cleanupAt = in.readLong();
        boolean hasStrings = in.readBoolean();
        byte[] block = new byte[n * 24];
        in.readFully(block);
        ByteBuffer.wrap(block).asLongBuffer().get(ids.hi, 0, n).get(ids.lo, 0, n).get(ids.seenAt, 0, n);
        if (hasStrings) {
            ids.strings = new String[Math.max(1, n)];
            for (int i = 0; i < n; i++) {
                if (in.readBoolean()) {
                    ids.strings[i] = StringSerializer.INSTANCE.deserialize(in);
                }
            }
        }
        // Earlier versions kept an id seen again after it expired in its old position, with its new time.
        ids.orderByFirstSeen();
        return ids;
    }

    @Override
    public SeenEventIds deserialize(SeenEventIds reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<SeenEventIds> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the format byte in each value carries the version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeenEventIds> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

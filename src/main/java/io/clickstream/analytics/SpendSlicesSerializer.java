package io.clickstream.analytics;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes a user's {@link SpendSlices} in checkpoints (and, on RocksDB, on every update). Format 1: a format byte,
 * the number of slices and of firing counts, then one block of big-endian values: slice starts, cents, window ends
 * (longs) and firing counts (ints). A new format gets a new first byte, and this class keeps reading the old ones.
 */
public final class SpendSlicesSerializer extends TypeSerializerSingleton<SpendSlices> {
    private static final long serialVersionUID = 1L;
    public static final SpendSlicesSerializer INSTANCE = new SpendSlicesSerializer();
    static final int FORMAT = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SpendSlices createInstance() {
        return new SpendSlices();
    }

    @Override
    public SpendSlices copy(SpendSlices from) {
        return from.copy();
    }

    @Override
    public SpendSlices copy(SpendSlices from, SpendSlices reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SpendSlices s, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        out.writeInt(s.slices);
        out.writeInt(s.fired);
        byte[] block = new byte[s.slices * 16 + s.fired * 12];
        ByteBuffer buffer = ByteBuffer.wrap(block);
        buffer.asLongBuffer().put(s.starts, 0, s.slices).put(s.cents, 0, s.slices).put(s.firedEnds, 0, s.fired);
        buffer.position(s.slices * 16 + s.fired * 8);
        buffer.asIntBuffer().put(s.firedCounts, 0, s.fired);
        out.write(block);
    }

    @Override
    public SpendSlices deserialize(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException("spend-slices state in format " + format + ", which this version cannot read (it "
                    + "reads format " + FORMAT + "): the checkpoint was written by a newer version; restore it with that version");
        }
        int slices = in.readInt();
        int fired = in.readInt();
        SpendSlices s = new SpendSlices(slices, fired);
        byte[] block = new byte[slices * 16 + fired * 12];
        in.readFully(block);
        ByteBuffer buffer = ByteBuffer.wrap(block);
        buffer.asLongBuffer().get(s.starts, 0, slices).get(s.cents, 0, slices).get(s.firedEnds, 0, fired);
        buffer.position(slices * 16 + fired * 8);
        buffer.asIntBuffer().get(s.firedCounts, 0, fired);
        s.slices = slices;
        s.fired = fired;
        return s;
    }

    @Override
    public SpendSlices deserialize(SpendSlices reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<SpendSlices> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the format byte in each value carries the version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SpendSlices> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

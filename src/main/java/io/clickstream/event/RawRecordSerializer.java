package io.clickstream.event;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * {@link RawRecord}s between a source and validation. They are chained in one task, so a record is normally
 * only handed on, and since nothing can change a record, handing it on needs no copy. Serialized only when a
 * user's settings put a network between the two: source, origin, the payload's length and bytes, framing error.
 */
public final class RawRecordSerializer extends TypeSerializer<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<RawRecord> duplicate() {
        return this;
    }

    @Override
    public RawRecord createInstance() {
        return new RawRecord(null, null, new byte[0]);
    }

    @Override
    public RawRecord copy(RawRecord from) {
        return from;
    }

    @Override
    public RawRecord copy(RawRecord from, RawRecord reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(RawRecord r, DataOutputView out) throws IOException {
        StringValue.writeString(r.source, out);
        StringValue.writeString(r.origin, out);
        if (r.payload == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(r.payload.length);
            out.write(r.payload);
        }
        StringValue.writeString(r.framingError, out);
    }

    @Override
    public RawRecord deserialize(DataInputView in) throws IOException {
        String source = StringValue.readString(in);
        String origin = StringValue.readString(in);
        int length = in.readInt();
        byte[] payload = null;
        if (length >= 0) {
            payload = new byte[length];
            in.readFully(payload);
        }
        return new RawRecord(source, origin, payload, StringValue.readString(in));
    }

    @Override
    public RawRecord deserialize(RawRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecordSerializer;
    }

    @Override
    public int hashCode() {
        return RawRecordSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format has one version so far; Flink writes it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        public Snapshot() {
            super(RawRecordSerializer::new);
        }
    }
}

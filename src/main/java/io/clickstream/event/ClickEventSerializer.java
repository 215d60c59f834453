package io.clickstream.event;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * Flink's serializer for {@link ClickEvent}, in place of its POJO serializer. Every event passes through a
 * serializer several times: copied into each chained branch, written to and read from the network at each
 * shuffle, kept in the state of joins and patterns. The POJO serializer does each of those field by field through
 * reflection; this one calls the constructor and reads the fields directly, and since an event is immutable a copy
 * is the event itself.
 *
 * <p>Format (version 1): eventId, userId, sessionId, url, referrer, userAgent as Flink strings (null allowed);
 * the type as one byte, the position in {@link #TYPES} (-1 for none); ts as a long; spend as a presence byte and a
 * double. {@link #TYPES} is the wire order and never changes: a new type goes at its end.
 */
public final class ClickEventSerializer extends TypeSerializerSingleton<ClickEvent> {
    private static final long serialVersionUID = 1L;

    public static final ClickEventSerializer INSTANCE = new ClickEventSerializer();

    /** The event types by their code in the format. */
    static final EventType[] TYPES = {EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE};

    private ClickEventSerializer() {}

    /** Events are immutable: a copy is the same object, and Flink may hand one instance to every chained branch. */
    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public ClickEvent createInstance() {
        return new ClickEvent();
    }

    @Override
    public ClickEvent copy(ClickEvent from) {
        return from;
    }

    @Override
    public ClickEvent copy(ClickEvent from, ClickEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    /**
     * A heap checkpoint hands each state value a stream wrapper that passes every byte on in its own calls (through
     * three streams), and {@link StringValue#writeString} writes a string byte by byte: events held in state (open
     * carts, clicks awaiting a purchase) made up most of a checkpoint's CPU. An event is assembled in this thread's
     * buffer first and written in one call; into Flink's own array-backed views (network buffers, RocksDB values)
     * it is written directly. The bytes are the same either way.
     */
    private static final ThreadLocal<DataOutputSerializer> BUFFER = ThreadLocal.withInitial(() -> new DataOutputSerializer(256));
    /** A buffer grown past this by an unusually large event is let go rather than kept for the thread's life. */
    private static final int KEPT_BUFFER_BYTES = 64 * 1024;

    @Override
    public void serialize(ClickEvent e, DataOutputView out) throws IOException {
        if (out instanceof DataOutputSerializer) {
            write(e, out);
            return;
        }
        DataOutputSerializer buffer = BUFFER.get();
        buffer.clear();
        write(e, buffer);
        out.write(buffer.getSharedBuffer(), 0, buffer.length());
        if (buffer.getSharedBuffer().length > KEPT_BUFFER_BYTES) {
            BUFFER.remove();
        }
    }

    private static void write(ClickEvent e, DataOutputView out) throws IOException {
        StringValue.writeString(e.eventId, out);
        StringValue.writeString(e.userId, out);
        StringValue.writeString(e.sessionId, out);
        StringValue.writeString(e.url, out);
        StringValue.writeString(e.referrer, out);
        StringValue.writeString(e.userAgent, out);
        out.writeByte(code(e.type));
        out.writeLong(e.ts);
        if (e.spend == null) {
            out.writeBoolean(false);
        } else {
            out.writeBoolean(true);
            out.writeDouble(e.spend);
        }
    }

    @Override
    public ClickEvent deserialize(DataInputView in) throws IOException {
        String eventId = StringValue.readString(in);
        String userId = StringValue.readString(in);
        String sessionId = StringValue.readString(in);
        String url = StringValue.readString(in);
        String referrer = StringValue.readString(in);
        String userAgent = StringValue.readString(in);
        EventType type = type(in.readByte());
        long ts = in.readLong();
        Double spend = in.readBoolean() ? in.readDouble() : null;
        return new ClickEvent(eventId, userId, sessionId, type, url, ts, spend, referrer, userAgent);
    }

    @Override
    public ClickEvent deserialize(ClickEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<ClickEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    private static byte code(EventType type) {
        if (type == null) {
            return -1;
        }
        for (byte i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == type) {
                return i;
            }
        }
        throw new IllegalStateException("event type " + type + " has no code in ClickEventSerializer.TYPES; add it at the end");
    }

    private static EventType type(byte code) throws IOException {
        if (code == -1) {
            return null;
        }
        if (code < 0 || code >= TYPES.length) {
            throw new IOException("event type code " + code + " is unknown (known: 0.." + (TYPES.length - 1)
                    + "); the state was written by a newer version of clickstream-flink");
        }
        return TYPES[code];
    }

    /**
     * What a checkpoint records about this serializer: the format version. State written by Flink's POJO
     * serializer (before this serializer existed) is read with that one and written again with this one.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<ClickEvent> {
        static final int VERSION = 1;

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version is all there is; Flink writes it.
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion != VERSION) {
                throw new IOException("ClickEvent state format version " + readVersion + " is unknown (this version "
                        + "reads " + VERSION + "); it was written by a newer version of clickstream-flink");
            }
        }

        @Override
        public TypeSerializer<ClickEvent> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<ClickEvent> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ClickEvent> oldSnapshot) {
            if (oldSnapshot instanceof Snapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            if (oldSnapshot instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}

package io.clickstream.event;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
public final class ClickEventSerializer extends TypeSerializer<ClickEvent> {
    private static final long serialVersionUID = 2L;

    /** The event types by their code in the format. */
    static final EventType[] TYPES = {EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE};

    /** An array grown past this by an unusually large event or string is used once rather than kept. */
    private static final int KEPT_BUFFER_BYTES = 64 * 1024;
    private static final int HIGH_BIT = 0x80;
    /** Slots of the table of recent userIds: 256 KiB of references per reading instance. */
    private static final int USER_ID_SLOTS = 1 << 16;
    private static final int MAX_INTERNED_CHARS = 64;

    /**
     * Working arrays, this instance's own: a serializer with state is not shared between threads (Flink gives each
     * thread its own through {@link #duplicate}), where a thread-local array costs a lookup in the thread's map
     * on every use (Flink's {@link StringValue#readString} does two per string: six strings per event were 6 % of a
     * sustained run's samples, most of them in the maps' probing).
     */
    private transient byte[] scratch;
    private transient char[] chars;
    /** Recent userIds by hash ({@link #readUserId}), made on first use. */
    private transient String[] userIds;

    public ClickEventSerializer() {}

    /** Each instance keeps its own working arrays, so each thread needs its own instance. */
    @Override
    public TypeSerializer<ClickEvent> duplicate() {
        return new ClickEventSerializer();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClickEventSerializer;
    }

    @Override
    public int hashCode() {
        return ClickEventSerializer.class.hashCode();
    }

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
     * An event is encoded into this instance's array in one pass and handed to {@code out} in one write. {@link
     * StringValue#writeString} writes a string byte by byte: into a heap checkpoint's stream wrapper each byte goes
     * through three streams (events held in state, open carts and clicks awaiting a purchase, made up most of a
     * checkpoint's CPU), and even Flink's array-backed views (network buffers) check their capacity per byte. The
     * bytes are StringValue's format all the same.
     */
    @Override
    public void serialize(ClickEvent e, DataOutputView out) throws IOException {
        int most = most(e.eventId) + most(e.userId) + most(e.sessionId) + most(e.url) + most(e.referrer)
                + most(e.userAgent) + 1 + 8 + 1 + 8;
        byte[] b = bytes(most);
        int p = put(e.eventId, b, 0);
        p = put(e.userId, b, p);
        p = put(e.sessionId, b, p);
        p = put(e.url, b, p);
        p = put(e.referrer, b, p);
        p = put(e.userAgent, b, p);
        b[p++] = code(e.type);
        p = putLong(e.ts, b, p);
        if (e.spend == null) {
            b[p++] = 0;
        } else {
            b[p++] = 1;
            p = putLong(Double.doubleToLongBits(e.spend), b, p);
        }
        out.write(b, 0, p);
    }

    /** The most bytes {@link #put} writes for {@code s}: a char takes at most three, the length at most five. */
    private static int most(String s) {
        return s == null ? 1 : 3 * s.length() + 5;
    }

    /**
     * {@link StringValue#writeString}'s format: length + 1 (0 for null), then each char, as variable-length
     * integers of seven bits per byte, low bits first, the high bit set on all bytes but the last.
     */
    private static int put(String s, byte[] b, int p) {
        if (s == null) {
            b[p] = 0;
            return p + 1;
        }
        int len = s.length();
        p = putVarInt(len + 1, b, p);
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < HIGH_BIT) {
                b[p++] = (byte) c;
            } else {
                p = putVarInt(c, b, p);
            }
        }
        return p;
    }

    private static int putVarInt(int v, byte[] b, int p) {
        while (v >= HIGH_BIT) {
            b[p++] = (byte) (v | HIGH_BIT);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    /** Big-endian, as {@link java.io.DataOutput#writeLong}. */
    private static int putLong(long v, byte[] b, int p) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            b[p++] = (byte) (v >>> shift);
        }
        return p;
    }

    /** This instance's byte array, at least {@code size} long (one of its own beyond {@link #KEPT_BUFFER_BYTES}). */
    private byte[] bytes(int size) {
        if (scratch != null && scratch.length >= size) {
            return scratch;
        }
        byte[] b = new byte[Math.max(size, 512)];
        if (size <= KEPT_BUFFER_BYTES) {
            scratch = b;
        }
        return b;
    }

    @Override
    public ClickEvent deserialize(DataInputView in) throws IOException {
        String eventId = readString(in);
        String userId = readUserId(in);
        String sessionId = readString(in);
        String url = readString(in);
        String referrer = readString(in);
        String userAgent = readString(in);
        EventType type = type(in.readByte());
        long ts = in.readLong();
        Double spend = in.readBoolean() ? in.readDouble() : null;
        return new ClickEvent(eventId, userId, sessionId, type, url, ts, spend, referrer, userAgent);
    }

    /**
     * Reads what {@link #put} (and {@link StringValue#writeString}) writes. A string takes at least a byte per char,
     * so its length in chars is read in one call; when they are all below 128 (ids, URLs, user agents nearly
     * always) that is the string. From the first char of more bytes on, the rest is read byte by byte.
     */
    private String readString(DataInputView in) throws IOException {
        int len = readLength(in);
        if (len < 0) {
            return null;
        }
        byte[] b = bytes(len);
        in.readFully(b, 0, len);
        return decode(b, len, in);
    }

    /** The length in chars of the string that follows, or -1 for null. */
    private static int readLength(DataInputView in) throws IOException {
        int len = in.readUnsignedByte();
        if (len >= HIGH_BIT) {
            len &= 0x7f;
            int shift = 7;
            int curr;
            while ((curr = in.readUnsignedByte()) >= HIGH_BIT) {
                len |= (curr & 0x7f) << shift;
                shift += 7;
            }
            len |= curr << shift;
        }
        return len - 1;   // the length is written plus one: 0 is null
    }

    /** The string whose first {@code len} bytes are in {@code b}; a string with chars of more bytes continues in {@code in}. */
    private String decode(byte[] b, int len, DataInputView in) throws IOException {
        int ascii = 0;
        while (ascii < len && b[ascii] >= 0) {
            ascii++;
        }
        if (ascii == len) {
            return new String(b, 0, len, StandardCharsets.ISO_8859_1);
        }
        char[] c = chars(len);
        for (int i = 0; i < ascii; i++) {
            c[i] = (char) b[i];
        }
        // Bytes read so far: len; those from `ascii` on hold the remaining chars' first bytes, and more follow in `in`.
        int p = ascii;
        for (int i = ascii; i < len; i++) {
            int v = p < len ? b[p++] & 0xff : in.readUnsignedByte();
            if (v >= HIGH_BIT) {
                v &= 0x7f;
                int shift = 7;
                int curr;
                while ((curr = p < len ? b[p++] & 0xff : in.readUnsignedByte()) >= HIGH_BIT) {
                    v |= (curr & 0x7f) << shift;
                    shift += 7;
                }
                v |= curr << shift;
            }
            c[i] = (char) v;
        }
        return new String(c, 0, len);
    }

    /**
     * A userId, as the String this instance last read for it where it can. Every keyed state of the task that reads
     * the events (the dedup and the per-user analyses chained to it) looks the user up by this String, and each
     * lookup compares it with the key its table holds: with the same instance that is a reference comparison,
     * without it two more objects to fetch from memory, per table, per event. A table of recent ids (one slot per
     * hash, the last id wins) finds the instance; an id not there, or not ASCII, is read as any other string. About
     * a quarter of the samples of the state lookups went (docs/benchmarks.md).
     */
    private String readUserId(DataInputView in) throws IOException {
        int len = readLength(in);
        if (len < 0) {
            return null;
        }
        byte[] b = bytes(len);
        in.readFully(b, 0, len);
        if (len > MAX_INTERNED_CHARS) {
            return decode(b, len, in);
        }
        int h = 0;
        for (int i = 0; i < len; i++) {
            byte c = b[i];
            if (c < 0) {
                return decode(b, len, in);
            }
            h = 31 * h + c;
        }
        if (userIds == null) {
            userIds = new String[USER_ID_SLOTS];
        }
        int slot = (h ^ (h >>> 16)) & (userIds.length - 1);
        String known = userIds[slot];
        if (known != null && known.length() == len) {
            int i = 0;
            while (i < len && known.charAt(i) == b[i]) {
                i++;
            }
            if (i == len) {
                return known;
            }
        }
        String s = new String(b, 0, len, StandardCharsets.ISO_8859_1);
        userIds[slot] = s;
        return s;
    }

    private char[] chars(int size) {
        if (chars != null && chars.length >= size) {
            return chars;
        }
        char[] c = new char[Math.max(size, 64)];
        if (size <= KEPT_BUFFER_BYTES) {
            chars = c;
        }
        return c;
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
            return new ClickEventSerializer();
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

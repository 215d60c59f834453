package io.clickstream.event;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickEventSerializerTest {
    private static final ClickEvent FULL = new ClickEvent("e-1", "u-7", "s-3", EventType.PURCHASE, "/checkout",
            1_732_492_800_123L, 42.5, "https://example.com/", "Mozilla/5.0");
    private static final ClickEvent SPARSE = new ClickEvent("e-2", "u-7", null, EventType.VIEW, "/", 0L, null, null, null);
    /** One instance for the whole class, as a thread keeps one: its working arrays serve event after event. */
    private final ClickEventSerializer serializer = new ClickEventSerializer();

    @Test
    void eachThreadGetsAnInstanceOfItsOwnThatEqualsTheOthers() {
        TypeSerializer<ClickEvent> copy = serializer.duplicate();
        assertThat(copy).isNotSameAs(serializer).isEqualTo(serializer).hasSameHashCodeAs(serializer);
    }

    /** Short after long, non-ASCII after ASCII and back: what one string leaves in the arrays never reaches the next. */
    @Test
    void oneInstanceReadsEventsOfEverySizeAndAlphabetInTurn() throws IOException {
        List<ClickEvent> events = List.of(
                new ClickEvent("e-1", "u-" + "x".repeat(300), null, EventType.CLICK, "/a", 1L, null, null, null),
                new ClickEvent("e-2", "u-1", "s", EventType.VIEW, "/\u00e9t\u00e9/\u4e2d\u6587", 2L, null, "r", "\uffffa"),
                new ClickEvent("e-3", "u-1", null, EventType.VIEW, "/", 3L, null, null, "y".repeat(70_000)),
                new ClickEvent("\u00e9", "u", null, EventType.PURCHASE, "/b", 4L, 9.5, null, null),
                FULL, SPARSE);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (ClickEvent e : events) {
            serializer.serialize(e, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        List<ClickEvent> read = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            read.add(serializer.deserialize(in));
        }
        assertThat(read).containsExactlyElementsOf(events);
        assertThat(in.available()).isZero();
    }

    @Test
    void flinkTypeOfClickEventIsOursNotPojoOrKryo() {
        TypeInformation<ClickEvent> type = TypeInformation.of(ClickEvent.class);
        assertThat(type).isInstanceOf(ClickEventTypeInfo.class);
        assertThat(type.createSerializer(new SerializerConfigImpl())).isInstanceOf(ClickEventSerializer.class);
    }

    @Test
    void roundTripKeepsEveryFieldIncludingNulls() throws IOException {
        for (ClickEvent e : List.of(FULL, SPARSE, new ClickEvent())) {
            assertThat(roundTrip(serializer, e)).isEqualTo(e);
        }
        for (EventType t : EventType.values()) {
            ClickEvent e = new ClickEvent("e", "u", null, t, "/", 1L, null, null, null);
            assertThat(roundTrip(serializer, e).type).isEqualTo(t);
        }
    }

    /** The format is in every checkpoint: a change to it (or to the type codes) must be a new snapshot version. */
    @Test
    void formatVersionOneBytesArePinned() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(
                new ClickEvent("e", "u", null, EventType.ADD_TO_CART, "/", 258L, 1.0, null, null), out);
        assertThat(hex(out.getCopyOfBuffer()))
                .isEqualTo("0265" + "0275" + "00" + "022f" + "00" + "00" + "02" + "0000000000000102" + "01" + "3ff0000000000000");
        assertThat(ClickEventSerializer.TYPES).containsExactly(EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART,
                EventType.PURCHASE);
        assertThat(ClickEventSerializer.TYPES).hasSameSizeAs(EventType.values());
    }

    /** The fields are written in Flink's string format whatever the characters: the bytes StringValue writes. */
    @Test
    void stringsAreInFlinksStringFormatForAnyCharacterAndLength() throws IOException {
        ClickEvent unusual = new ClickEvent("\u00e9v\u00e9nement-\u4e2d", "u-\u0080\u3fff\u4000\uffff", "", EventType.CLICK,
                "/" + "p".repeat(200), -5L, -0.0, null, "x".repeat(20_000));
        for (ClickEvent e : List.of(FULL, SPARSE, unusual, new ClickEvent())) {
            DataOutputSerializer expected = new DataOutputSerializer(64);
            for (String s : new String[] {e.eventId, e.userId, e.sessionId, e.url, e.referrer, e.userAgent}) {
                org.apache.flink.types.StringValue.writeString(s, expected);
            }
            expected.writeByte(e.type == null ? -1 : java.util.Arrays.asList(ClickEventSerializer.TYPES).indexOf(e.type));
            expected.writeLong(e.ts);
            expected.writeBoolean(e.spend != null);
            if (e.spend != null) {
                expected.writeDouble(e.spend);
            }
            DataOutputSerializer actual = new DataOutputSerializer(64);
            serializer.serialize(e, actual);
            assertThat(actual.getCopyOfBuffer()).isEqualTo(expected.getCopyOfBuffer());
            assertThat(serializer.deserialize(new DataInputDeserializer(actual.getCopyOfBuffer())))
                    .isEqualTo(e);
        }
    }

    /** A checkpoint stream gets each event in one write, with the bytes an array-backed view gets. */
    @Test
    void aStreamGetsTheSameBytesInOneWrite() throws IOException {
        ClickEvent large = new ClickEvent("e-3", "u-7", "s-3", EventType.CLICK, "/", 1L, null, null,
                "x".repeat(100_000));
        for (ClickEvent e : List.of(FULL, SPARSE, large, FULL)) {
            DataOutputSerializer direct = new DataOutputSerializer(64);
            serializer.serialize(e, direct);
            int[] writes = {0};
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream() {
                @Override
                public synchronized void write(int b) {
                    writes[0]++;
                    super.write(b);
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    writes[0]++;
                    super.write(b, off, len);
                }
            };
            serializer.serialize(e, new org.apache.flink.core.memory.DataOutputViewStreamWrapper(bytes));
            assertThat(bytes.toByteArray()).isEqualTo(direct.getCopyOfBuffer());
            assertThat(writes[0]).isEqualTo(1);
        }
    }

    @Test
    void copyIsTheSameImmutableEvent() {
        assertThat(serializer.isImmutableType()).isTrue();
        assertThat(serializer.copy(FULL)).isSameAs(FULL);
        assertThat(serializer.copy(FULL, SPARSE)).isSameAs(FULL);
    }

    @Test
    void copyBetweenViewsCopiesTheBytes() throws IOException {
        DataOutputSerializer first = new DataOutputSerializer(64);
        serializer.serialize(FULL, first);
        DataOutputSerializer second = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(first.getCopyOfBuffer()), second);
        assertThat(second.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
    }

    @Test
    void unknownTypeCodeIsAnErrorThatNamesIt() {
        byte[] bytes = {0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class).hasMessageContaining("event type code 9 is unknown");
    }

    @Test
    void snapshotRestoresThisSerializerAndIsCompatibleWithItself() throws IOException {
        TypeSerializerSnapshot<ClickEvent> snapshot = restore(serializer.snapshotConfiguration());
        assertThat(snapshot.restoreSerializer()).isInstanceOf(ClickEventSerializer.class);
        assertThat(new ClickEventSerializer.Snapshot().resolveSchemaCompatibility(snapshot).isCompatibleAsIs()).isTrue();
    }

    /** State of releases before this serializer: written by the POJO serializer, read by it, written again by ours. */
    @Test
    void statePojoSerializerWroteMigratesToThisSerializer() throws Exception {
        TypeSerializer<ClickEvent> pojo = pojoSerializer();
        TypeSerializerSnapshot<ClickEvent> old = restore(pojo.snapshotConfiguration());
        TypeSerializerSchemaCompatibility<ClickEvent> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();

        // Migration reads with the serializer the old snapshot restores: it must rebuild the immutable event.
        TypeSerializer<ClickEvent> reader = old.restoreSerializer();
        for (ClickEvent e : List.of(FULL, SPARSE)) {
            ClickEvent migrated = roundTrip(pojo, reader, e);
            assertThat(migrated).isEqualTo(e);
            assertThat(roundTrip(serializer, migrated)).isEqualTo(e);
        }
    }

    @Test
    void anotherSerializersStateIsIncompatible() throws IOException {
        TypeSerializerSnapshot<ClickEvent> kryo = restore(new org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer<>(
                ClickEvent.class, new SerializerConfigImpl()).snapshotConfiguration());
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(kryo).isIncompatible())
                .isTrue();
    }

    /** Flink's POJO serializer for ClickEvent, as the releases before {@link ClickEventSerializer} used it. */
    private static TypeSerializer<ClickEvent> pojoSerializer() throws NoSuchFieldException {
        List<PojoField> fields = new ArrayList<>();
        for (String name : new String[] {"eventId", "sessionId", "spend", "ts", "type", "url", "userAgent", "userId",
                "referrer"}) {
            java.lang.reflect.Field f = ClickEvent.class.getField(name);
            fields.add(new PojoField(f, TypeInformation.of(f.getType())));
        }
        return new PojoTypeInfo<>(ClickEvent.class, fields).createSerializer(new SerializerConfigImpl());
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    private static ClickEvent roundTrip(TypeSerializer<ClickEvent> serializer, ClickEvent e) throws IOException {
        return roundTrip(serializer, serializer, e);
    }

    private static ClickEvent roundTrip(TypeSerializer<ClickEvent> writer, TypeSerializer<ClickEvent> reader,
                                        ClickEvent e) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        writer.serialize(e, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        ClickEvent read = reader.deserialize(in);
        assertThat(in.available()).as("bytes left after reading").isZero();
        return read;
    }

    /** Writes a snapshot as a checkpoint does and reads it back. */
    private static TypeSerializerSnapshot<ClickEvent> restore(TypeSerializerSnapshot<ClickEvent> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                ClickEventSerializerTest.class.getClassLoader());
    }

    /** A user's events share one userId String (the keyed state's lookups compare references), and ids that share a slot stay apart. */
    @Test
    void eventsOfOneUserShareTheirUserIdString() throws IOException {
        // 20,000 users (the generator's default) in 65,536 slots: most ids keep their slot from one event to the next.
        assertThat(sharedAcrossTwoRounds(20_000)).isBetween(13_000, 20_000);
        // Ten times the slots: ids replace each other all the time, and every one still reads back as itself.
        assertThat(sharedAcrossTwoRounds(655_360)).isLessThan(655_360 / 10);
    }

    /** Reads two rounds of events of {@code users} users; returns how many users' second event had the first's String. */
    private int sharedAcrossTwoRounds(int users) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1 << 20);
        for (int round = 0; round < 2; round++) {
            for (int u = 0; u < users; u++) {
                serializer.serialize(new ClickEvent("e-" + u, "u-" + u, null, EventType.VIEW, "/", u, null, null, null), out);
            }
        }
        serializer.serialize(new ClickEvent("e-x", "\u00fc-7", null, EventType.VIEW, "/", 1L, null, null, null), out);
        serializer.serialize(new ClickEvent("e-y", "u-" + "x".repeat(100), null, EventType.VIEW, "/", 1L, null, null, null), out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        String[] first = new String[users];
        for (int u = 0; u < users; u++) {
            first[u] = serializer.deserialize(in).userId;
            assertThat(first[u]).isEqualTo("u-" + u);
        }
        int shared = 0;
        for (int u = 0; u < users; u++) {
            String again = serializer.deserialize(in).userId;
            assertThat(again).isEqualTo("u-" + u);
            if (again == first[u]) {
                shared++;
            }
        }
        assertThat(serializer.deserialize(in).userId).isEqualTo("\u00fc-7");
        assertThat(serializer.deserialize(in).userId).isEqualTo("u-" + "x".repeat(100));
        assertThat(in.available()).isZero();
        return shared;
    }
}

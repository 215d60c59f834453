package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A user's journeys as a log of changes: what reads back, and what each write costs. */
class JourneyLogTest {

    /**
     * A list state that serializes each entry as it is given, as RocksDB does, and counts the events it was given
     * to write.
     */
    private static final class SerializedList implements ListState<JourneyLog.Change> {
        private final JourneyLog.ChangeSerializer serializer = new JourneyLog.ChangeSerializer();
        private final List<byte[]> entries = new ArrayList<>();
        private final List<Integer> eventsPerWrite = new ArrayList<>();

        private byte[] bytes(JourneyLog.Change c) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serializer.serialize(c, out);
            int events = 0;
            for (int l = 0; l < JourneyStore.LISTS; l++) {
                events += c.appended(l).size();
            }
            eventsPerWrite.add(events);
            return out.getCopyOfBuffer();
        }

        @Override
        public Iterable<JourneyLog.Change> get() throws Exception {
            if (entries.isEmpty()) {
                return null;   // as RocksDB: no entry, no list
            }
            List<JourneyLog.Change> read = new ArrayList<>();
            for (byte[] b : entries) {
                read.add(serializer.deserialize(new DataInputDeserializer(b)));
            }
            return read;
        }

        @Override
        public void add(JourneyLog.Change c) throws Exception {
            entries.add(bytes(c));
        }

        @Override
        public void update(List<JourneyLog.Change> values) throws Exception {
            entries.clear();
            addAll(values);
        }

        @Override
        public void addAll(List<JourneyLog.Change> values) throws Exception {
            for (JourneyLog.Change c : values) {
                add(c);
            }
        }

        @Override
        public void clear() {
            entries.clear();
        }
    }

    private static ClickEvent event(int n) {
        return new ClickEvent("e" + n, "u1", "s1", n % 3 == 0 ? EventType.PURCHASE : EventType.CLICK, "/p" + n,
                1_000L * n, n % 3 == 0 ? 1.5 * n : null, null, null);
    }

    /** The lists' events and the open windows, as text: equal values read the same. */
    private static String contents(JourneyState s) {
        StringBuilder b = new StringBuilder();
        for (int l = 0; l < JourneyStore.LISTS; l++) {
            b.append(l).append(": ").append(s.get(l)).append('\n');
        }
        return b.append("windows: ").append(Arrays.toString(Arrays.copyOf(s.windows, s.windowCount * JourneyState.WINDOW_LONGS)))
                .toString();
    }

    /** Applies one random change to both values. */
    private static void change(Random random, int n, JourneyState logged, JourneyState plain) {
        int list = random.nextInt(JourneyStore.LISTS);
        switch (random.nextInt(7)) {
            case 0: case 1: case 2:
                logged.add(list, event(n));
                plain.add(list, event(n));
                break;
            case 3:
                int drop = random.nextInt(4);
                logged.dropFirst(list, drop);
                plain.dropFirst(list, drop);
                break;
            case 4:   // a list replaced by some of its events, as a journey does when it keeps what is left
                List<ClickEvent> kept = new ArrayList<>();
                for (ClickEvent e : plain.get(list)) {
                    if (random.nextBoolean()) {
                        kept.add(e);
                    }
                }
                logged.set(list, new ArrayList<>(kept));
                plain.set(list, new ArrayList<>(kept));
                break;
            case 5:
                long start = random.nextInt(4) * 300_000L;
                if (n % 3 == 0) {
                    logged.revise(start);
                    plain.revise(start);
                } else {
                    logged.count(start, 1, n % 2, n);
                    plain.count(start, 1, n % 2, n);
                }
                break;
            default:
                if (random.nextInt(4) == 0) {
                    logged.clearWindows();
                    plain.clearWindows();
                } else {
                    long closed = random.nextInt(4) * 300_000L;
                    logged.remove(closed);
                    plain.remove(closed);
                }
        }
    }

    @Test
    void theValueReadBackFromItsLogEqualsTheValueAfterEveryWriteAndEveryRead() throws Exception {
        Random random = new Random(7);
        SerializedList entries = new SerializedList();
        JourneyLog log = new JourneyLog(entries);
        JourneyState plain = new JourneyState();
        JourneyState logged = new JourneyState();
        int rewrites = 0;
        for (int n = 0; n < 20_000; n++) {
            change(random, n, logged, plain);
            if (random.nextInt(10) == 0) {   // a checkpoint
                log.update(logged);
                rewrites += entries.entries.size() == 1 ? 1 : 0;
                assertThat(contents(log.value())).as("read back after change %d", n).isEqualTo(contents(plain));
            }
            if (random.nextInt(100) == 0) {   // the user leaves the cache, and comes back
                log.update(logged);
                logged = log.value();
                assertThat(contents(logged)).as("read back after change %d", n).isEqualTo(contents(plain));
            }
        }
        assertThat(entries.entries.size()).isBetween(1, JourneyLog.MAX_ENTRIES);
        assertThat(rewrites).as("rewritten whole now and then, not at every write").isBetween(2, 1_000);
    }

    @Test
    void anEventIsWrittenOnceUntilTheLogHoldsMoreDroppedEventsThanLiveOnesAndSlack() throws Exception {
        SerializedList entries = new SerializedList();
        JourneyLog log = new JourneyLog(entries);
        JourneyState s = new JourneyState();
        int n = 0;
        for (; n < 100; n++) {
            s.add(JourneyStore.ATTRIBUTION_CLICKS, event(n));
        }
        log.update(s);   // new here: whole
        for (int round = 0; round < 28; round++) {
            for (int i = 0; i < 10; i++) {
                s.add(JourneyStore.ATTRIBUTION_CLICKS, event(n++));
            }
            s.dropFirst(JourneyStore.ATTRIBUTION_CLICKS, 10);
            log.update(s);
        }
        // The log holds 100 + 10 per round; the 14th round would make it 240 > 2 * 100 + 32, so it is rewritten.
        List<Integer> expected = new ArrayList<>(List.of(100));
        for (int twice = 0; twice < 2; twice++) {
            expected.addAll(java.util.Collections.nCopies(13, 10));
            expected.add(100);
        }
        assertThat(entries.eventsPerWrite).isEqualTo(expected);
        assertThat(entries.entries).hasSize(1);
        assertThat(log.value().get(JourneyStore.ATTRIBUTION_CLICKS)).isEqualTo(s.get(JourneyStore.ATTRIBUTION_CLICKS));
    }

    @Test
    void aValueReadAndNotChangedWritesNothingAndANewOneIsWrittenWhole() throws Exception {
        SerializedList entries = new SerializedList();
        JourneyLog log = new JourneyLog(entries);
        JourneyState s = new JourneyState();
        s.add(JourneyStore.OPEN_CARTS, event(1));
        s.count(0, 1, 0, 0);
        log.update(s);
        JourneyState read = log.value();
        log.update(read);
        log.update(s);
        assertThat(entries.eventsPerWrite).containsExactly(1);

        JourneyState replacing = new JourneyState();   // created anew, as when the user's value was cleared
        replacing.add(JourneyStore.OPEN_CLICKS, event(2));
        log.update(replacing);
        assertThat(entries.entries).hasSize(1);
        assertThat(contents(log.value())).isEqualTo(contents(replacing));
    }

    @Test
    void aLogOfManySmallChangesIsRewrittenAtItsMostEntries() throws Exception {
        SerializedList entries = new SerializedList();
        JourneyLog log = new JourneyLog(entries);
        JourneyState s = new JourneyState();
        log.update(s);
        for (int i = 0; i < JourneyLog.MAX_ENTRIES - 1; i++) {
            s.count(0, 1, 0, 0);   // the windows change, no event
            log.update(s);
        }
        assertThat(entries.entries).hasSize(JourneyLog.MAX_ENTRIES);
        s.count(0, 1, 0, 0);
        log.update(s);
        assertThat(entries.entries).hasSize(1);
        assertThat(log.value().windows).startsWith(0, JourneyLog.MAX_ENTRIES, 0, 0);
    }

    @Test
    void anEntryOfANewerFormatIsRefusedWithWhatToDo() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[] {9, 8, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> new JourneyLog.ChangeSerializer().deserialize(in))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("user-journeys-changes state in format 9")
                .hasMessageContaining("restore it with that version");
    }

    @Test
    void anEntryOfFormatOneReadsItsWindowsAsNotFiredYetSoTheirFirstLateEventIsRevisionOne() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);
        out.writeByte(JourneyStore.LISTS);
        out.writeInt(0);                                   // no list changed
        out.writeBoolean(true);
        out.writeInt(1);                                   // one window: start, clicks, purchases, cents
        for (long v : new long[] {300_000, 2, 1, 1250}) {
            out.writeLong(v);
        }
        JourneyLog.Change read = new JourneyLog.ChangeSerializer()
                .deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.events.revise(300_000)).containsExactly(2, 1, 1250, 1);
        assertThat(read.events.revise(300_000)).containsExactly(2, 1, 1250, 2);
    }

    @Test
    void aCopyOfAnEntryKeepsWhatItWroteWhenItsValueChangesAfter() throws Exception {
        JourneyState s = new JourneyState();
        s.add(JourneyStore.OPEN_CLICKS, event(1));
        s.add(JourneyStore.OPEN_CLICKS, event(2));
        JourneyLog.Change change = new JourneyLog.Change(s, new int[] {0, 0, 1, 0, 0, 0, 0, 0}, new int[JourneyStore.LISTS], false);
        JourneyLog.Change copy = new JourneyLog.ChangeSerializer().copy(change);
        s.dropFirst(JourneyStore.OPEN_CLICKS, 2);
        assertThat(copy.appended(JourneyStore.OPEN_CLICKS)).containsExactly(event(2));
    }
}

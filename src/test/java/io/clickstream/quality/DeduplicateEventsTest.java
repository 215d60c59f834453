package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.HeapAware;
import io.clickstream.event.UserTimers;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import io.clickstream.quality.DeduplicateEvents.IdStore;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dedup operator (keyed by user) with a controlled processing-time clock and explicit watermarks, in each of
 * its forms of state ({@link IdStore}); the harness's state is on the heap whichever form is forced, unless a test
 * puts it in RocksDB.
 */
class DeduplicateEventsTest {
    private static final Duration HORIZON = Duration.ofMinutes(10);
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> harness;

    private void open(IdStore store) throws Exception {
        harness = newHarness(store);
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> newHarness(IdStore store)
            throws Exception {
        return newHarness(new HeapAware.Operator<>(new DeduplicateEvents(HORIZON, store)));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> newHarness(
            OneInputStreamOperator<ClickEvent, ClickEvent> operator) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(operator, e -> e.userId, Types.STRING);
    }

    /** The operator as the job builds it, on RocksDB, with {@code cachedUsers} users' state on the heap. */
    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> onRocksDb(int cachedUsers)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> h =
                newHarness(DeduplicateEvents.operator(HORIZON, cachedUsers));
        h.setStateBackend(new org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend());
        return h;
    }

    /** Opens {@link #harness} on the operator as the job builds it, on RocksDB; returns the operator. */
    private KeyedProcessOperator<String, ClickEvent, ClickEvent> openOnRocksDb(int cachedUsers) throws Exception {
        KeyedProcessOperator<String, ClickEvent, ClickEvent> operator = DeduplicateEvents.operator(HORIZON, cachedUsers);
        harness = newHarness(operator);
        harness.setStateBackend(new org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend());
        harness.open();
        return operator;
    }

    /** A new operator in the {@code store} form, started from {@code snapshot} with the clock at {@code now}. */
    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> restore(
            IdStore store, OperatorSubtaskState snapshot, Duration now) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> restored = newHarness(store);
        restored.setProcessingTime(now.toMillis());
        restored.initializeState(snapshot);
        restored.open();
        return restored;
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static ClickEvent event(String user, String id, long ts) {
        return new ClickEvent(id, user, null, EventType.VIEW, "/", ts, null, null, null);
    }

    private void send(String id, long ts) throws Exception {
        send("u-1", id, ts);
    }

    private void send(String user, String id, long ts) throws Exception {
        harness.processElement(new StreamRecord<>(event(user, id, ts), ts));
    }

    /**
     * The states a user with ids has an entry in: its value; its map entries and cleanup time; or its blocks, their
     * list and its cleanup time.
     */
    private static int statesPerUser(IdStore store) {
        return store == IdStore.ONE_VALUE ? 1 : store == IdStore.MAP_ENTRIES ? 2 : 3;
    }

    private List<String> emittedIds() {
        return harness.extractOutputValues().stream().map(e -> e.eventId).collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(IdStore.class)
    void passesTheFirstEventOfEachIdAndDropsRepeats(IdStore store) throws Exception {
        open(store);
        send("a", 1_000);
        send("b", 2_000);
        send("a", 1_000);
        send("a", 5_000);   // same id, other content: the first one wins
        send("c", 3_000);

        assertThat(emittedIds()).containsExactly("a", "b", "c");
        assertThat(harness.extractOutputValues().get(0).ts).isEqualTo(1_000);
    }

    @ParameterizedTest
    @EnumSource(IdStore.class)
    void theSameIdFromTwoUsersIsTwoEvents(IdStore store) throws Exception {
        open(store);
        send("u-1", "a", 1_000);
        send("u-2", "a", 1_000);
        send("u-2", "a", 1_000);

        assertThat(harness.extractOutputValues()).extracting(e -> e.userId).containsExactly("u-1", "u-2");
    }

    @ParameterizedTest
    @EnumSource(IdStore.class)
    void forgetsAnIdOnceTheHorizonHasPassed(IdStore store) throws Exception {
        open(store);
        harness.setProcessingTime(0);
        send("a", 1_000);
        harness.setProcessingTime(HORIZON.toMillis() - 1);
        send("a", 1_000);   // within the horizon: duplicate
        harness.setProcessingTime(HORIZON.toMillis());
        send("a", 1_000);   // the horizon has passed: passes again

        assertThat(emittedIds()).containsExactly("a", "a");
    }

    @ParameterizedTest
    @EnumSource(IdStore.class)
    void anExpiredIdPassesBeforeItsCleanupHasRun(IdStore store) throws Exception {
        open(store);
        harness.setProcessingTime(1);
        send("a", 1_000);
        // The cleanup is due up to a sixtieth of the horizon (10 s) after the expiry at 600,001.
        harness.setProcessingTime(HORIZON.toMillis() + 1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        send("a", 1_000);

        assertThat(emittedIds()).containsExactly("a", "a");
    }

    @ParameterizedTest
    @EnumSource(IdStore.class)
    void expiredIdsAreRemovedFromStateAndCheckpoints(IdStore store) throws Exception {
        open(store);
        harness.setProcessingTime(0);
        send("u-1", "a", 1_000);
        send("u-1", "b", 1_000);
        send("u-2", "x", 1_000);
        harness.setProcessingTime(Duration.ofMinutes(5).toMillis());
        send("u-1", "c", 1_000);
        harness.setProcessingTime(Duration.ofMinutes(12).toMillis());  // a, b and x expired and cleaned up, c not

        // What is left: u-1's ids (c) and its next cleanup time (in the map and block forms a second state, and in
        // the block form the list of its blocks a third); nothing of u-2.
        int entries = statesPerUser(store);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(entries);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.prepareSnapshotPreBarrier(1);   // as the task does before each checkpoint
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);

        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> restored =
                restore(store, snapshot, Duration.ofMinutes(12));
        try {
            assertThat(restored.numKeyedStateEntries()).isEqualTo(entries);
            restored.processElement(new StreamRecord<>(event("u-1", "c", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-1", "a", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-2", "x", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a", "x");
            // c's cleanup still comes after the restore.
            restored.setProcessingTime(Duration.ofMinutes(16).toMillis());
            restored.processElement(new StreamRecord<>(event("u-1", "c", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a", "x", "c");
        } finally {
            restored.close();
        }
    }

    /** Users' cleanups run on grids of their own, so they do not all run at the same moments. */
    @ParameterizedTest
    @EnumSource(IdStore.class)
    void eachUsersCleanupRunsOnTheirOwnGrid(IdStore store) throws Exception {
        open(store);
        harness.setProcessingTime(0);
        send("u-1", "a", 1_000);
        send("u-2", "a", 1_000);
        long step = HORIZON.toMillis() / 60;
        long u1 = UserTimers.roundUp(HORIZON.toMillis(), step, "u-1");
        long u2 = UserTimers.roundUp(HORIZON.toMillis(), step, "u-2");
        assertThat(u1).isNotEqualTo(u2);
        int perUser = statesPerUser(store);
        harness.prepareSnapshotPreBarrier(1);   // the block form writes its ids before a checkpoint

        harness.setProcessingTime(Math.min(u1, u2) - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2 * perUser);
        harness.setProcessingTime(Math.min(u1, u2));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(perUser);
        harness.setProcessingTime(Math.max(u1, u2));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(IdStore.class)
    void eventsBehindTheWatermarkStillPass(IdStore store) throws Exception {
        open(store);
        harness.processWatermark(new Watermark(10_000));
        send("late", 9_000);
        send("on-time", 11_000);

        assertThat(emittedIds()).containsExactly("late", "on-time");
    }

    static Stream<Arguments> otherForms() {
        return Stream.of(IdStore.values()).flatMap(from -> Stream.of(IdStore.values()).filter(to -> to != from)
                .map(to -> Arguments.of(from, to)));
    }

    /**
     * A savepoint of one form restores into each other (a change of state backend or of the RocksDB cache, or an
     * upgrade): each user's ids, first-seen times and pending cleanup move over on its first event or timer.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("otherForms")
    void eachFormTakesOverTheOthersState(IdStore from, IdStore to) throws Exception {
        open(from);
        harness.setProcessingTime(0);
        send("u-1", "a", 1_000);
        send("u-2", "x", 1_000);
        harness.setProcessingTime(Duration.ofMinutes(5).toMillis());
        send("u-1", "b", 1_000);
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);

        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> restored =
                restore(to, snapshot, Duration.ofMinutes(5));
        try {
            // u-1 by an event: a and b are repeats, c is new.
            restored.processElement(new StreamRecord<>(event("u-1", "a", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-1", "b", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-1", "c", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("c");
            // u-2 sends nothing: its cleanup timer (due at 10 min) still runs and takes x over, expired.
            restored.setProcessingTime(Duration.ofMinutes(11).toMillis());
            assertThat(restored.numKeyedStateEntries()).as("u-1 (b, c) only, in the new form")
                    .isEqualTo(statesPerUser(to));
            restored.processElement(new StreamRecord<>(event("u-2", "x", 1_000), 1_000));
            // b (seen at 5 min) is still a repeat at 11 min; a expired at 10 min.
            restored.processElement(new StreamRecord<>(event("u-1", "b", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-1", "a", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("c", "x", "a");
        } finally {
            restored.close();
        }
    }

    @Test
    void theOperatorStoresOneValuePerUserOnTheHeap() throws Exception {
        KeyedProcessOperator<String, ClickEvent, ClickEvent> operator = DeduplicateEvents.operator(HORIZON, 0);
        harness = newHarness(operator);
        harness.open();
        send("u-1", "a", 1_000);
        send("u-1", "a", 1_000);

        assertThat(((DeduplicateEvents) operator.getUserFunction()).store()).isEqualTo(IdStore.ONE_VALUE);
        assertThat(emittedIds()).containsExactly("a");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void theOperatorStoresMapEntriesInRocksDb() throws Exception {
        KeyedProcessOperator<String, ClickEvent, ClickEvent> operator = DeduplicateEvents.operator(HORIZON, 0);
        harness = newHarness(operator);
        harness.setStateBackend(new org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend());
        harness.open();
        send("u-1", "a", 1_000);
        send("u-1", "a", 1_000);
        send("u-1", "b", 1_000);

        assertThat(((DeduplicateEvents) operator.getUserFunction()).store()).isEqualTo(IdStore.MAP_ENTRIES);
        assertThat(emittedIds()).containsExactly("a", "b");
    }

    /**
     * With the cache (the default) the operator on RocksDB writes a user's new ids as one block before each
     * checkpoint, not an entry per id; a block is removed once its latest id is past the horizon.
     */
    @Test
    void inRocksDbWithTheCacheACheckpointWritesOneBlockPerUserWithNewIds() throws Exception {
        KeyedProcessOperator<String, ClickEvent, ClickEvent> operator = openOnRocksDb(10);
        DeduplicateEvents dedup = (DeduplicateEvents) operator.getUserFunction();
        harness.setProcessingTime(1_000);
        send("u-1", "a", 1_000);
        send("u-1", "b", 1_000);
        send("u-1", "a", 1_000);
        harness.setProcessingTime(2_000);
        send("u-1", "c", 1_000);
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).as("nothing written before a checkpoint").isEmpty();

        harness.prepareSnapshotPreBarrier(1);
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).as("a, b, c in one block, keyed by the latest first-seen").containsExactly(2_000L);
        harness.prepareSnapshotPreBarrier(2);
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).as("no new ids, no new block").containsExactly(2_000L);

        harness.setProcessingTime(60_000);
        send("u-1", "d", 1_000);
        harness.prepareSnapshotPreBarrier(3);
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).containsExactly(2_000L, 60_000L);

        harness.setProcessingTime(HORIZON.toMillis() + 30_000);   // the first block's cleanup ran; d is live
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).containsExactly(60_000L);
        send("u-1", "a", 1_000);
        send("u-1", "d", 1_000);
        assertThat(emittedIds()).containsExactly("a", "b", "c", "d", "a");
    }

    /**
     * A cleanup finds the blocks past the horizon in the list of the user's blocks, and reads none of them (in RocksDB
     * an iterator over the blocks reads each whole); whether the user is on the heap (ten cached users) or has left
     * it (one cached user, pushed out by u-2's 101 ids).
     */
    @ParameterizedTest(name = "cachedUsers={0}")
    @ValueSource(ints = {1, 10})
    void inRocksDbACleanupFindsExpiredBlocksInTheirListWithoutReadingThem(int cachedUsers) throws Exception {
        KeyedProcessOperator<String, ClickEvent, ClickEvent> operator = openOnRocksDb(cachedUsers);
        DeduplicateEvents dedup = (DeduplicateEvents) operator.getUserFunction();
        for (long at : new long[] {1_000, 60_000, 120_000}) {
            harness.setProcessingTime(at);
            send("u-1", "a" + at, 1_000);
            harness.prepareSnapshotPreBarrier(at);   // one block per checkpoint
        }
        for (int k = 0; k < 101; k++) {
            send("u-2", "x" + k, 1_000);
        }
        operator.setCurrentKey("u-1");
        assertThat(dedup.listedBlockKeys()).containsExactly(1_000L, 60_000L, 120_000L);

        harness.setProcessingTime(HORIZON.toMillis() + 30_000);   // the first block's cleanup has run
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).containsExactly(60_000L, 120_000L);
        assertThat(dedup.listedBlockKeys()).containsExactly(60_000L, 120_000L);
        harness.setProcessingTime(HORIZON.toMillis() + 90_000);
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).containsExactly(120_000L);
        assertThat(dedup.listedBlockKeys()).containsExactly(120_000L);
        assertThat(dedup.blockReads()).as("no block read: u-1 and u-2 had none when first seen").isZero();

        harness.setProcessingTime(HORIZON.toMillis() + 180_000);   // every id expired and cleaned up
        for (String user : List.of("u-1", "u-2")) {
            operator.setCurrentKey(user);
            assertThat(dedup.blockKeys()).as(user).isEmpty();
            assertThat(dedup.listedBlockKeys()).as(user).isEmpty();
        }
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(dedup.blockReads()).isZero();
    }

    /**
     * Blocks written before there was a list of them (a savepoint from before it, made here by emptying the
     * lists): a user's are listed the first time it is read in the new run (u-2, by an event) or cleaned up (u-1,
     * by its timer alone, reading its blocks once), and then removed as they expire like any other.
     */
    @Test
    void inRocksDbBlocksFromBeforeTheirListAreListedOnceAndCleanedUp() throws Exception {
        KeyedProcessOperator<String, ClickEvent, ClickEvent> operator = openOnRocksDb(10);
        DeduplicateEvents dedup = (DeduplicateEvents) operator.getUserFunction();
        for (long at : new long[] {1_000, 60_000}) {
            harness.setProcessingTime(at);
            send("u-1", "a" + at, 1_000);
            send("u-2", "x" + at, 1_000);
            harness.prepareSnapshotPreBarrier(at);
        }
        for (String user : List.of("u-1", "u-2")) {
            operator.setCurrentKey(user);
            dedup.unlistBlocks();
        }
        OperatorSubtaskState snapshot = harness.snapshot(2, 60_000);
        harness.close();

        operator = DeduplicateEvents.operator(HORIZON, 10);
        harness = newHarness(operator);
        harness.setStateBackend(new org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend());
        harness.setProcessingTime(60_000);
        harness.initializeState(snapshot);
        harness.open();
        dedup = (DeduplicateEvents) operator.getUserFunction();

        send("u-2", "x60000", 1_000);   // a repeat: u-2's blocks are read into the filters, and listed
        send("u-2", "y", 1_000);
        operator.setCurrentKey("u-2");
        assertThat(dedup.listedBlockKeys()).containsExactly(1_000L, 60_000L);
        assertThat(dedup.blockReads()).as("u-2's first event, and its repeat looked up in its blocks").isEqualTo(2);

        harness.setProcessingTime(HORIZON.toMillis() + 30_000);   // the first blocks' cleanups have run
        assertThat(dedup.blockReads()).as("and u-1's first cleanup, once").isEqualTo(3);
        operator.setCurrentKey("u-1");
        assertThat(dedup.blockKeys()).containsExactly(60_000L);
        assertThat(dedup.listedBlockKeys()).containsExactly(60_000L);
        operator.setCurrentKey("u-2");   // y, written before the cleanup, in a block of its own
        assertThat(dedup.blockKeys()).containsExactly(60_000L, 60_001L);
        assertThat(dedup.listedBlockKeys()).containsExactly(60_000L, 60_001L);

        harness.setProcessingTime(HORIZON.toMillis() + 90_000);   // every block past the horizon
        for (String user : List.of("u-1", "u-2")) {
            operator.setCurrentKey(user);
            assertThat(dedup.blockKeys()).as(user).isEmpty();
            assertThat(dedup.listedBlockKeys()).as(user).isEmpty();
        }
        assertThat(dedup.blockReads()).as("no more reads: both are listed").isEqualTo(3);
        assertThat(emittedIds()).containsExactly("y");
    }

    /**
     * A user that keeps leaving the cache comes back without its blocks being read: its ids are in the filters. A
     * repeat of an id it no longer holds is looked up in its blocks, once per repeat.
     */
    @Test
    void inRocksDbAUserThatLeavesTheCacheComesBackWithoutReadingItsBlocks() throws Exception {
        KeyedProcessOperator<String, ClickEvent, ClickEvent> operator = openOnRocksDb(1);
        DeduplicateEvents dedup = (DeduplicateEvents) operator.getUserFunction();
        for (int i = 0; i < 50; i++) {   // u-2's 101 new ids push u-1 out of a budget of 100, and u-1 pushes u-2 out
            send("u-1", "a" + i, 1_000);
            for (int k = 0; k < 101; k++) {
                send("u-2", "x" + i + "-" + k, 1_000);
            }
        }
        assertThat(dedup.blockReads()).as("only new ids: no block read").isZero();

        for (int i = 0; i < 50; i++) {   // u-1 left with the last of u-2's ids: none of its ids is held
            send("u-1", "a" + i, 1_000);
        }
        assertThat(harness.extractOutputValues()).filteredOn(e -> e.userId.equals("u-1")).hasSize(50);
        assertThat(harness.extractOutputValues()).filteredOn(e -> e.userId.equals("u-2")).hasSize(50 * 101);
        assertThat(dedup.blockReads()).as("one per repeat").isEqualTo(50);
    }

    /**
     * In RocksDB the users' cleanup times are also held on the heap, and written through; the snapshot must hold
     * them, or u-1's next id after the restore sets a second timer.
     */
    @ParameterizedTest(name = "cachedUsers={0}")
    @ValueSource(ints = {0, 1, 10})
    void inRocksDbTheCleanupTimesAreInTheSnapshotWhateverTheCache(int cachedUsers) throws Exception {
        harness = onRocksDb(cachedUsers);
        harness.open();
        send("u-1", "a", 1_000);
        send("u-2", "x", 1_000);
        harness.prepareSnapshotPreBarrier(1);   // as the task does before each checkpoint
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);

        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> restored = onRocksDb(cachedUsers);
        restored.setProcessingTime(Duration.ofMinutes(5).toMillis());
        restored.initializeState(snapshot);
        restored.open();
        try {
            restored.processElement(new StreamRecord<>(event("u-1", "a", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-1", "b", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("b");
            assertThat(restored.numProcessingTimeTimers()).as("u-1's and u-2's, restored").isEqualTo(2);
        } finally {
            restored.close();
        }
    }

    /**
     * In RocksDB a user's ids are also kept on the heap (read from its map entries once, written through): with a
     * cache of one user (a budget of 100 ids) u-1's 150 ids leave it when u-2 comes, and u-1's repeat must be found
     * by reading the map again; with ten, it stays; without, every id is looked up in the map.
     */
    @ParameterizedTest(name = "cachedUsers={0}")
    @ValueSource(ints = {0, 1, 10})
    void inRocksDbARepeatIsDroppedWhetherTheUsersIdsAreOnTheHeapOrNot(int cachedUsers) throws Exception {
        harness = onRocksDb(cachedUsers);
        harness.open();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            send("u-1", "a" + i, 1_000);
            expected.add("a" + i);
        }
        send("u-2", "x", 1_000);
        send("u-1", "a0", 1_000);
        send("u-1", "a149", 1_000);
        send("u-2", "x", 1_000);
        send("u-1", "a150", 1_000);
        expected.addAll(List.of("x", "a150"));
        harness.setProcessingTime(HORIZON.plusMinutes(1).toMillis());   // every id expired and cleaned up
        send("u-1", "a0", 1_000);
        send("u-2", "x", 1_000);
        send("u-2", "x", 1_000);
        expected.addAll(List.of("a0", "x"));

        assertThat(emittedIds()).containsExactlyElementsOf(expected);
    }

    /**
     * The dedup on RocksDB with a cache of one or three users' worth of ids, which four users outgrow at once: users
     * keep leaving and coming back, their ids judged by the filters and their blocks, with checkpoints and restores
     * (after which each user's blocks are read into the filters again) in between; every event is still judged as a
     * map of each user's ids to their first-seen times judges it.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void inRocksDbWithFiltersAndEvictionsEveryEventIsJudgedAsAMapOfFirstSeenTimesWould(int cachedUsers) throws Exception {
        harness = onRocksDb(cachedUsers);
        harness.open();
        java.util.Random r = new java.util.Random(cachedUsers);
        long horizon = HORIZON.toMillis();
        java.util.Map<String, java.util.Map<String, Long>> model = new java.util.HashMap<>();
        java.util.Map<String, List<String>> pools = new java.util.HashMap<>();
        for (int u = 0; u < 4; u++) {
            List<String> pool = new java.util.ArrayList<>();
            for (int i = 0; i < 500; i++) {
                pool.add(i % 7 == 0 ? "u" + u + "-id-" + i : new java.util.UUID(r.nextLong(), r.nextLong()).toString());
            }
            pools.put("u-" + u, pool);
        }
        List<String> expected = new java.util.ArrayList<>();
        List<String> emitted = new java.util.ArrayList<>();
        long now = 0;
        for (int step = 0; step < 8_000; step++) {
            now += r.nextInt(400);   // about three horizons in all
            harness.setProcessingTime(now);
            String user = "u-" + r.nextInt(4);
            List<String> pool = pools.get(user);
            // Half the time one of the user's last ids (a retry), else any of its ids.
            String id = pool.get(r.nextBoolean() ? r.nextInt(pool.size()) : (step * 7) % pool.size());
            java.util.Map<String, Long> seen = model.computeIfAbsent(user, k -> new java.util.HashMap<>());
            Long first = seen.get(id);
            if (first == null || now >= first + horizon) {
                seen.put(id, now);
                expected.add(user + "/" + id);
            }
            send(user, id, 1_000);
            if (step % 1_500 == 1_499) {   // a checkpoint, then a restore from it: the filters are rebuilt from blocks
                harness.prepareSnapshotPreBarrier(step);   // as the task does before every checkpoint
                OperatorSubtaskState snapshot = harness.snapshot(step, now);
                harness.extractOutputValues().forEach(e -> emitted.add(e.userId + "/" + e.eventId));
                harness.close();
                harness = onRocksDb(cachedUsers);
                harness.setProcessingTime(now);
                harness.initializeState(snapshot);
                harness.open();
            }
        }
        harness.extractOutputValues().forEach(e -> emitted.add(e.userId + "/" + e.eventId));
        assertThat(emitted).containsExactlyElementsOf(expected);
    }
}

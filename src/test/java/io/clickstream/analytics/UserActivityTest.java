package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static org.assertj.core.api.Assertions.assertThat;

/** Sessions and inactivity in one operator: one value per user, on either backend, through a restore. */
class UserActivityTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));

    private static UserActivity activity(boolean sessions, int cachedUsers) {
        return new UserActivity(sessions ? new KeyedSessions(new Sessions.Gap(Duration.ofMinutes(30),
                Duration.ofMinutes(10)), Duration.ofSeconds(30), LATE) : null,
                new InactivityAlert(Duration.ofMinutes(5), true, "inactive-5m"), cachedUsers);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness(boolean rocksDb,
                                                                                            boolean sessions)
            throws Exception {
        return harness(rocksDb, sessions, 0);
    }

    /** {@code cachedUsers}: in RocksDB, the users kept on the heap between checkpoints (0: none). */
    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness(boolean rocksDb,
                                                                                            boolean sessions,
                                                                                            int cachedUsers)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h =
                JourneyHarness.create(activity(sessions, cachedUsers));
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h, String id,
                             String user, EventType type, long ts) throws Exception {
        Double spend = type == EventType.PURCHASE ? 12.5 : null;
        h.processElement(new StreamRecord<>(new ClickEvent(id, user, null, type, "/p", ts, spend, null, null), ts));
    }

    /** Three users; at the watermark each has a session open and an inactivity deadline ahead. */
    private static void firstHalf(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) throws Exception {
        send(h, "a1", "u1", EventType.VIEW, 0);
        send(h, "a2", "u2", EventType.VIEW, MIN);
        send(h, "a3", "u1", EventType.PURCHASE, 2 * MIN);
        send(h, "a4", "u3", EventType.CLICK, 3 * MIN);
        send(h, "a5", "u1", EventType.VIEW, 20 * MIN);            // after the purchase's 10-min gap: a new session
        h.processWatermark(new Watermark(4 * MIN));
    }

    /** A late event bridging u1's sessions, more events, then the end of time. */
    private static void secondHalf(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) throws Exception {
        send(h, "b1", "u2", EventType.VIEW, 5 * MIN);
        send(h, "b2", "u1", EventType.CLICK, 11 * MIN);           // bridges [0, 12 min) and [20, 50 min)
        h.processWatermark(new Watermark(12 * MIN));              // u2 and u3 inactive
        send(h, "b3", "u3", EventType.VIEW, 40 * MIN);            // u3's second session
        h.processWatermark(new Watermark(Long.MAX_VALUE));
    }

    private static List<String> results(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) {
        List<String> out = new ArrayList<>();
        JourneyHarness.values(h, UserActivity.SESSIONS).forEach(s -> out.add("session " + s.sessionKey + " ["
                + s.start + ".." + s.end + "] events=" + s.events + " purchases=" + s.purchases + " rev=" + s.revision));
        JourneyHarness.values(h, UserActivity.INACTIVITY).forEach(a -> out.add("alert " + a.alertId));
        return out;
    }

    private static List<String> uninterrupted(boolean rocksDb) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(rocksDb, true)) {
            h.open();
            firstHalf(h);
            secondHalf(h);
            return results(h);
        }
    }

    @Test
    void bothAnalysesGiveTheirResultsFromOneRun() throws Exception {
        assertThat(uninterrupted(false)).containsExactly(
                // u1's view at 20 min touches [0, 30 min): one session; fired by its first timer, at 30 min - 1
                "session u1|0 [0..1200000] events=4 purchases=1 rev=0",
                "session u2|60000 [60000..300000] events=2 purchases=0 rev=0",
                "session u3|180000 [180000..180000] events=1 purchases=0 rev=0",
                "session u3|2400000 [2400000..2400000] events=1 purchases=0 rev=0",
                "alert u1|inactive-5m|" + 7 * MIN,    // at u1's event at 20 min, 18 min after the one before
                "alert u3|inactive-5m|" + 8 * MIN,    // the watermark at 12 min fires 8 and 10 min
                "alert u2|inactive-5m|" + 10 * MIN,
                "alert u1|inactive-5m|" + 25 * MIN,   // the late click at 11 min does not move it back
                "alert u3|inactive-5m|" + 45 * MIN);
    }

    /**
     * In RocksDB with a cache of 100 users the snapshot holds the users' values only if the cache wrote them back
     * before it; with a cache of one user, every other user's value is written back as it leaves the cache.
     */
    @ParameterizedTest(name = "rocksDb={0}, cachedUsers={1}")
    @CsvSource({"false, 0", "true, 0", "true, 1", "true, 100"})
    void aRestoreGivesTheSameResultsAsAnUninterruptedRun(boolean rocksDb, int cachedUsers) throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(rocksDb, true, cachedUsers)) {
            h.open();
            firstHalf(h);
            h.prepareSnapshotPreBarrier(1);   // as the task does before each checkpoint
            snapshot = h.snapshot(1, 1);
            before = results(h);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(rocksDb, true, cachedUsers)) {
            h.initializeState(snapshot);
            h.open();
            secondHalf(h);
            List<String> all = new ArrayList<>(before);
            all.addAll(results(h));
            assertThat(all).containsExactlyInAnyOrderElementsOf(uninterrupted(rocksDb));
        }
        assertThat(uninterrupted(rocksDb)).isEqualTo(uninterrupted(false));
    }

    private static ClickEvent view(String id, long ts) {
        return new ClickEvent(id, "u1", null, EventType.VIEW, "/p", ts, null, null, null);
    }

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> activity(KeeperInFront<ClickEvent> c) {
        return (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void>) c.next;
    }

    /** The results, then the ids written as too late. */
    private static List<String> resultsAndLate(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) {
        List<String> out = results(h);
        if (h.getSideOutput(LATE) != null) {
            h.getSideOutput(LATE).forEach(r -> out.add("late " + r.getValue().eventId));
        }
        return out;
    }

    /** A view of u1 at 0 opens a session [0, 30 min); event time then passes its drop (30 min − 1 + 30 s). */
    private static void beforeTheStop(KeeperInFront<ClickEvent> c) throws Exception {
        c.process(view("a1", 0), 0);
        c.watermark(40 * MIN);
    }

    /** A view at 1 min, whose session was dropped, comes first; then event time goes on. */
    private static void afterTheStop(KeeperInFront<ClickEvent> c) throws Exception {
        c.process(view("b1", MIN), MIN);
        c.watermark(60 * MIN);
    }

    /**
     * In the job the per-user analyses run behind the dedup's {@link io.clickstream.event.KeptWatermark}. A restore
     * between the two halves gives what one run gives: the view at 1 min goes to late/ in both, as too late for its
     * session, and makes no session of its own.
     */
    @Test
    void behindTheKeptWatermarkARestoreTreatsAnEventTooLateBeforeItAsOneRunDoes() throws Exception {
        List<String> uninterrupted;
        try (KeeperInFront<ClickEvent> c = KeeperInFront.of(harness(false, true))) {
            c.open();
            beforeTheStop(c);
            afterTheStop(c);
            uninterrupted = resultsAndLate(activity(c));
        }
        assertThat(uninterrupted).contains("late b1").noneMatch(r -> r.startsWith("session u1|60000"));

        OperatorSubtaskState[] savepoint;
        List<String> restored;
        try (KeeperInFront<ClickEvent> c = KeeperInFront.of(harness(false, true))) {
            c.open();
            beforeTheStop(c);
            savepoint = c.snapshot();
            restored = resultsAndLate(activity(c));
        }
        try (KeeperInFront<ClickEvent> c = KeeperInFront.of(harness(false, true))) {
            c.restore(savepoint[0], savepoint[1]);
            c.open();
            afterTheStop(c);
            restored.addAll(resultsAndLate(activity(c)));
        }
        assertThat(restored).isEqualTo(uninterrupted);
    }

    /** Why the keeper is there: alone, the restored operator has no watermark and opens a session for that view. */
    @Test
    void withoutTheKeptWatermarkTheRestoredSessionsTakeThatEventAsANewSession() throws Exception {
        OperatorSubtaskState[] savepoint;
        try (KeeperInFront<ClickEvent> c = KeeperInFront.of(harness(false, true))) {
            c.open();
            beforeTheStop(c);
            savepoint = c.snapshot();
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(false, true)) {
            h.initializeState(savepoint[1]);
            h.open();
            send(h, "b1", "u1", EventType.VIEW, MIN);
            h.processWatermark(new Watermark(60 * MIN));

            assertThat(resultsAndLate(h)).contains("session u1|60000 [60000..60000] events=1 purchases=0 rev=0")
                    .doesNotContain("late b1");
        }
    }

    @Test
    void theHeapHoldsOneEntryPerUserForBothAnalyses() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(false, true)) {
            h.open();
            firstHalf(h);
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        }
    }

    @Test
    void sessionsSwitchedToTheirWindowsFormLeaveNoSessionsBehind() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(false, true)) {
            h.open();
            firstHalf(h);
            snapshot = h.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(false, false)) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(results(h)).as("only the inactivity alerts; the sessions' timers find nothing to run")
                    .containsExactly("alert u2|inactive-5m|" + 6 * MIN, "alert u3|inactive-5m|" + 8 * MIN,
                            "alert u1|inactive-5m|" + 25 * MIN);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void theSerializerWritesAndCopiesEveryField() throws Exception {
        ActivityState a = new ActivityState();
        KeyedSessions.Session s = new KeyedSessions.Session();
        s.start = 1;
        s.end = 2;
        s.events = 3;
        s.views = 4;
        s.purchases = 5;
        s.spendCents = 6;
        s.first = 7;
        s.last = 8;
        s.revision = 9;
        s.firePending = true;
        a.sessions = new KeyedSessions.Session[] {s};
        a.sessionTimer = 10;
        a.lastSeen = 11;
        a.inactivityTimer = 12;

        DataOutputSerializer out = new DataOutputSerializer(64);
        ActivityStateSerializer.INSTANCE.serialize(a, out);
        ActivityState read = ActivityStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        ActivityState copy = ActivityStateSerializer.INSTANCE.copy(a);
        s.events = 100;   // a copy shares no session with the original

        for (ActivityState r : List.of(read, copy)) {
            KeyedSessions.Session c = r.sessions[0];
            assertThat(List.of(c.start, c.end, c.events, c.views, c.purchases, c.spendCents, c.first, c.last,
                    (long) c.revision, r.sessionTimer, r.lastSeen, r.inactivityTimer))
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(c.firePending).isTrue();
        }
    }
}

package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static org.assertj.core.api.Assertions.assertThat;

/** The keyed sessions' state and timers in {@link UserActivity} (their sessions: AnalyticsGoldenTest, for both forms). */
class KeyedSessionsTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));
    private UserActivity activity;
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness;

    /**
     * Sessions with a 30-min gap (10 after a purchase) and 30 s of lateness; inactivity after 1 s, so that a
     * watermark a second past the user's events leaves in state only what the sessions keep.
     */
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness() throws Exception {
        activity = new UserActivity(
                new KeyedSessions(new Sessions.Gap(Duration.ofMinutes(30), Duration.ofMinutes(10)), Duration.ofSeconds(30), LATE),
                new InactivityAlert(Duration.ofSeconds(1), true, "inactive-1s"));
        return JourneyHarness.create(activity);
    }

    private List<SessionSummary> sessions() {
        return JourneyHarness.values(harness, UserActivity.SESSIONS);
    }

    private int sessionTimers() {
        return activity.eventTimeTimers(UserActivity.SESSION_TIMERS);
    }

    @BeforeEach
    void open() throws Exception {
        harness = harness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static StreamRecord<ClickEvent> view(String id, long ts) {
        return new StreamRecord<>(new ClickEvent(id, "u1", null, EventType.VIEW, "/a", ts, null, null, null), ts);
    }

    @Test
    void eventsThatExtendASessionSetNoFurtherTimer() throws Exception {
        harness.processElement(view("e1", 0));
        harness.processElement(view("e2", MIN));
        harness.processElement(view("e3", 2 * MIN));
        assertThat(sessionTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(30 * MIN - 1));  // the first timer: the session now ends later
        assertThat(sessions()).isEmpty();
        assertThat(sessionTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(32 * MIN - 1));
        assertThat(sessions()).extracting(s -> s.events + " until " + s.windowEnd)
                .containsExactly("3 until " + 32 * MIN);
    }

    @Test
    void anEventLandingWhenTheWatermarkIsAtTheSessionsLastMillisecondRevisesItAtOnce() throws Exception {
        harness.processElement(view("e1", 0));
        harness.processWatermark(new Watermark(30 * MIN - 1));  // exactly the window's last millisecond: fires
        // A purchase (gap 10 min) inside [0, 30 min) does not extend the session: the watermark is still at its end.
        harness.processElement(new StreamRecord<>(
                new ClickEvent("p1", "u1", null, EventType.PURCHASE, "/buy", 10 * SEC, 5.0, null, null), 10 * SEC));

        assertThat(sessions()).extracting(s -> s.events + " revision " + s.revision)
                .containsExactly("1 revision 0", "2 revision 1");
    }

    @Test
    void anEventWhoseOwnWindowIsDroppedExactlyAtTheWatermarkIsLate() throws Exception {
        long wm = 60 * MIN;
        harness.processWatermark(new Watermark(wm));
        // [ts, ts + 30 min) is dropped at its last millisecond + 30 s lateness: at the watermark for "late".
        long late = wm - 30 * MIN - 30 * SEC + 1;
        harness.processElement(view("late", late));
        harness.processElement(view("kept", late + 1));

        assertThat(harness.getSideOutput(LATE)).extracting(r -> r.getValue().eventId).containsExactly("late");
        assertThat(sessions()).extracting(s -> s.start + " events=" + s.events)
                .containsExactly((late + 1) + " events=1");
    }

    @Test
    void aSessionPastItsLatenessLeavesNoStateAndNoTimer() throws Exception {
        harness.processElement(view("e1", 0));
        harness.processWatermark(new Watermark(30 * MIN - 1));
        assertThat(sessions()).hasSize(1);
        assertThat(sessionTimers()).as("the drop, 30 s later").isEqualTo(1);

        harness.processWatermark(new Watermark(30 * MIN - 1 + 30 * SEC));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(sessionTimers()).isZero();
    }

    @Test
    void aFiredSessionWhoseStartMovesEarlierFiresAgainAsRevisionZero() throws Exception {
        // The windows form counts firings by first event time: a new first event time has never fired.
        harness.processElement(view("e1", 0));
        harness.processWatermark(new Watermark(30 * MIN - 1));            // fires: revision 0 under start 0
        harness.processElement(view("early", -10 * SEC));                 // within the lateness: the start moves
        harness.processWatermark(new Watermark(30 * MIN - 1 + 30 * SEC)); // dropped

        assertThat(sessions()).extracting(s -> s.sessionKey + " events=" + s.events + " revision " + s.revision)
                .containsExactly("u1|0 events=1 revision 0", "u1|" + (-10 * SEC) + " events=2 revision 0");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void openSessionsAndTheirTimerSurviveARestore() throws Exception {
        harness.processElement(view("e1", 0));
        harness.processElement(view("e2", 50 * MIN));  // a second session
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement(view("e3", 5 * MIN));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(sessions()).extracting(s -> s.sessionKey + " events=" + s.events)
                .containsExactly("u1|0 events=2", "u1|" + 50 * MIN + " events=1");
    }
}

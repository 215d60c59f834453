package io.clickstream.analytics;

import io.clickstream.testing.Pipelines;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static io.clickstream.analytics.AnalyticsRun.T0;
import static io.clickstream.testing.ScriptedEvents.script;
import static org.assertj.core.api.Assertions.assertThat;

/** Exact outputs of the analytics for scripted inputs with explicit watermarks. */
class AnalyticsGoldenTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    @Test
    void anEventExactlyAtAWindowEndBelongsToTheNextWindow() throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .view("u1", "/a", T0)
                .view("u2", "/a", T0 + MIN - 1)
                .view("u3", "/a", T0 + MIN)
                .watermark(T0 + 2 * MIN), AnalyticsRun.defaults());

        assertThat(run.pageviews).containsExactly(
                new PageviewCount("/a", T0, T0 + MIN, 2, 0),
                new PageviewCount("/a", T0 + MIN, T0 + 2 * MIN, 1, 0));
    }

    @Test
    void aLateEventInsideTheAllowedLatenessEmitsARevisionAndALaterOneGoesToLate() throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .view("u1", "/a", T0 + SEC)
                .view("u2", "/a", T0 + 2 * SEC)
                .watermark(T0 + MIN)                 // fires [T0, T0+1m): 2 views
                .view("u3", "/a", T0 + 30 * SEC)     // late, within 30 s of lateness: revision 1
                .watermark(T0 + MIN + 30 * SEC)      // window maxTs + lateness passed: window state dropped
                .view("u4", "/a", T0 + 40 * SEC),    // too late: late/
                AnalyticsRun.defaults());

        assertThat(run.pageviews).containsExactly(
                new PageviewCount("/a", T0, T0 + MIN, 2, 0),
                new PageviewCount("/a", T0, T0 + MIN, 3, 1));
        assertThat(run.late).containsExactly(
                new LateEvent(Pageviews.ANALYSIS, "e4", "u4", "view", "/a", T0 + 40 * SEC, T0, T0 + MIN));
    }

    /** The session tests run against both forms: {@link KeyedSessions} (keyed) and Flink's session windows. */
    private static AnalyticsSettings sessions(String form) {
        return AnalyticsRun.defaults().withSessionWindows(form.equals("windows"));
    }

    private static String session(long start, long end, int events, int views, int purchases, double spend, int rev) {
        return "u1 [" + start + ".." + end + "] events=" + events + " views=" + views + " purchases=" + purchases
                + " spend=" + spend + " rev=" + rev;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "windows"})
    void aLateEventThatBridgesTwoSessionsMergesThemIntoARevision(String form) throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .view("u1", "/a", T0)
                .view("u1", "/b", T0 + 10 * MIN)      // session A: [T0, T0+10m], window to T0+40m
                .view("u1", "/c", T0 + 45 * MIN)      // session B starts: 35 min after A's last event
                .watermark(T0 + 40 * MIN)             // A fires
                .click("u1", T0 + 30 * MIN),          // late, within lateness of A: bridges A and B
                sessions(form));

        assertThat(run.sessions).extracting(Object::toString).containsExactly(
                session(T0, T0 + 10 * MIN, 2, 2, 0, 0.0, 0),
                session(T0, T0 + 45 * MIN, 4, 3, 0, 0.0, 1));
        assertThat(run.sessions.get(1).sessionKey).isEqualTo("u1|" + T0);
        assertThat(run.sessions.get(1).windowEnd).isEqualTo(T0 + 75 * MIN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "windows"})
    void aPurchaseShortensTheSessionGap(String form) throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .purchase("u1", T0, 10)
                .view("u1", "/a", T0 + 15 * MIN),     // beyond the 10 min gap after a purchase: a new session
                sessions(form));

        assertThat(run.sessions).extracting(s -> s.start + "/" + s.windowEnd).containsExactly(
                T0 + "/" + (T0 + 10 * MIN),
                (T0 + 15 * MIN) + "/" + (T0 + 45 * MIN));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "windows"})
    void aSessionFiresWhenTheWatermarkReachesItsLastMillisecond(String form) throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .view("u1", "/a", T0)                 // window [T0, T0+30m)
                .watermark(T0 + 30 * MIN - 2)         // not yet
                .purchase("u1", T0 + 5 * MIN, 1)      // [T0+5m, T0+15m): inside, the window stays
                .watermark(T0 + 30 * MIN - 1)         // fires
                .view("u1", "/c", T0 + 10 * MIN),     // behind the watermark, but extends the window past it: fires later
                sessions(form));

        assertThat(run.sessions).extracting(Object::toString).containsExactly(
                session(T0, T0 + 5 * MIN, 2, 1, 1, 1.0, 0),
                session(T0, T0 + 10 * MIN, 3, 2, 1, 1.0, 1));
        assertThat(run.sessions).extracting(s -> s.windowEnd).containsExactly(T0 + 30 * MIN, T0 + 40 * MIN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "windows"})
    void aLateEventInsideAFiredSessionRevisesItAtOnceAndOneAfterTheLatenessGoesToLate(String form) throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .view("u1", "/a", T0)
                .purchase("u1", T0 + 20 * MIN, 12.5)  // window to T0+30m (the view's gap reaches further)
                .watermark(T0 + 30 * MIN + 10 * SEC)  // fired, kept 30 s longer
                .view("u1", "/b", T0 - MIN)           // [T0-1m, T0+29m) overlaps it: fires at once, a new start
                .watermark(T0 + 30 * MIN + 30 * SEC - 2)
                .purchase("u1", T0 + MIN, 2.5)        // [T0+1m, T0+11m) inside: fires at once, revision 1
                .watermark(T0 + 30 * MIN + 30 * SEC - 1)  // last millisecond + lateness: dropped
                .purchase("u1", T0 + 2 * MIN, 1),     // its own window [T0+2m, T0+12m) is past the lateness too
                sessions(form));

        assertThat(run.sessions).extracting(Object::toString).containsExactly(
                session(T0, T0 + 20 * MIN, 2, 1, 1, 12.5, 0),
                session(T0 - MIN, T0 + 20 * MIN, 3, 2, 1, 12.5, 0),
                session(T0 - MIN, T0 + 20 * MIN, 4, 2, 2, 15.0, 1));
        assertThat(run.sessions).extracting(s -> s.sessionKey)
                .containsExactly("u1|" + T0, "u1|" + (T0 - MIN), "u1|" + (T0 - MIN));
        assertThat(run.late).filteredOn(l -> l.analysis.equals(Sessions.ANALYSIS)).containsExactly(
                new LateEvent(Sessions.ANALYSIS, "e5", "u1", "purchase", "/buy",
                T0 + 2 * MIN, T0 + 2 * MIN, T0 + 12 * MIN));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "windows"})
    void windowsThatTouchMergeAndAnEarlierEventMovesTheStart(String form) throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .view("u1", "/a", T0 + 10 * MIN)      // [T0+10m, T0+40m)
                .view("u1", "/b", T0 + 40 * MIN)      // [T0+40m, T0+70m): touches the first, one session
                .view("u1", "/c", T0 - 20 * MIN)      // out of order, [T0-20m, T0+10m): touches it, moves the start
                .view("u1", "/d", T0 + 110 * MIN)     // 40 min after: a second session
                .view("u1", "/e", T0 + 71 * MIN),     // between them, touching neither: a third
                sessions(form));

        assertThat(run.sessions).extracting(Object::toString).containsExactly(
                session(T0 - 20 * MIN, T0 + 40 * MIN, 3, 3, 0, 0.0, 0),
                session(T0 + 71 * MIN, T0 + 71 * MIN, 1, 1, 0, 0.0, 0),
                session(T0 + 110 * MIN, T0 + 110 * MIN, 1, 1, 0, 0.0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sliced", "naive"})
    void highSpendAlertsOnEveryWindowAboveTheThreshold(String detector) throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .purchase("u1", T0 + 10 * SEC, 600)
                .purchase("u1", T0 + 70 * SEC, 500)
                .purchase("u2", T0 + 20 * SEC, 999.99)
                .purchase("u2", T0 + 30 * SEC, 0.01),  // exactly 1000: not above
                detector.equals("naive") ? AnalyticsRun.naive() : AnalyticsRun.defaults());

        assertThat(run.alerts(HighSpend.CODE)).containsExactly(
                new Alert(HighSpend.CODE, "u1", T0 - 3 * MIN, T0 + 2 * MIN, 1100.0, 1000, 0),
                new Alert(HighSpend.CODE, "u1", T0 - 2 * MIN, T0 + 3 * MIN, 1100.0, 1000, 0),
                new Alert(HighSpend.CODE, "u1", T0 - MIN, T0 + 4 * MIN, 1100.0, 1000, 0),
                new Alert(HighSpend.CODE, "u1", T0, T0 + 5 * MIN, 1100.0, 1000, 0));
        assertThat(run.alerts(HighSpend.CODE).get(0).alertId).isEqualTo("u1|HIGH_SPEND_5M|" + (T0 + 2 * MIN));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sliced", "naive"})
    void aLatePurchaseRevisesAFiredSpendWindowAndATooLateOneGoesToLate(String detector) throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .purchase("u1", T0 + 10 * SEC, 600)
                .watermark(T0 + 5 * MIN)                      // windows ending T0+1m..T0+5m fired (600: no alert)
                .purchase("u1", T0 + 4 * MIN + 50 * SEC, 500) // late: revises [T0, T0+5m) to 1100
                .watermark(T0 + 6 * MIN)
                .purchase("u1", T0 + 20 * SEC, 2000),         // every window holding it is past the lateness
                detector.equals("naive") ? AnalyticsRun.naive() : AnalyticsRun.defaults());

        assertThat(run.alerts(HighSpend.CODE)).containsExactly(
                new Alert(HighSpend.CODE, "u1", T0, T0 + 5 * MIN, 1100.0, 1000, 1));
        assertThat(run.late).containsExactly(
                new LateEvent(HighSpend.ANALYSIS, "e3", "u1", "purchase", "/buy", T0 + 20 * SEC, T0, T0 + 5 * MIN));
    }

    @Test
    void everyThirdPurchaseOfAUserIsAMilestone() throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .purchase("u1", T0, 1)
                .purchase("u1", T0 + SEC, 2)
                .purchase("u2", T0 + 2 * SEC, 3)
                .purchase("u1", T0 + 3 * SEC, 4)
                .purchase("u1", T0 + 4 * SEC, 5)
                .purchase("u1", T0 + 5 * SEC, 6)
                .purchase("u1", T0 + 6 * SEC, 7), AnalyticsRun.defaults());

        assertThat(run.alerts(PurchaseMilestones.CODE)).extracting(a -> a.alertId + " at " + a.windowEnd).containsExactly(
                "u1|PURCHASE_MILESTONE|3 at " + (T0 + 3 * SEC),
                "u1|PURCHASE_MILESTONE|6 at " + (T0 + 6 * SEC));
    }

    @Test
    void runningSpendIsAnUpsertPerPurchase() throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .purchase("u1", T0, 10.10)
                .view("u1", "/a", T0 + SEC)
                .purchase("u1", T0 + 2 * SEC, 20.20)
                .purchase("u2", T0 + 3 * SEC, 5), AnalyticsRun.defaults());

        assertThat(run.userSpend).containsExactly(
                new UserSpend("u1", 10.10, 1, T0, 1),
                new UserSpend("u1", 30.30, 2, T0 + 2 * SEC, 2),
                new UserSpend("u2", 5.0, 1, T0 + 3 * SEC, 1));
    }

    @Test
    void inactivityAlertsFireFiveMinutesAfterEachUsersLastEvent() throws Exception {
        AnalyticsRun run = AnalyticsRun.run(script()
                .view("u1", "/a", T0)
                .view("u2", "/a", T0 + MIN)
                .view("u1", "/b", T0 + 3 * MIN)         // moves u1's timer to T0+8m
                .view("u1", "/c", T0 + 2 * MIN)         // out of order: does not move it back
                .watermark(T0 + 7 * MIN), AnalyticsRun.defaults());

        assertThat(run.alerts("inactive-5m")).extracting(a -> a.alertId + " last " + a.windowStart).containsExactly(
                "u1|inactive-5m|" + (T0 + 8 * MIN) + " last " + (T0 + 3 * MIN),
                "u2|inactive-5m|" + (T0 + 6 * MIN) + " last " + (T0 + MIN));
    }
}

package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.KeptWatermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.CountTrigger;
import org.apache.flink.streaming.api.windowing.triggers.PurgingTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * The analytics of seed sections 2, 3 and 10 on the valid, deduplicated events in event time:
 *
 * <pre>
 *   events ─┬─ views counted ─▶ keyBy url ─▶ tumbling 1 min (+lateness) ──▶ pageviews_1m
 *           ├─ purchases ─▶ keyBy user ─┬─ sliding 5 min / 1 min spend ─▶ HIGH_SPEND_5M ─┐
 *           │                           ├─ running spend (TTL) ────────▶ user_spend      ├─▶ alerts
 *           │                           └─ global window, count N ─────▶ PURCHASE_MILESTONE
 *           └─ keyBy user ─▶ activity ─┬─ sessions (dynamic gap) ──────────▶ sessions      │
 *                                      └─ inactivity timer ────────────────▶ inactive-5m ───┘
 *   events too late even for the allowed lateness, per analysis ──────────▶ late
 * </pre>
 *
 * <p>Behind each shuffle a {@link KeptWatermark} holds the watermark through restores, so an event too late
 * before a restore is too late after it.
 */
public final class Analytics {
    public static final String PAGEVIEWS_UID = "pageviews-per-url";
    public static final String PRE_COUNT_VIEWS_UID = "pre-count-views";
    /** Holds the pageviews window's watermark through a restore: see {@link KeptWatermark}. */
    public static final String PAGEVIEWS_WATERMARK_UID = "pageviews-kept-watermark";
    public static final String HIGH_SPEND_UID = "high-spend-detector";
    public static final String HIGH_SPEND_NAIVE_UID = "high-spend-detector-naive";
    /** Sessions and inactivity ({@link UserActivity}). */
    public static final String ACTIVITY_UID = "user-activity";
    public static final String SESSION_WINDOWS_UID = "sessions-per-user";
    public static final String RUNNING_SPEND_UID = "running-spend-per-user";
    public static final String MILESTONES_UID = "purchase-milestones";

    static final OutputTag<ViewCount> LATE_PAGEVIEWS = new OutputTag<>("late-pageviews", TypeInformation.of(ViewCount.class));
    static final OutputTag<ClickEvent> LATE_SPEND = new OutputTag<>("late-spend", TypeInformation.of(ClickEvent.class));
    static final OutputTag<ClickEvent> LATE_SESSIONS = new OutputTag<>("late-sessions", TypeInformation.of(ClickEvent.class));

    private Analytics() {}

    /** Every analysis's output stream. */
    public static final class Streams {
        public final DataStream<PageviewCount> pageviews;
        public final DataStream<SessionSummary> sessions;
        public final DataStream<Alert> alerts;
        public final DataStream<UserSpend> userSpend;
        public final DataStream<LateEvent> late;

        Streams(DataStream<PageviewCount> pageviews, DataStream<SessionSummary> sessions, DataStream<Alert> alerts,
                DataStream<UserSpend> userSpend, DataStream<LateEvent> late) {
            this.pageviews = pageviews;
            this.sessions = sessions;
            this.alerts = alerts;
            this.userSpend = userSpend;
            this.late = late;
        }
    }

    public static Streams build(DataStream<ClickEvent> events, AnalyticsSettings s) {
        return build(events, s, UserPartitioning.SHUFFLE);
    }

    /** {@code users}: whether {@code events} is already partitioned by user (see {@link UserPartitioning}). */
    public static Streams build(DataStream<ClickEvent> events, AnalyticsSettings s, UserPartitioning users) {
        SingleOutputStreamOperator<PageviewCount> pageviews = pageviews(events, s);
        DataStream<ClickEvent> purchases = events.filter(e -> e.type == EventType.PURCHASE)
                .uid("purchases").name("Purchases");
        SingleOutputStreamOperator<Alert> highSpend = s.naiveHighSpend
                ? highSpendNaive(users.keyed(purchases), s) : highSpendSliced(users.keyed(purchases), s);
        SingleOutputStreamOperator<Void> activity = activity(users.keyed(events), s);
        // Sessions leave the activity operator, or, in the seed's form, their own windows (with their late output).
        SingleOutputStreamOperator<SessionSummary> windows = s.sessionWindows ? sessionWindows(users.keyed(events), s) : null;
        SingleOutputStreamOperator<?> sessionsOperator = windows != null ? windows : activity;
        DataStream<SessionSummary> sessions = windows != null ? windows : activity.getSideOutput(UserActivity.SESSIONS);

        DataStream<Alert> alerts = highSpend
                .union(activity.getSideOutput(UserActivity.INACTIVITY), milestones(users.keyed(purchases), s))
                .map(new Counted.Alerts()).uid("count-alerts").name("Count alerts");

        long pageviewSize = s.pageviewsWindow.toMillis();
        long spendSize = s.highSpendWindow.toMillis();
        long spendSlide = s.highSpendSlide.toMillis();
        DataStream<LateEvent> late = pageviews.getSideOutput(LATE_PAGEVIEWS)
                .map(Counted.TooLate.views(Pageviews.ANALYSIS, e -> window(e.ts, pageviewSize, pageviewSize)))
                .uid("late-pageviews").name("Too late for pageviews")
                .union(highSpend.getSideOutput(LATE_SPEND)
                        // The last sliding window that held the purchase: the one starting in its slide.
                        .map(Counted.TooLate.events(HighSpend.ANALYSIS, e -> window(e.ts, spendSize, spendSlide)))
                        .uid("late-high-spend").name("Too late for high spend"),
                       sessionsOperator.getSideOutput(LATE_SESSIONS)
                        .map(Counted.TooLate.events(Sessions.ANALYSIS, sessionWindow(s)))
                        .uid("late-sessions").name("Too late for sessions"));

        return new Streams(pageviews, sessions, alerts, runningSpend(users.keyed(purchases), s), late);
    }

    static SingleOutputStreamOperator<PageviewCount> pageviews(DataStream<ClickEvent> events, AnalyticsSettings s) {
        // Counted before the shuffle by URL: counts cross it, and views only once their window is closed upstream.
        SingleOutputStreamOperator<ViewCount> counts = events
                .transform("Count views before the shuffle", TypeInformation.of(ViewCount.class),
                        new PreCountViews(s.pageviewsWindow))
                .uid(PRE_COUNT_VIEWS_UID).name("Count views before the shuffle");
        // The kept watermark: a view too late for its window before a restore is too late after it, too.
        return KeptWatermark.keyBy(counts, v -> v.url, Types.STRING, PAGEVIEWS_WATERMARK_UID, "Kept watermark (per URL)")
                .window(TumblingEventTimeWindows.of(s.pageviewsWindow))
                .allowedLateness(s.allowedLateness)
                .sideOutputLateData(LATE_PAGEVIEWS)
                .aggregate(new Pageviews.CountViews(), new Pageviews.EmitPageviews())
                .uid(PAGEVIEWS_UID).name("Pageviews per URL per minute");
    }

    public static SingleOutputStreamOperator<Alert> highSpendSliced(KeyedStream<ClickEvent, String> purchases, AnalyticsSettings s) {
        return purchases
                .transform("High spend (sliced)", TypeInformation.of(Alert.class), SlicedHighSpendDetector.operator(s, LATE_SPEND))
                .uid(HIGH_SPEND_UID).name("High spend (sliced)");
    }

    /** The seed's form: Flink's sliding windows, each purchase added to window / slide windows. */
    public static SingleOutputStreamOperator<Alert> highSpendNaive(KeyedStream<ClickEvent, String> purchases, AnalyticsSettings s) {
        return purchases
                .window(SlidingEventTimeWindows.of(s.highSpendWindow, s.highSpendSlide))
                .allowedLateness(s.allowedLateness)
                .sideOutputLateData(LATE_SPEND)
                .aggregate(new HighSpend.SumCents(), new HighSpend.AlertAboveThreshold(s.highSpendThreshold))
                .uid(HIGH_SPEND_NAIVE_UID).name("High spend (sliding windows)");
    }

    /** Sessions (unless they run as Flink's windows) and inactivity: the per-user analyses of every event. */
    static SingleOutputStreamOperator<Void> activity(KeyedStream<ClickEvent, String> events, AnalyticsSettings s) {
        KeyedSessions sessions = s.sessionWindows ? null : new KeyedSessions(
                new Sessions.Gap(s.sessionGap, s.sessionGapAfterPurchase), s.allowedLateness, LATE_SESSIONS);
        InactivityAlert inactivity = new InactivityAlert(s.inactivityTimeout, s.inactivityInEventTime, s.inactivityCode());
        return events.transform("UserActivity", Types.VOID, new UserActivity(sessions, inactivity, s.cachedUsers))
                .uid(ACTIVITY_UID).name(sessions == null ? "Inactivity per user" : "Sessions and inactivity per user");
    }

    /** The seed's form of sessions: Flink's session windows with a dynamic gap. */
    static SingleOutputStreamOperator<SessionSummary> sessionWindows(KeyedStream<ClickEvent, String> events, AnalyticsSettings s) {
        return events
                .window(EventTimeSessionWindows.withDynamicGap(new Sessions.Gap(s.sessionGap, s.sessionGapAfterPurchase)))
                .allowedLateness(s.allowedLateness)
                .sideOutputLateData(LATE_SESSIONS)
                .aggregate(new Sessions.Summarize(), new Sessions.EmitSession())
                .uid(SESSION_WINDOWS_UID).name("Sessions per user (session windows)");
    }

    static SingleOutputStreamOperator<UserSpend> runningSpend(KeyedStream<ClickEvent, String> purchases, AnalyticsSettings s) {
        return purchases.process(new RunningSpend(s.spendTtl)).uid(RUNNING_SPEND_UID).name("Running spend per user");
    }

    static SingleOutputStreamOperator<Alert> milestones(KeyedStream<ClickEvent, String> purchases, AnalyticsSettings s) {
        return purchases
                .window(GlobalWindows.create())
                .trigger(PurgingTrigger.of(CountTrigger.of(s.purchaseMilestone)))
                .process(new PurchaseMilestones.Emit(s.purchaseMilestone))
                .uid(MILESTONES_UID).name("Every N-th purchase");
    }

    /** The window of {@code size} that starts in the slide holding {@code ts}, as [start, end). */
    static long[] window(long ts, long size, long slide) {
        long start = TimeWindow.getWindowStartWithOffset(ts, 0, slide);
        return new long[] {start, start + size};
    }

    private static org.apache.flink.util.function.SerializableFunction<ClickEvent, long[]> sessionWindow(AnalyticsSettings s) {
        Sessions.Gap gap = new Sessions.Gap(s.sessionGap, s.sessionGapAfterPurchase);
        return e -> new long[] {e.ts, e.ts + gap.extract(e)};
    }
}

package io.clickstream.analytics;

import io.clickstream.testing.Pipelines;
import org.apache.flink.test.junit5.MiniClusterExtension;
import io.clickstream.testing.ScriptedEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static io.clickstream.analytics.AnalyticsRun.T0;
import static io.clickstream.testing.ScriptedEvents.script;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact outputs of the joins and patterns for scripted inputs with explicit watermarks (defaults: attribution
 * interval [-10 s, +30 s], conversions per 5 min, click → purchase within 10 min, 3 purchases within 1 min above
 * 1000, cart abandonment after 30 min). Event ids are e1, e2, … in script order.
 */
class JourneysGoldenTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    // --- attribution and conversions: the keyed functions (default) and Flink's joins, same expectations ---

    /**
     * The journeys in one form: keyed functions ("keyed", the default), Flink's joins for attribution and
     * conversions ("join"), or CEP patterns for click → purchase and cart abandonment ("cep").
     */
    private static JourneysRun inForm(String form, ScriptedEvents script) throws Exception {
        return JourneysRun.run(script, JourneysRun.defaults().withFlinkJoins(form.equals("join"))
                .withCepPatterns(form.equals("cep")));
    }

    // --- attribution (interval join) ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "join"})
    void aPurchaseIsAttributedToTheLastClickAtOrBeforeIt(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0)                          // e1
                .click("u1", T0 + 20 * SEC)               // e2: last before the purchase
                .click("u1", T0 + 10 * SEC)               // e3: arrives out of order, earlier
                .purchase("u1", T0 + 25 * SEC, 50)        // e4
                .click("u1", T0 + 28 * SEC));             // e5: after the purchase, within the skew

        assertThat(run.attribution).containsExactly(
                new Attribution("e4", "u1", T0 + 25 * SEC, 50, "e2", "/product/1", T0 + 20 * SEC, 4));
        assertThat(run.attribution.get(0).delayMs).isEqualTo(5 * SEC);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "join"})
    void theAttributionIntervalIsInclusiveAtBothEnds(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0).purchase("u1", T0 + 30 * SEC, 1)               // e1, e2: exactly the max delay
                .click("u2", T0).purchase("u2", T0 + 30 * SEC + 1, 1)           // e3, e4: 1 ms beyond
                .purchase("u3", T0, 1).click("u3", T0 + 10 * SEC)               // e5, e6: click exactly the skew after
                .purchase("u4", T0, 1).click("u4", T0 + 10 * SEC + 1));         // e7, e8: 1 ms beyond

        assertThat(run.attribution).extracting(Object::toString).containsExactly(
                "e2<-e1 delay=30000 of 1",
                "e5<-e6 delay=-10000 of 1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "join"})
    void withOnlyClicksAfterThePurchaseTheEarliestWinsAndTiesGoToTheSmallerEventId(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0, 10)                  // e1
                .click("u1", T0 + 8 * SEC)                // e2
                .click("u1", T0 + 3 * SEC)                // e3: earliest after the purchase
                .purchase("u2", T0, 10)                  // e4
                .click("u2", T0 - 5 * SEC)               // e5
                .click("u2", T0 - 5 * SEC));             // e6: same time as e5

        assertThat(run.attribution).extracting(Object::toString).containsExactly(
                "e1<-e3 delay=-3000 of 2",
                "e4<-e5 delay=5000 of 2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "join"})
    void aClickStampedInsideTheSkewStillJoinsAfterTheWatermarkPassedThePurchaseButOneAtTheWatermarkIsLate(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0 - SEC)                     // e1
                .purchase("u1", T0, 10)                    // e2
                .watermark(T0 + 5 * SEC)
                .click("u1", T0 + 6 * SEC)                 // e3: ahead of the watermark, inside the skew: joins
                .click("u1", T0 + 5 * SEC));               // e4: at the watermark: late

        // e1 wins (before the purchase), and the answer waited for e3: two candidates.
        assertThat(run.attribution).extracting(Object::toString).containsExactly("e2<-e1 delay=1000 of 2");
        assertThat(run.late(AttributionJoin.ANALYSIS)).containsExactly(new LateEvent(AttributionJoin.ANALYSIS,
                "e4", "u1", "click", "/product/1", T0 + 5 * SEC, T0 - 5 * SEC, T0 + 35 * SEC + 1));
    }

    // --- conversions (window join) ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "join"})
    void conversionsCountClicksAndPurchasesPerUserAndWindow(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0 + MIN)
                .purchase("u1", T0 + 5 * MIN - 1, 20.10)  // last ms of [T0, T0+5m)
                .purchase("u1", T0 + 5 * MIN, 5)           // first ms of the next window
                .click("u2", T0 + 2 * MIN)
                .click("u2", T0 + 3 * MIN)
                .view("u3", "/a", T0));                    // views are not part of the join

        assertThat(run.conversions).containsExactly(
                new Conversion("u1", T0, T0 + 5 * MIN, 1, 1, 20.10),
                new Conversion("u1", T0 + 5 * MIN, T0 + 10 * MIN, 0, 1, 5),
                new Conversion("u2", T0, T0 + 5 * MIN, 2, 0, 0));
        assertThat(run.conversions).extracting(c -> c.conversionId + "=" + c.converted).containsExactly(
                "u1|" + (T0 + 5 * MIN) + "=true", "u1|" + (T0 + 10 * MIN) + "=false", "u2|" + (T0 + 5 * MIN) + "=false");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "join"})
    void anEventForAConversionWindowPastItsAllowedLatenessGoesToLate(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0 + MIN)                     // e1
                .watermark(T0 + 5 * MIN - 1 + 30 * SEC)    // [T0, T0+5m) emitted, and its 30 s of lateness over
                .purchase("u1", T0 + 4 * MIN, 30)          // e2: too late for it
                .purchase("u1", T0 + 5 * MIN, 40));        // e3: on time for the next

        assertThat(run.conversions).containsExactly(
                new Conversion("u1", T0, T0 + 5 * MIN, 1, 0, 0),
                new Conversion("u1", T0 + 5 * MIN, T0 + 10 * MIN, 0, 1, 40));
        assertThat(run.late(Conversions.ANALYSIS)).containsExactly(new LateEvent(Conversions.ANALYSIS,
                "e2", "u1", "purchase", "/buy", T0 + 4 * MIN, T0, T0 + 5 * MIN));
    }

    /** Late events for an emitted conversion window, inside its 30 s of allowed lateness and after. */
    private static ScriptedEvents lateEventsForAnEmittedConversionWindow() {
        long last = T0 + 5 * MIN - 1;
        return script()
                .click("u1", T0 + MIN)                     // e1
                .watermark(last)                           // [T0, T0+5m) emitted: revision 0
                .purchase("u1", T0 + 4 * MIN, 30)          // e2: late, inside the 30 s: revision 1
                .click("u2", T0 + 3 * MIN)                 // e3: the first of u2's window, late: its revision 0
                .watermark(last + 30 * SEC - 1)
                .click("u1", T0 + 2 * MIN)                 // e4: the lateness's last millisecond: revision 2
                .watermark(last + 30 * SEC)                // the window is gone
                .purchase("u1", T0 + 3 * MIN, 5);          // e5: too late
    }

    @Test
    void aLateEventInsideTheAllowedLatenessEmitsTheConversionWindowAgainWithTheNextRevision() throws Exception {
        JourneysRun run = inForm("keyed", lateEventsForAnEmittedConversionWindow());

        assertThat(run.conversions).containsExactly(
                new Conversion("u1", T0, T0 + 5 * MIN, 1, 0, 0, 0),
                new Conversion("u1", T0, T0 + 5 * MIN, 1, 1, 30, 1),
                new Conversion("u1", T0, T0 + 5 * MIN, 2, 1, 30, 2),
                new Conversion("u2", T0, T0 + 5 * MIN, 1, 0, 0, 0));
        assertThat(run.late(Conversions.ANALYSIS)).containsExactly(new LateEvent(Conversions.ANALYSIS,
                "e5", "u1", "purchase", "/buy", T0 + 3 * MIN, T0, T0 + 5 * MIN));
    }

    /**
     * The co-group reads clicks and purchases as two inputs, and which it reads first after a watermark is a race
     * (docs/journeys.md): an earlier revision may already hold an event that the keyed form counts in a later one.
     * The revisions are still numbered 0, 1, … and the last one counts every event inside the lateness.
     */
    @Test
    void inTheWindowJoinTheLastRevisionOfAConversionWindowCountsEveryEventInsideTheAllowedLateness() throws Exception {
        JourneysRun run = inForm("join", lateEventsForAnEmittedConversionWindow());

        Map<String, List<Conversion>> byWindow = new TreeMap<>();
        run.conversions.forEach(c -> byWindow.computeIfAbsent(c.conversionId, k -> new ArrayList<>()).add(c));
        byWindow.values().forEach(revisions -> assertThat(revisions).extracting(c -> c.revision)
                .isEqualTo(IntStream.range(0, revisions.size()).boxed().collect(Collectors.toList())));
        assertThat(byWindow.values()).extracting(revisions -> revisions.get(revisions.size() - 1))
                .extracting(c -> c.userId + " clicks=" + c.clicks + " purchases=" + c.purchases + " spend=" + c.spend)
                .containsExactly("u1 clicks=2 purchases=1 spend=30.0", "u2 clicks=1 purchases=0 spend=0.0");
        assertThat(run.late(Conversions.ANALYSIS)).containsExactly(new LateEvent(Conversions.ANALYSIS,
                "e5", "u1", "purchase", "/buy", T0 + 3 * MIN, T0, T0 + 5 * MIN));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "join"})
    void withoutAllowedLatenessAnEventForAConversionWindowAlreadyEmittedGoesToLate(String form) throws Exception {
        JourneysRun run = JourneysRun.run(script()
                .click("u1", T0 + MIN)                     // e1
                .watermark(T0 + 5 * MIN - 1)               // [T0, T0+5m) emitted
                .purchase("u1", T0 + 4 * MIN, 30),         // e2: too late for it
                JourneysRun.defaults().withFlinkJoins(form.equals("join")).withConversionLateness(Duration.ZERO));

        assertThat(run.conversions).containsExactly(new Conversion("u1", T0, T0 + 5 * MIN, 1, 0, 0));
        assertThat(run.late(Conversions.ANALYSIS)).containsExactly(new LateEvent(Conversions.ANALYSIS,
                "e2", "u1", "purchase", "/buy", T0 + 4 * MIN, T0, T0 + 5 * MIN));
    }

    // --- click then purchase: the keyed function (default) and the CEP pattern, same expectations ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void aClickThenAPurchaseMatchesOnlyStrictlyInsideTenMinutes(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0).view("u1", "/x", T0 + MIN).purchase("u1", T0 + 10 * MIN - 1, 5)  // e1..e3
                .click("u2", T0).purchase("u2", T0 + 10 * MIN, 5));                               // e4, e5

        assertThat(run.clickToPurchase).containsExactly(
                new ClickToPurchase("e3", "u1", "e1", "/product/1", T0, T0 + 10 * MIN - 1, 5));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void aPurchaseMatchesTheEarliestClickStillInsideTheLimitOnce(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0)                           // e1: more than 10 min before e4
                .click("u1", T0 + 5 * MIN)                  // e2: earliest inside
                .click("u1", T0 + 7 * MIN)                  // e3
                .purchase("u1", T0 + 12 * MIN, 5)           // e4
                .purchase("u1", T0 + 13 * MIN, 6)           // e5: its clicks were used by e4's match
                .click("u2", T0 + MIN)                      // e6
                .purchase("u2", T0 + MIN, 7));              // e7: same time as the click: funnel order puts it after

        assertThat(run.clickToPurchase).extracting(Object::toString).containsExactly(
                "e2->e4 delay=420000",
                "e6->e7 delay=0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void aClickIsUsedOnceAndOnlyByAPurchaseStrictlyInsideTheLimit(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .click("u1", T0)                            // e1
                .purchase("u1", T0 + 10 * MIN, 5)           // e2: e1 exactly 10 min before: no match
                .click("u1", T0 + 11 * MIN)                 // e3
                .purchase("u1", T0 + 12 * MIN, 6)           // e4: e3
                .purchase("u1", T0 + 13 * MIN, 7)           // e5 and e6 at one instant (ordered by event id):
                .purchase("u1", T0 + 13 * MIN, 8)           //   no click left for either
                .click("u1", T0 + 20 * MIN)                 // e7
                .click("u1", T0 + 21 * MIN)                 // e8
                .purchase("u1", T0 + 31 * MIN, 9)           // e9: e7 11 min before, e8 10 min: neither
                .purchase("u2", T0, 1)                      // e10 and e11 at one instant: the click is used
                .click("u2", T0)                            //   by the purchase with the smaller id only
                .purchase("u2", T0, 2)
                .click("u3", T0)                            // e13
                .click("u3", T0 + MIN)                      // e14: stamped like e15, so before it: passed over
                .purchase("u3", T0 + MIN, 3)                // e15: e13
                .purchase("u3", T0 + 2 * MIN, 4));          // e16: nothing left

        assertThat(run.clickToPurchase).extracting(Object::toString).containsExactly(
                "e11->e10 delay=0", "e13->e15 delay=60000", "e3->e4 delay=60000");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void outOfOrderArrivalInsideTheWatermarkStillMatchesAndALateClickGoesToLate(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0 + 2 * MIN, 5)           // e1: arrives before its click
                .click("u1", T0 + MIN)                      // e2: earlier, but not behind the watermark
                .watermark(T0 + 3 * MIN)
                .click("u1", T0 + 3 * MIN)                  // e3: at the watermark: late (ts <= watermark), as in CEP
                .purchase("u1", T0 + 4 * MIN, 6));          // e4

        assertThat(run.clickToPurchase).extracting(Object::toString).containsExactly("e2->e1 delay=60000");
        assertThat(run.late(Patterns.CLICK_TO_PURCHASE)).containsExactly(new LateEvent(Patterns.CLICK_TO_PURCHASE,
                "e3", "u1", "click", "/product/1", T0 + 3 * MIN, T0 + 3 * MIN, T0 + 13 * MIN));
    }

    // --- rapid purchases: the keyed function (default) and the CEP pattern, same expectations ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void threePurchasesInsideAMinuteAboveTheThresholdRaiseOneAlert(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0, 400).purchase("u1", T0 + 20 * SEC, 400).purchase("u1", T0 + 60 * SEC - 1, 400.01)
                .purchase("u2", T0, 400).purchase("u2", T0 + 20 * SEC, 400).purchase("u2", T0 + 60 * SEC, 400)  // 3rd at 1 min
                .purchase("u3", T0, 400).purchase("u3", T0 + SEC, 300).purchase("u3", T0 + 2 * SEC, 300));     // exactly 1000

        Alert expected = new Alert(Patterns.RAPID_PURCHASES, "u1", T0, T0 + 60 * SEC - 1, 1200.01, 1000, 0);
        expected.detail = "3 purchases";
        assertThat(run.alerts(Patterns.RAPID_PURCHASES)).containsExactly(expected);
        assertThat(expected.alertId).isEqualTo("u1|RAPID_PURCHASES|" + (T0 + 60 * SEC - 1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void aSeriesThatCrossesTheThresholdOnlyAtItsFourthPurchaseCountsAllFour(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0, 300).purchase("u1", T0 + 10 * SEC, 300)
                .purchase("u1", T0 + 20 * SEC, 300).purchase("u1", T0 + 30 * SEC, 300));

        assertThat(run.alerts(Patterns.RAPID_PURCHASES)).extracting(Object::toString).containsExactly(
                "u1|RAPID_PURCHASES|" + (T0 + 30 * SEC) + " value=1200.0 rev=0 from " + T0 + " (4 purchases)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void aLongBurstRaisesOneAlertPerSeriesNotPerOverlap(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0, 500).purchase("u1", T0 + SEC, 500).purchase("u1", T0 + 2 * SEC, 500)
                .purchase("u1", T0 + 3 * SEC, 500).purchase("u1", T0 + 4 * SEC, 500).purchase("u1", T0 + 5 * SEC, 500)
                .purchase("u1", T0 + 6 * SEC, 500));

        assertThat(run.alerts(Patterns.RAPID_PURCHASES)).extracting(a -> a.windowStart + ".." + a.windowEnd).containsExactly(
                T0 + ".." + (T0 + 2 * SEC),
                (T0 + 3 * SEC) + ".." + (T0 + 5 * SEC));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void purchasesCountInTimeOrderWhateverTheirArrivalAndALatePurchaseGoesToLate(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0 + 30 * SEC, 600)         // e1
                .purchase("u1", T0, 400)                    // e2: arrives second, first in time
                .purchase("u1", T0 + 10 * SEC, 100)         // e3
                .purchase("u2", T0, 400)                    // e4, e5, e6: one instant, taken by event id
                .purchase("u2", T0, 400)
                .purchase("u2", T0, 400)
                .watermark(T0 + 2 * MIN)
                .purchase("u1", T0 + MIN, 2000)             // e7: behind the watermark
                .purchase("u1", T0 + 3 * MIN, 2000)         // e8, e9: one purchase short of a series
                .purchase("u1", T0 + 3 * MIN + SEC, 2000));

        assertThat(run.alerts(Patterns.RAPID_PURCHASES)).extracting(Object::toString).containsExactlyInAnyOrder(
                "u1|RAPID_PURCHASES|" + (T0 + 30 * SEC) + " value=1100.0 rev=0 from " + T0 + " (3 purchases)",
                "u2|RAPID_PURCHASES|" + T0 + " value=1200.0 rev=0 from " + T0 + " (3 purchases)");
        assertThat(run.late(Patterns.RAPID_PURCHASES_ANALYSIS)).extracting(l -> l.eventId + "@" + l.ts)
                .containsExactly("e7@" + (T0 + MIN));
    }

    // --- cart abandonment: the keyed function (default) and the CEP pattern's timeout, same expectations ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void aCartWithoutAPurchaseWithinThirtyMinutesTimesOutIntoAnAlert(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .cart("u1", T0)                            // e1: bought 1 ms before the deadline
                .purchase("u1", T0 + 30 * MIN - 1, 5)       // e2
                .cart("u2", T0)                             // e3: the purchase at the deadline is too late
                .purchase("u2", T0 + 30 * MIN, 5)           // e4
                .cart("u3", T0 + MIN)                       // e5, e6: two carts, one purchase buys both
                .cart("u3", T0 + 2 * MIN)
                .purchase("u3", T0 + 3 * MIN, 5)            // e7
                .cart("u4", T0 + MIN)                       // e8: never bought
                .watermark(T0 + 31 * MIN)                   // the timeout fires here, not at the end of input
                .purchase("u4", T0 + 40 * MIN, 5));         // e9: after the timeout

        assertThat(run.alerts(Patterns.CART_ABANDONED)).containsExactly(
                Alert.withId("u2|CART_ABANDONED|e3", Patterns.CART_ABANDONED, "u2", T0, T0 + 30 * MIN,
                        30 * MIN, 30 * MIN, "/cart/add?product=1"),
                Alert.withId("u4|CART_ABANDONED|e8", Patterns.CART_ABANDONED, "u4", T0 + MIN, T0 + 31 * MIN,
                        30 * MIN, 30 * MIN, "/cart/add?product=1"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void aPurchaseArrivingBeforeItsCartInsideTheWatermarkStillCounts(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0 + 10 * SEC, 5)           // stamped after the cart, arrives first
                .cart("u1", T0)
                .watermark(T0 + 40 * MIN));

        assertThat(run.alerts(Patterns.CART_ABANDONED)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed", "cep"})
    void onlyAPurchaseStampedAtOrAfterTheCartAndBeforeItsDeadlineBuysIt(String form) throws Exception {
        JourneysRun run = inForm(form, script()
                .purchase("u1", T0, 5).cart("u1", T0 + MIN)                                  // e1, e2: bought before
                .cart("u2", T0).purchase("u2", T0, 5)                                        // e3, e4: same instant
                .cart("u3", T0).purchase("u3", T0 + 5 * MIN, 5).cart("u3", T0 + 6 * MIN)     // e5..e7
                .cart("u4", T0).cart("u4", T0 + 30 * MIN).purchase("u4", T0 + 30 * MIN, 5)); // e8..e10: e8's deadline

        assertThat(run.alerts(Patterns.CART_ABANDONED)).extracting(a -> a.alertId).containsExactly(
                "u1|CART_ABANDONED|e2", "u3|CART_ABANDONED|e7", "u4|CART_ABANDONED|e8");
    }
}

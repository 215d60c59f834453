package io.clickstream.analytics;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-purchase choice after the interval join, in an operator harness under explicit watermarks. */
class AttributionChoiceTest {
    private static final long SKEW = 10_000;
    private static final long P = 1_000_000;

    private static KeyedOneInputStreamOperatorTestHarness<String, Attribution, Attribution> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Attribution, Attribution> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AttributionJoin.ChooseClick(SKEW)), a -> a.purchaseEventId, Types.STRING);
        h.open();
        return h;
    }

    private static StreamRecord<Attribution> candidate(String click, long clickTs) {
        return new StreamRecord<>(new Attribution("p1", "u1", P, 9.5, click, "/product/" + click, clickTs, 1),
                Math.max(P, clickTs));
    }

    @Test
    void theAnswerWaitsUntilNoClickInsideTheSkewCanStillJoin() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Attribution, Attribution> h = harness()) {
            h.processElement(candidate("c1", P - 20_000));
            h.processWatermark(new Watermark(P + SKEW));      // a click stamped P + skew is not late yet
            assertThat(h.extractOutputValues()).isEmpty();

            h.processElement(candidate("c2", P + SKEW));
            h.processElement(candidate("c0", P - 5_000));     // the last click before the purchase
            h.processWatermark(new Watermark(P + SKEW + 1));

            assertThat(h.extractOutputValues()).containsExactly(
                    new Attribution("p1", "u1", P, 9.5, "c0", "/product/c0", P - 5_000, 3));
            assertThat(h.numKeyedStateEntries()).as("state cleared once answered").isZero();
        }
    }

    @Test
    void preferenceDoesNotDependOnArrivalOrder() {
        Attribution before = new Attribution("p1", "u1", P, 1, "b", "/b", P - 1, 1);
        Attribution sameTimeSmallerId = new Attribution("p1", "u1", P, 1, "a", "/a", P - 1, 1);
        Attribution after = new Attribution("p1", "u1", P, 1, "z", "/z", P + 1, 1);
        Attribution earlier = new Attribution("p1", "u1", P, 1, "y", "/y", P - 9_000, 1);

        for (Attribution[] pair : new Attribution[][] {{before, after}, {before, earlier}, {before, sameTimeSmallerId}}) {
            assertThat(Attribution.preferred(pair[0], pair[1]).clickEventId)
                    .isEqualTo(Attribution.preferred(pair[1], pair[0]).clickEventId);
        }
        assertThat(Attribution.preferred(after, before).clickEventId).isEqualTo("b");
        assertThat(Attribution.preferred(earlier, before).clickEventId).isEqualTo("b");
        assertThat(Attribution.preferred(before, sameTimeSmallerId).clickEventId).isEqualTo("a");
        assertThat(Attribution.preferred(before, after).candidateClicks).isEqualTo(2);
    }
}

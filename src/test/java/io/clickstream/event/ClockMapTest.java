package io.clickstream.event;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ClockMapTest {

    private static ClockMap<String, Integer> withKeys(String... keys) {
        ClockMap<String, Integer> m = new ClockMap<>(4);
        for (int i = 0; i < keys.length; i++) {
            m.put(keys[i], i);
        }
        return m;
    }

    private static List<String> keys(ClockMap<String, Integer> m) {
        List<String> keys = new ArrayList<>();
        m.forEach((k, v) -> keys.add(k));
        return keys;
    }

    @Test
    void theHandClearsTheMarkOfAnEntryUsedSinceItPassedAndStopsAtTheFirstUnmarked() {
        ClockMap<String, Integer> m = withKeys("a", "b", "c");
        m.get("a");
        m.get("b");

        assertThat(m.nextToLeave(null)).isEqualTo("c");
        m.remove("c");
        assertThat(m.nextToLeave(null)).as("a and b lost their marks as the hand passed").isEqualTo("a");
        m.get("a");   // used again before the hand comes back
        m.remove(m.nextToLeave(null));
        assertThat(keys(m)).containsExactly("a");
    }

    @Test
    void anEntryStaysUntilItsCallerRemovesIt() {
        ClockMap<String, Integer> m = withKeys("a", "b");
        assertThat(m.nextToLeave(null)).isEqualTo("a");
        assertThat(m.nextToLeave(null)).as("the hand waits at a").isEqualTo("a");
        assertThat(m.size()).isEqualTo(2);
    }

    @Test
    void aPeekAndAReplacedValueAreUsesOnlyForTheReplacement() {
        ClockMap<String, Integer> m = withKeys("a", "b", "c");
        assertThat(m.peek("a")).isEqualTo(0);
        assertThat(m.put("b", 7)).as("the value before").isEqualTo(1);

        assertThat(m.nextToLeave(null)).as("a peeked, not used").isEqualTo("a");
        m.remove("a");
        assertThat(m.nextToLeave(null)).as("b replaced: a use").isEqualTo("c");
        assertThat(m.get("b")).isEqualTo(7);
    }

    @Test
    void theKeyAtHandNeverLeavesAndAloneHasNoneToLeave() {
        ClockMap<String, Integer> m = withKeys("a", "b");
        assertThat(m.nextToLeave("a")).isEqualTo("b");
        m.remove("b");
        assertThat(m.nextToLeave("a")).isNull();
        assertThat(m.nextToLeave("z")).as("a key not here keeps nothing").isEqualTo("a");
        m.remove("a");
        assertThat(m.nextToLeave(null)).isNull();
    }

    @Test
    void aNewKeyTakesTheSlotOfOneThatLeftAndTheRingStartsOverOnceEmpty() {
        ClockMap<String, Integer> m = withKeys("a", "b", "c");
        m.remove("b");
        m.put("d", 3);
        assertThat(keys(m)).containsExactly("a", "d", "c");

        m.remove("a");
        m.remove("d");
        m.remove("c");
        m.put("e", 4);
        m.put("f", 5);
        assertThat(keys(m)).containsExactly("e", "f");
        assertThat(m.nextToLeave(null)).isEqualTo("e");
    }

    /**
     * Random puts, uses, peeks, removals and departures against a plain map: the entries, their values and the keys
     * visited stay the same as the map's, past the ring's growth, its reused slots and its emptying.
     */
    @Test
    void itHoldsExactlyWhatAPlainMapHoldsThroughRandomChanges() {
        Random r = new Random(42);
        ClockMap<String, Integer> m = new ClockMap<>(2);
        Map<String, Integer> model = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            String key = "k" + r.nextInt(step < 10_000 ? 64 : 8);
            switch (r.nextInt(5)) {
                case 0:
                    assertThat(m.put(key, step)).isEqualTo(model.put(key, step));
                    break;
                case 1:
                    assertThat(m.get(key)).isEqualTo(model.get(key));
                    break;
                case 2:
                    assertThat(m.peek(key)).isEqualTo(model.get(key));
                    break;
                case 3:
                    assertThat(m.remove(key)).isEqualTo(model.remove(key));
                    break;
                default:
                    String out = m.nextToLeave(key);
                    if (out == null) {
                        assertThat(model.keySet()).isSubsetOf(key);
                    } else {
                        assertThat(out).isNotEqualTo(key);
                        assertThat(m.remove(out)).isEqualTo(model.remove(out));
                    }
            }
            assertThat(m.size()).isEqualTo(model.size());
        }
        Map<String, Integer> visited = new HashMap<>();
        m.forEach((k, v) -> assertThat(visited.put(k, v)).as("visited once").isNull());
        assertThat(visited).isEqualTo(model);
    }
}

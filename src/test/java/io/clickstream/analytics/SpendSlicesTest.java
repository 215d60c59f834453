package io.clickstream.analytics;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpendSlicesTest {
    private static final long MIN = 60_000;

    @Test
    void addKeepsSlicesInOrderAndSumsASlicesPurchases() {
        SpendSlices s = new SpendSlices();
        assertThat(s.add(5 * MIN, 100)).isTrue();
        assertThat(s.add(2 * MIN, 30)).isTrue();
        assertThat(s.add(5 * MIN, 50)).isFalse();
        for (long m = 6; m <= 9; m++) {
            s.add(m * MIN, m);   // beyond the initial capacity
        }

        assertThat(s).hasToString("slices {120000=30, 300000=150, 360000=6, 420000=7, 480000=8, 540000=9} fired {}");
        assertThat(s.sum(2 * MIN, 6 * MIN)).isEqualTo(180);
        assertThat(s.sum(3 * MIN, 5 * MIN)).isZero();
        assertThat(s.centsFrom(MIN, MIN, 5)).containsExactly(0, 30, 0, 0, 150);
    }

    @Test
    void anyInSkipsTheExceptedSlice() {
        SpendSlices s = new SpendSlices();
        s.add(2 * MIN, 1);
        assertThat(s.anyIn(0, 5 * MIN, 2 * MIN)).isFalse();
        assertThat(s.anyIn(0, 5 * MIN, Long.MIN_VALUE)).isTrue();
        assertThat(s.anyIn(3 * MIN, 5 * MIN, Long.MIN_VALUE)).isFalse();
    }

    @Test
    void firingCountsAreRecordedPerWindowEnd() {
        SpendSlices s = new SpendSlices();
        assertThat(s.firings(5 * MIN)).isEqualTo(-1);
        s.setFirings(5 * MIN, 1);
        s.setFirings(3 * MIN, 1);
        s.setFirings(4 * MIN, 2);
        s.setFirings(5 * MIN, 2);
        assertThat(s).hasToString("slices {} fired {180000=1, 240000=2, 300000=2}");
    }

    @Test
    void pruneDropsSlicesAndFiringsUpToTheirLimits() {
        SpendSlices s = new SpendSlices();
        s.add(MIN, 1);
        s.add(2 * MIN, 2);
        s.add(3 * MIN, 3);
        s.setFirings(4 * MIN, 1);
        s.setFirings(6 * MIN, 1);

        s.prune(Long.MIN_VALUE, 5 * MIN, 0);   // before the first watermark: nothing has expired
        assertThat(s).hasToString("slices {60000=1, 120000=2, 180000=3} fired {240000=1, 360000=1}");

        s.prune(7 * MIN, 5 * MIN, 3 * MIN);    // slices starting at or before 2 min, windows ending at or before 4 min
        assertThat(s).hasToString("slices {180000=3} fired {360000=1}");
        s.prune(9 * MIN, 6 * MIN, 3 * MIN);
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void aCopyIsIndependentOfTheOriginal() {
        SpendSlices s = new SpendSlices();
        s.add(MIN, 1);
        s.setFirings(2 * MIN, 1);
        SpendSlices c = s.copy();
        c.add(MIN, 5);
        c.add(3 * MIN, 5);
        c.setFirings(2 * MIN, 2);

        assertThat(s).hasToString("slices {60000=1} fired {120000=1}");
        assertThat(c).hasToString("slices {60000=6, 180000=5} fired {120000=2}");
    }

    @Test
    void theSerializerWritesFormatOneAndReadsItBack() throws IOException {
        SpendSlices s = new SpendSlices();
        s.add(2 * MIN, 30);
        s.add(MIN, 1_000_000_000_000L);
        s.setFirings(3 * MIN, 2);
        DataOutputSerializer out = new DataOutputSerializer(64);
        SpendSlicesSerializer.INSTANCE.serialize(s, out);

        byte[] bytes = out.getCopyOfBuffer();
        assertThat(bytes).hasSize(1 + 4 + 4 + 2 * 16 + 12);
        assertThat(bytes[0]).isEqualTo((byte) SpendSlicesSerializer.FORMAT);
        SpendSlices read = SpendSlicesSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(s).hasToString(s.toString());
        assertThat(SpendSlicesSerializer.INSTANCE.deserialize(new DataInputDeserializer(
                serialized(new SpendSlices())))).isEqualTo(new SpendSlices());
    }

    @Test
    void anUnknownFormatIsRefusedWithWhatToDo() {
        byte[] bytes = {9, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> SpendSlicesSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format 9")
                .hasMessageContaining("restore it with that version");
    }

    private static byte[] serialized(SpendSlices s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        SpendSlicesSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}

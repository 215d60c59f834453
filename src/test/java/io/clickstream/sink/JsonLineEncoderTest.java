package io.clickstream.sink;

import io.clickstream.analytics.Alert;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLineEncoderTest {
    @Test
    void eachRecordIsOneLineInOneWrite() throws Exception {
        JsonLineEncoder<Alert> encoder = new JsonLineEncoder<>();
        BufferedPartFileTest.CountingFile file = new BufferedPartFileTest.CountingFile();
        Alert first = Alert.withId("u-1|HIGH_SPEND_5M|1", "HIGH_SPEND_5M", "u-1", 60_000L, 0, 1_200.5, 1_000.0, null);
        Alert second = Alert.withId("u-2|CART_ABANDONED|9", "CART_ABANDONED", "u-2", null, 1, 0.0, 1.0, "über");

        encoder.encode(first, file);
        encoder.encode(second, file);

        assertThat(file.writes).isEqualTo(2);
        String text = new String(file.bytes.toByteArray(), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo(JsonLineEncoder.mapper().writeValueAsString(first) + "\n"
                + JsonLineEncoder.mapper().writeValueAsString(second) + "\n");
        assertThat(text).contains("\"alertId\":\"u-2|CART_ABANDONED|9\"").contains("über");
    }

    @Test
    void asTheSinksBulkFormatTheLinesReachThePartFileThroughItsBufferInOneWriteWhenFinished() throws Exception {
        BufferedPartFileTest.CountingFile file = new BufferedPartFileTest.CountingFile();
        BulkWriter<Alert> writer = BufferedPartFile.factory(JsonLineEncoder.<Alert>lines()).create(file);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            Alert a = Alert.withId("u-" + i + "|HIGH_SPEND_5M|1", "HIGH_SPEND_5M", "u-" + i, 60_000L, 0, 1_000.0 + i,
                    1_000.0, null);
            writer.addElement(a);
            expected.append(JsonLineEncoder.mapper().writeValueAsString(a)).append('\n');
        }
        assertThat(file.writes).isZero();   // all in the buffer (under 64 KiB)

        writer.finish();

        assertThat(file.writes).isEqualTo(1);
        assertThat(new String(file.bytes.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }
}

package io.clickstream.aws;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KinesisProducerTest {
    @Test
    void thePartitionKeyIsTheUserAndMalformedRecordsGetAStableKey() {
        assertThat(KinesisProducer.partitionKey("{\"eventId\":\"a\",\"userId\":\"u-42\",\"type\":\"view\"}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("u-42");
        assertThat(KinesisProducer.partitionKey("{\"nested\":{\"userId\":\"x\"},\"userId\":\"u-7\"}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("u-7");
        byte[] broken = "{\"userId\":".getBytes(StandardCharsets.UTF_8);
        assertThat(KinesisProducer.partitionKey(broken)).startsWith("raw-").isEqualTo(KinesisProducer.partitionKey(broken));
    }

    @Test
    void backoffDoublesUpToFiveSeconds() {
        assertThat(List.of(1, 2, 3, 4, 6, 7, 8, 20)).extracting(KinesisProducer::backoffMillis)
                .containsExactly(100L, 200L, 400L, 800L, 3200L, 5000L, 5000L, 5000L);
    }

    /** A Kinesis endpoint that refuses connections: the producer retries with backoff, then fails naming the stream. */
    @Test
    void anUnreachableEndpointIsRetriedThenFailsWithAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();   // closed again: nothing listens there
        }
        AppConfig c = AppConfig.defaults()
                .with(Settings.KINESIS_ENDPOINT, "http://127.0.0.1:" + port)
                .with(Settings.KINESIS_CREDENTIALS, "static");
        List<Long> pauses = new ArrayList<>();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (KinesisClient client = KinesisClients.create(c)) {
            KinesisProducer producer = new KinesisProducer(client, "clicks", 0,
                    new PrintStream(progress, true, StandardCharsets.UTF_8), pauses::add);
            assertThatThrownBy(() -> producer.send(List.of("{\"userId\":\"u-1\"}".getBytes(StandardCharsets.UTF_8)).iterator()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("PutRecords to stream 'clicks' failed " + KinesisProducer.MAX_ATTEMPTS + " times")
                    .hasMessageContaining("Is Kinesis reachable");
        }
        assertThat(pauses).hasSize(KinesisProducer.MAX_ATTEMPTS - 1).startsWith(100L, 200L, 400L);
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("retrying 1 records");
    }
}

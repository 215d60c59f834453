package io.clickstream.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.analytics.Alert;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.sink.JsonLineEncoder;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsSink;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Alerts to a Kinesis stream as JSON, partitioned by user so one user's alerts stay in order. The sink is
 * at-least-once: after a restart an alert may be sent again, with the same deterministic alertId.
 */
public final class AlertsToKinesis {
    private AlertsToKinesis() {}

    public static KinesisStreamsSink<Alert> sink(AppConfig c) {
        return KinesisStreamsSink.<Alert>builder()
                .setKinesisClientProperties(KinesisProperties.sink(c))
                .setStreamName(c.string(Settings.KINESIS_ALERTS_STREAM))
                .setSerializationSchema(new AlertJson())
                .setPartitionKeyGenerator(a -> a.userId)
                .setFailOnError(false)
                .build();
    }

    static final class AlertJson implements SerializationSchema<Alert> {
        private static final long serialVersionUID = 1L;
        private transient ObjectMapper mapper;

        @Override
        public byte[] serialize(Alert alert) {
            if (mapper == null) {
                mapper = JsonLineEncoder.mapper();
            }
            try {
                return mapper.writeValueAsBytes(alert);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

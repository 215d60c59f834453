package io.clickstream.aws;

import io.clickstream.config.AppConfig;
import io.clickstream.config.ConfigException;
import io.clickstream.config.Settings;
import org.apache.flink.streaming.connectors.kinesis.config.AWSConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/** The connector properties for the Kinesis consumer and sink, from the {@code kinesis} property group. */
public final class KinesisProperties {
    private KinesisProperties() {}

    /** Region, endpoint and credentials, common to consumer and sink. */
    static Properties aws(AppConfig c, String endpoint) {
        Properties p = new Properties();
        p.setProperty(AWSConfigConstants.AWS_REGION, c.string(Settings.KINESIS_REGION));
        if (!endpoint.isEmpty()) {
            p.setProperty(AWSConfigConstants.AWS_ENDPOINT, endpoint);
        }
        if (c.string(Settings.KINESIS_CREDENTIALS).equals("static")) {
            p.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "BASIC");
            p.setProperty(AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), c.string(Settings.KINESIS_ACCESS_KEY));
            p.setProperty(AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), c.string(Settings.KINESIS_SECRET_KEY));
        } else {
            p.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "AUTO");
        }
        return p;
    }

    public static Properties consumer(AppConfig c) {
        Properties p = aws(c, c.string(Settings.KINESIS_ENDPOINT));
        String position = c.string(Settings.KINESIS_INITIAL_POSITION);
        p.setProperty(ConsumerConfigConstants.STREAM_INITIAL_POSITION, position);
        if (position.equals("AT_TIMESTAMP")) {
            String ts = c.string(Settings.KINESIS_INITIAL_TIMESTAMP);
            try {
                // The connector takes seconds since the epoch (with a fraction) as one of its formats.
                p.setProperty(ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP,
                        String.valueOf(Instant.parse(ts).toEpochMilli() / 1000.0));
            } catch (DateTimeParseException e) {
                throw new ConfigException("kinesis.initial-position is AT_TIMESTAMP but kinesis.initial-timestamp '" + ts
                        + "' is not an ISO-8601 instant such as 2024-11-25T00:00:00Z");
            }
        }
        if (c.string(Settings.KINESIS_CONSUMER).equals("efo")) {
            p.setProperty(ConsumerConfigConstants.RECORD_PUBLISHER_TYPE, "EFO");
            p.setProperty(ConsumerConfigConstants.EFO_CONSUMER_NAME, c.string(Settings.KINESIS_EFO_NAME));
        } else {
            p.setProperty(ConsumerConfigConstants.RECORD_PUBLISHER_TYPE, "POLLING");
            p.setProperty(ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS,
                    String.valueOf(c.duration(Settings.KINESIS_POLL_INTERVAL).toMillis()));
        }
        // A shard without records for this long stops holding back the watermark (seed 1: idle sources).
        long idle = c.duration(Settings.IDLENESS).toMillis();
        if (idle > 0) {
            p.setProperty(ConsumerConfigConstants.SHARD_IDLE_INTERVAL_MILLIS, String.valueOf(idle));
        }
        return p;
    }

    public static Properties sink(AppConfig c) {
        String endpoint = c.string(Settings.KINESIS_SINK_ENDPOINT).isEmpty()
                ? c.string(Settings.KINESIS_ENDPOINT) : c.string(Settings.KINESIS_SINK_ENDPOINT);
        Properties p = aws(c, endpoint);
        if (c.bool(Settings.KINESIS_TRUST_ALL)) {
            p.setProperty("aws.trust.all.certificates", "true");
        }
        if (!endpoint.isEmpty()) {
            // Local stand-ins speak HTTP/1.1 only.
            p.setProperty("aws.http.protocol.version", "HTTP1_1");
        }
        return p;
    }
}

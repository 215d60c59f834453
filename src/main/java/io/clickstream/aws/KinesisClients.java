package io.clickstream.aws;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

import java.net.URI;

/** An AWS SDK v2 Kinesis client from the {@code kinesis} property group (for the producer and tests). */
public final class KinesisClients {
    private KinesisClients() {}

    /** The endpoint the producer writes to: kinesis.sink-endpoint, else kinesis.endpoint, else AWS. */
    public static String producerEndpoint(AppConfig c) {
        String sink = c.string(Settings.KINESIS_SINK_ENDPOINT);
        return sink.isEmpty() ? c.string(Settings.KINESIS_ENDPOINT) : sink;
    }

    public static KinesisClient create(AppConfig c) {
        KinesisClientBuilder b = KinesisClient.builder().region(Region.of(c.string(Settings.KINESIS_REGION)));
        if (c.string(Settings.KINESIS_CREDENTIALS).equals("static")) {
            b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    c.string(Settings.KINESIS_ACCESS_KEY), c.string(Settings.KINESIS_SECRET_KEY))));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.create());
        }
        String endpoint = producerEndpoint(c);
        if (!endpoint.isEmpty()) {
            b.endpointOverride(URI.create(endpoint));
        }
        AttributeMap.Builder http = AttributeMap.builder();
        if (c.bool(Settings.KINESIS_TRUST_ALL)) {
            http.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true);
        }
        return b.httpClient(ApacheHttpClient.builder().buildWithDefaults(http.build())).build();
    }
}

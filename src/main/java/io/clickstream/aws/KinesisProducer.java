package io.clickstream.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Sends records to a Kinesis stream with PutRecords (seed appendix A): batches of at most 500 records and
 * 5 MB, partition key = the record's userId (so one user's events stay in order in one shard), an optional
 * rate limit, and retries with exponential backoff of exactly the records a partially failed batch
 * rejected (throttling), or of the whole batch when the call itself fails (service unreachable).
 */
public final class KinesisProducer {
    static final int MAX_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 5L * 1024 * 1024;
    static final int MAX_ATTEMPTS = 8;
    private static final JsonFactory JSON = new JsonFactory();

    /** What a run sent. */
    public static final class Result {
        public long sent;
        public long failed;
        public long retried;
    }

    private final KinesisClient client;
    private final String stream;
    private final long ratePerSecond;
    private final PrintStream progress;
    private final LongConsumer sleeper;

    public KinesisProducer(KinesisClient client, String stream, long ratePerSecond, PrintStream progress) {
        this(client, stream, ratePerSecond, progress, KinesisProducer::sleep);
    }

    KinesisProducer(KinesisClient client, String stream, long ratePerSecond, PrintStream progress, LongConsumer sleeper) {
        this.client = client;
        this.stream = stream;
        this.ratePerSecond = ratePerSecond;
        this.progress = progress;
        this.sleeper = sleeper;
    }

    public Result send(Iterator<byte[]> records) {
        Result result = new Result();
        long started = System.nanoTime();
        long lastProgress = started;
        List<PutRecordsRequestEntry> batch = new ArrayList<>(MAX_RECORDS);
        long batchBytes = 0;
        while (records.hasNext()) {
            byte[] payload = records.next();
            String key = partitionKey(payload);
            long size = payload.length + key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (batch.size() == MAX_RECORDS || batchBytes + size > MAX_BATCH_BYTES) {
                put(batch, result);
                batch.clear();
                batchBytes = 0;
                throttle(started, result.sent + result.failed);
                if (System.nanoTime() - lastProgress > 1_000_000_000L) {
                    lastProgress = System.nanoTime();
                    progress.printf("sent %,d records (%,d retried, %,d failed)%n", result.sent, result.retried, result.failed);
                }
            }
            batch.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArray(payload)).partitionKey(key).build());
            batchBytes += size;
        }
        if (!batch.isEmpty()) {
            put(batch, result);
        }
        return result;
    }

    /** Sends one batch; retries what failed with backoff; counts the rest as failed. */
    private void put(List<PutRecordsRequestEntry> batch, Result result) {
        List<PutRecordsRequestEntry> pending = new ArrayList<>(batch);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            try {
                PutRecordsResponse response = client.putRecords(r -> r.streamName(stream).records(pending));
                List<PutRecordsRequestEntry> failed = new ArrayList<>();
                List<PutRecordsResultEntry> entries = response.records();
                for (int i = 0; i < entries.size(); i++) {
                    if (entries.get(i).errorCode() != null) {
                        failed.add(pending.get(i));
                    }
                }
                result.sent += pending.size() - failed.size();
                pending.clear();
                pending.addAll(failed);
            } catch (SdkException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("PutRecords to stream '" + stream + "' failed " + attempt
                            + " times; last error: " + e.getMessage() + ". Is Kinesis reachable (scripts/local-aws.sh status)?", e);
                }
                progress.println("PutRecords failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); retrying " + pending.size() + " records");
            }
            if (pending.isEmpty()) {
                return;
            }
            if (attempt >= MAX_ATTEMPTS) {
                result.failed += pending.size();
                return;
            }
            result.retried += pending.size();
            sleeper.accept(backoffMillis(attempt));
        }
    }

    static long backoffMillis(int attempt) {
        return Math.min(5_000, 100L << Math.min(attempt - 1, 10));
    }

    private void throttle(long startedNanos, long done) {
        if (ratePerSecond <= 0) {
            return;
        }
        long due = startedNanos + done * 1_000_000_000L / ratePerSecond;
        long wait = (due - System.nanoTime()) / 1_000_000;
        if (wait > 0) {
            sleeper.accept(wait);
        }
    }

    /** The record's userId; records without one (malformed) get a key from their bytes, spreading them over shards. */
    static String partitionKey(byte[] payload) {
        try (JsonParser p = JSON.createParser(payload)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.getCurrentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("userId") && value == JsonToken.VALUE_STRING && !p.getText().isEmpty()) {
                        return p.getText();
                    }
                    p.skipChildren();
                }
            }
        } catch (Exception malformed) {
            // falls through to the hash
        }
        return "raw-" + Integer.toHexString(Arrays.hashCode(payload));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

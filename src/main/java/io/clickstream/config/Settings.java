package io.clickstream.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.clickstream.config.Setting.Type.BOOLEAN;
import static io.clickstream.config.Setting.Type.CHOICE;
import static io.clickstream.config.Setting.Type.DURATION;
import static io.clickstream.config.Setting.Type.FRACTION;
import static io.clickstream.config.Setting.Type.INSTANT_OR_NOW;
import static io.clickstream.config.Setting.Type.INT;
import static io.clickstream.config.Setting.Type.LONG;
import static io.clickstream.config.Setting.Type.MEMORY_SIZE;
import static io.clickstream.config.Setting.Type.NUMBER;
import static io.clickstream.config.Setting.Type.STRING;

/**
 * Every configuration key the application knows, by property group. The same groups are MSF runtime
 * properties in the cloud and a JSON file locally; {@code docs/configuration.md} lists them.
 */
public final class Settings {
    private static final List<Setting> ALL = new ArrayList<>();

    // source: where raw records come from
    public static final Setting SOURCE_TYPE = choice("source", "type", "generator",
            "where events come from; dlq replays the raw records of a dead-letter output", "generator", "file",
            "kinesis", "dlq");
    public static final Setting SOURCE_FORMAT = choice("source", "format", "json",
            "wire format of every input record (generator, file, kinesis, dlq replay): json (files: one record per line), "
                    + "avro (single-object encoding) or protobuf (click_event.proto); avro and protobuf files are "
                    + "length-delimited. See docs/formats.md", "json", "avro", "protobuf");
    public static final Setting SOURCE_FILE_PATH = define("source", "file.path", STRING, "",
            "the file replayed when source.type is file (JSON lines, or length-delimited records: see source.format); the dead-letter folder (or one file) when dlq");
    public static final Setting SOURCE_DLQ_REASONS = define("source", "dlq.reasons", STRING, "",
            "with source.type dlq: replay only dead letters of these reasons (comma-separated, e.g. "
                    + "OVERSIZED,FUTURE_TIMESTAMP); empty for all");

    // generator: the built-in, seeded event simulation
    public static final Setting GEN_SEED = define("generator", "seed", LONG, "42", "random seed; same seed, same events");
    public static final Setting GEN_RATE = define("generator", "rate", LONG, "1000",
            "events per second of wall-clock time, 0 for as fast as possible; also the events per second of event time (1000 when 0)");
    public static final Setting GEN_EVENT_TIME_RATE = define("generator", "event-time-rate", LONG, "0",
            "events per second of event time, when it should differ from generator.rate (0: same as the rate)");
    public static final Setting GEN_EVENTS = define("generator", "events", LONG, "0",
            "how many records to generate, 0 for no end");
    public static final Setting GEN_USERS = define("generator", "users", INT, "20000", "number of distinct users");
    public static final Setting GEN_START = define("generator", "start", INSTANT_OR_NOW, "now",
            "event time of the first event: 'now' or an ISO-8601 instant; with 'now', a run restored from a "
                    + "checkpoint or savepoint goes on from the wall clock");
    public static final Setting GEN_DISORDER_FRACTION = define("generator", "disorder-fraction", FRACTION, "0.2",
            "share of events shifted back in time, less than the watermark delay");
    public static final Setting GEN_DISORDER_MAX = define("generator", "disorder-max", DURATION, "8s",
            "largest shift of a disordered event; must be below event-time.watermark-delay");
    public static final Setting GEN_LATE_FRACTION = define("generator", "late-fraction", FRACTION, "0.01",
            "share of events shifted behind the watermark");
    public static final Setting GEN_LATE_MAX = define("generator", "late-max", DURATION, "60s",
            "how far beyond the watermark delay a late event may fall");
    public static final Setting GEN_DUPLICATE_FRACTION = define("generator", "duplicate-fraction", FRACTION, "0.02",
            "share of records that repeat a recent event (same eventId), as producer retries do");
    public static final Setting GEN_MALFORMED_FRACTION = define("generator", "malformed-fraction", FRACTION, "0.01",
            "share of records that are invalid, of every kind the validator knows");

    // kinesis: the source stream and the alerts stream
    public static final Setting KINESIS_STREAM = define("kinesis", "stream", STRING, "clicks",
            "the stream read when source.type is kinesis");
    public static final Setting KINESIS_REGION = define("kinesis", "region", STRING, "us-east-1", "AWS region");
    public static final Setting KINESIS_ENDPOINT = define("kinesis", "endpoint", STRING, "",
            "endpoint of the consumer, e.g. http://127.0.0.1:4568 locally; empty for AWS");
    public static final Setting KINESIS_SINK_ENDPOINT = define("kinesis", "sink-endpoint", STRING, "",
            "endpoint of the alerts sink and the producer (HTTPS locally: https://127.0.0.1:4567); empty for kinesis.endpoint");
    public static final Setting KINESIS_CREDENTIALS = choice("kinesis", "credentials", "default",
            "default: the AWS default provider chain (role, environment, profile); static: kinesis.access-key-id and "
                    + "kinesis.secret-key, for local stand-ins only", "default", "static");
    public static final Setting KINESIS_ACCESS_KEY = define("kinesis", "access-key-id", STRING, "local",
            "static credentials (credentials=static)");
    public static final Setting KINESIS_SECRET_KEY = define("kinesis", "secret-key", STRING, "local",
            "static credentials (credentials=static)");
    public static final Setting KINESIS_TRUST_ALL = define("kinesis", "trust-all-certificates", BOOLEAN, "false",
            "accept a self-signed certificate (local stand-in only)");
    public static final Setting KINESIS_INITIAL_POSITION = choice("kinesis", "initial-position", "LATEST",
            "where a new consumer starts in each shard", "LATEST", "TRIM_HORIZON", "AT_TIMESTAMP");
    public static final Setting KINESIS_INITIAL_TIMESTAMP = define("kinesis", "initial-timestamp", STRING, "",
            "with AT_TIMESTAMP: an ISO-8601 instant");
    public static final Setting KINESIS_CONSUMER = choice("kinesis", "consumer", "polling",
            "polling (GetRecords, shared throughput) or efo (enhanced fan-out, a dedicated 2 MB/s per shard)",
            "polling", "efo");
    public static final Setting KINESIS_EFO_NAME = define("kinesis", "efo-consumer-name", STRING, "clickstream",
            "the registered consumer name with consumer=efo");
    public static final Setting KINESIS_POLL_INTERVAL = define("kinesis", "poll-interval", DURATION, "200ms",
            "pause between GetRecords calls per shard (polling)");
    public static final Setting KINESIS_ALERTS_STREAM = define("kinesis", "alerts-stream", STRING, "",
            "also send alerts to this stream (partition key: user); empty for none");

    // s3: for s3:// outputs and checkpoints
    public static final Setting S3_ENDPOINT = define("s3", "endpoint", STRING, "",
            "S3 endpoint, e.g. http://127.0.0.1:9090 locally; empty for AWS");
    public static final Setting S3_PATH_STYLE = define("s3", "path-style-access", BOOLEAN, "false",
            "bucket in the path instead of the host name (local stand-ins); true whenever s3.endpoint is set");
    public static final Setting S3_ACCESS_KEY = define("s3", "access-key", STRING, "",
            "static credentials for a local stand-in; empty to use the default provider chain");
    public static final Setting S3_SECRET_KEY = define("s3", "secret-key", STRING, "", "see s3.access-key");

    // event-time: watermarks
    public static final Setting WATERMARK_DELAY = define("event-time", "watermark-delay", DURATION, "10s",
            "bounded out-of-orderness: the watermark trails the largest event time seen by this much");
    public static final Setting IDLENESS = define("event-time", "idleness", DURATION, "30s",
            "a source split without events for this long stops holding back the watermark (0 to disable)");
    public static final Setting WATERMARK_EMIT = choice("event-time", "watermark-emit", "auto",
            "when watermarks are emitted: per-event makes replays deterministic, periodic is cheaper; "
                    + "auto is per-event for file replays and periodic otherwise",
            "auto", "per-event", "periodic");
    public static final Setting WATERMARK_INTERVAL = define("event-time", "watermark-interval", DURATION, "200ms",
            "how often periodic watermarks are emitted; a window result waits up to this long after its end plus the "
                    + "watermark delay (docs/benchmarks.md, latency)");

    // pipeline: how records move between operators
    public static final Setting BUFFER_TIMEOUT = define("pipeline", "buffer-timeout", DURATION, "100ms",
            "longest time a network buffer waits to fill before it is sent to the next operator; lower means less "
                    + "latency per shuffle and more CPU per record (docs/benchmarks.md, latency)");
    public static final Setting OBJECT_REUSE = define("pipeline", "object-reuse", BOOLEAN, "true",
            "hand a record to each operator chained after it as the same object instead of a copy per operator; "
                    + "safe for this job, whose operators never change a record once emitted (docs/benchmarks.md, "
                    + "fifteenth round); set false when adding a function that changes its input");

    // validation
    public static final Setting MAX_RECORD_BYTES = define("validation", "max-record-bytes", INT, "1048576",
            "larger records are dead-lettered as OVERSIZED (Kinesis' own limit is 1 MiB)");
    public static final Setting MAX_FUTURE = define("validation", "max-future", DURATION, "1h",
            "events further than this ahead of the wall clock are dead-lettered as FUTURE_TIMESTAMP");

    // dedup
    public static final Setting DEDUP_HORIZON = define("dedup", "horizon", DURATION, "1h",
            "how long an eventId is remembered; a repeat within it is dropped as a duplicate. Size it to the "
                    + "memory: it holds (valid events per second) times (horizon) ids, about 45 bytes each on the heap backend "
                    + "(see Choices worth knowing)");

    // analytics: windows, lateness, state and timers
    public static final Setting ALLOWED_LATENESS = define("analytics", "allowed-lateness", DURATION, "30s",
            "after a window fired, events this late still update it and re-emit it as a revision (pageviews, high "
                    + "spend, sessions, conversions); later ones go to late/");
    public static final Setting PAGEVIEWS_WINDOW = define("analytics", "pageviews-window", DURATION, "1min",
            "tumbling window of the pageviews per URL");
    public static final Setting HIGH_SPEND_THRESHOLD = define("analytics", "high-spend-threshold", NUMBER, "1000",
            "a user's spend within one sliding window above this raises HIGH_SPEND_5M");
    public static final Setting HIGH_SPEND_WINDOW = define("analytics", "high-spend-window", DURATION, "5min",
            "length of the sliding spend window");
    public static final Setting HIGH_SPEND_SLIDE = define("analytics", "high-spend-slide", DURATION, "1min",
            "slide of the spend window; the window must be a whole multiple of it");
    public static final Setting HIGH_SPEND_DETECTOR = choice("analytics", "high-spend-detector", "sliced",
            "sliced: one state update per event (pre-aggregated per slide); naive: Flink sliding windows, "
                    + "one update per window an event belongs to. Same alerts", "sliced", "naive");
    public static final Setting SESSION_GAP = define("analytics", "session-gap", DURATION, "10min",
            "a session ends after this much inactivity");
    public static final Setting SESSION_GAP_AFTER_PURCHASE = define("analytics", "session-gap-after-purchase", DURATION,
            "5min", "the (dynamic) gap after a purchase: checkout usually ends a visit");
    public static final Setting SESSIONS_FORM = choice("analytics", "sessions", "keyed",
            "keyed: a keyed function, the user's open sessions in one value and one timer; windows: the seed's Flink "
                    + "event-time session windows. Same sessions; keyed costs less", "keyed", "windows");
    public static final Setting INACTIVITY_TIMEOUT = define("analytics", "inactivity-timeout", DURATION, "5min",
            "no event from a user for this long raises an inactive-<N>m alert");
    public static final Setting INACTIVITY_CLOCK = choice("analytics", "inactivity-clock", "event",
            "event time (deterministic replays) or processing time (the wall clock)", "event", "processing");
    public static final Setting SPEND_TTL = define("analytics", "spend-ttl", DURATION, "7d",
            "a user's running spend is forgotten after this long without a purchase");
    public static final Setting PURCHASE_MILESTONE = define("analytics", "purchase-milestone-every", INT, "3",
            "every N-th purchase of a user raises PURCHASE_MILESTONE (a global window with a count trigger)");

    // journeys: joins and patterns across a user's events (clicks, carts, purchases)
    public static final Setting ATTRIBUTION_MAX_DELAY = define("journeys", "attribution-max-delay", DURATION, "30s",
            "a purchase is attributed to a click of the same user at most this long before it (interval join upper bound)");
    public static final Setting ATTRIBUTION_CLOCK_SKEW = define("journeys", "attribution-clock-skew", DURATION, "10s",
            "a click stamped up to this long after the purchase still counts (producer clock skew; interval join lower bound)");
    public static final Setting ATTRIBUTION_FORM = choice("journeys", "attribution", "keyed",
            "keyed: the user's recent clicks in a list and a timer per purchase, in the keyed operator shared with "
                    + "the other journeys; interval-join: the "
                    + "seed's interval join, then the best click per purchase. Same rows; keyed costs less",
            "keyed", "interval-join");
    public static final Setting CONVERSION_WINDOW = define("journeys", "conversion-window", DURATION, "5min",
            "tumbling window of the clicks-and-purchases window join per user (conversions_5m/)");
    public static final Setting CONVERSIONS_FORM = choice("journeys", "conversions", "keyed",
            "keyed: four counters per open window (with its next revision), a timer at its end and one at the "
                    + "end of its allowed lateness, in the keyed operator shared with the other journeys; "
                    + "window-join: the seed's window co-group of clicks and purchases, its firings numbered after "
                    + "it. Same final rows; keyed costs less", "keyed", "window-join");
    public static final Setting CLICK_TO_PURCHASE_WITHIN = define("journeys", "click-to-purchase-within", DURATION, "10min",
            "a click followed by a purchase of the same user less than this later is a match (click_to_purchase/)");
    public static final Setting CLICK_TO_PURCHASE_FORM = choice("journeys", "click-to-purchase", "keyed",
            "keyed: the user's open clicks in a list and a timer per purchase, in the keyed operator shared with "
                    + "the other journeys; cep: the seed's "
                    + "Flink CEP pattern. Same matches; keyed costs less", "keyed", "cep");
    public static final Setting RAPID_PURCHASES_COUNT = define("journeys", "rapid-purchases-count", INT, "3",
            "this many purchases or more in a row by one user ...");
    public static final Setting RAPID_PURCHASES_WITHIN = define("journeys", "rapid-purchases-within", DURATION, "1min",
            "... all less than this after the first of them ...");
    public static final Setting RAPID_PURCHASES_THRESHOLD = define("journeys", "rapid-purchases-threshold", NUMBER, "1000",
            "... whose total spend is above this raise RAPID_PURCHASES");
    public static final Setting CART_ABANDONMENT_TIMEOUT = define("journeys", "cart-abandonment-timeout", DURATION, "30min",
            "an add_to_cart with no purchase of the same user within this long raises CART_ABANDONED");
    public static final Setting RAPID_PURCHASES_FORM = choice("journeys", "rapid-purchases", "keyed",
            "keyed: the user's purchases in a list and a timer per purchase, in the keyed operator shared with the "
                    + "other journeys; cep: the seed's Flink "
                    + "CEP pattern. Same alerts; keyed costs less", "keyed", "cep");
    public static final Setting CART_ABANDONMENT_FORM = choice("journeys", "cart-abandonment", "keyed",
            "keyed: the user's open carts in a list and a timer at the earliest deadline, in the keyed operator shared "
                    + "with the other journeys; cep: the seed's Flink "
                    + "CEP pattern and its timeout. Same alerts; keyed costs less", "keyed", "cep");

    // checkpoint: exactly-once and recovery
    public static final Setting CHECKPOINT_INTERVAL = define("checkpoint", "interval", DURATION, "10s",
            "exactly-once checkpoint interval; output files are committed on each checkpoint");
    public static final Setting CHECKPOINT_DIR = define("checkpoint", "dir", STRING, "state/checkpoints",
            "where checkpoints are kept (a local path or s3://); retained when the job is cancelled");
    public static final Setting SAVEPOINT_DIR = define("checkpoint", "savepoint-dir", STRING, "state/savepoints",
            "where the savepoint taken on Ctrl-C goes");
    public static final Setting STATE_BACKEND = choice("checkpoint", "state-backend", "hashmap",
            "keyed state on the JVM heap (hashmap) or in RocksDB on local disk", "hashmap", "rocksdb");
    public static final Setting INCREMENTAL = define("checkpoint", "incremental", BOOLEAN, "true",
            "incremental checkpoints (RocksDB only)");
    public static final Setting ROCKSDB_TIMERS = choice("checkpoint", "rocksdb-timers", "heap",
            "RocksDB only, where the job sets the backend (not on MSF): where the operators' timers are kept, on the heap "
                    + "(heap: a few per user, written to each checkpoint) or in RocksDB (rocksdb). Switching needs a savepoint "
                    + "in canonical form, not a checkpoint", "heap", "rocksdb");
    public static final Setting CACHED_USERS = define("checkpoint", "rocksdb-cached-users", INT, "10000",
            "RocksDB only: how many users' values each per-user operator subtask keeps on the heap between checkpoints "
                    + "(its most recently seen users; changes are written to RocksDB at each checkpoint and when a user "
                    + "leaves the cache), and the dedup also its recent users' eventIds, in the memory of 100 ids per cached "
                    + "user (about 46 bytes each; a user's new ids written as one block), with every eventId within the "
                    + "horizon in filters of about 3 bytes each beside them. 0: read and write RocksDB on every event");
    public static final Setting RESTART_ATTEMPTS = define("checkpoint", "restart-attempts", INT, "3",
            "restarts from the last checkpoint before the job fails with its cause");
    public static final Setting RESTART_DELAY = define("checkpoint", "restart-delay", DURATION, "2s",
            "pause before each restart");

    // faults: injected failures, to prove recovery (off by default)
    public static final Setting FAIL_AFTER_RECORDS = define("faults", "fail-after-records", LONG, "0",
            "fail the job once when the first subtask after dedup has passed this many events (0: never)");
    public static final Setting FAIL_ON_CHECKPOINT = define("faults", "fail-on-checkpoint", LONG, "0",
            "fail the job once while it takes checkpoint number N (0: never)");
    public static final Setting FAIL_AFTER_CHECKPOINT = define("faults", "fail-after-checkpoint", LONG, "0",
            "fail the job once when checkpoint N has completed, before the next one: between a checkpoint and "
                    + "the commit of its files (0: never)");

    // output
    public static final Setting OUTPUT_PATH = define("output", "path", STRING, "out",
            "root of every output: a local directory or s3://bucket/prefix");
    public static final Setting PARQUET_COMPRESSION = choice("output", "parquet-compression", "snappy",
            "Parquet compression codec", "snappy", "gzip", "uncompressed");

    // sql: the SQL runner (clickstream sql)
    public static final Setting SQL_SCRIPTS = define("sql", "scripts", STRING, "",
            "SQL scripts to run instead of the DataStream job, comma-separated: files, or scripts shipped in the JAR "
                    + "such as sql/pageviews_1m.sql (the cloud main reads this; locally: clickstream sql FILE...)");
    public static final Setting SQL_CLICKS = choice("sql", "clicks", "validated",
            "validated: the scripts see a table 'clicks' of the valid, deduplicated events with the job's watermarks "
                    + "(dead letters and dedup apply); none: the scripts define every table themselves (pure SQL)",
            "validated", "none");

    // run: the local embedded cluster
    public static final Setting PARALLELISM = define("run", "parallelism", INT, "2",
            "parallelism of the keyed operators (file replays use 1 unless set: see docs/configuration.md)");
    public static final Setting WEB_UI_PORT = define("run", "web-ui-port", INT, "8081",
            "port of the local Flink web UI; the next free port is used when it is taken, 0 to switch the UI off");
    public static final Setting PROMETHEUS_PORT = define("run", "prometheus-port", INT, "9249",
            "port of the local Prometheus endpoint (/metrics) with Flink's and the application's metrics; "
                    + "the next free port is used when it is taken, 0 to switch it off");
    public static final Setting SUMMARY_INTERVAL = define("run", "summary-interval", DURATION, "5s",
            "how often the live summary line is printed, 0 to switch it off");
    public static final Setting MANAGED_MEMORY = define("run", "managed-memory", MEMORY_SIZE, "1g",
            "native memory of the embedded cluster for RocksDB state (a cap, used only with the rocksdb backend); "
                    + "with Flink's local default of 128m RocksDB flushes its write buffers constantly");

    private Settings() {}

    public static List<Setting> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The settings grouped by property group id, in declaration order. */
    public static Map<String, Map<String, Setting>> byGroup() {
        Map<String, Map<String, Setting>> groups = new LinkedHashMap<>();
        for (Setting s : ALL) {
            groups.computeIfAbsent(s.group, g -> new LinkedHashMap<>()).put(s.key, s);
        }
        return groups;
    }

    private static Setting define(String group, String key, Setting.Type type, String def, String description) {
        Setting s = new Setting(group, key, type, def, List.of(), description);
        ALL.add(s);
        return s;
    }

    private static Setting choice(String group, String key, String def, String description, String... choices) {
        Setting s = new Setting(group, key, CHOICE, def, Arrays.asList(choices), description);
        ALL.add(s);
        return s;
    }
}

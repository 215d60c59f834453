package io.clickstream.source;

import io.clickstream.aws.KinesisRawSource;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.RawRecord;
import io.clickstream.format.InputFormat;
import io.clickstream.format.RecordDecoder;
import io.clickstream.pipeline.Operators;
import io.clickstream.quality.EventParser;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.Path;

import java.time.Clock;

/** The raw-record sources: the built-in generator, file replay, dead-letter replay and Kinesis. */
public final class Sources {
    private Sources() {}

    public static RawSource fromConfig(AppConfig config, long now) {
        switch (config.string(Settings.SOURCE_TYPE)) {
            case "file":
                return file(config.string(Settings.SOURCE_FILE_PATH), InputFormat.fromConfig(config));
            case "dlq":
                return DeadLetterReplay.source(config.string(Settings.SOURCE_FILE_PATH), config.dlqReasons());
            case "kinesis":
                return new KinesisRawSource(config, parser(config));
            case "generator":
                return generator(generatorSettings(config, now), config.longValue(Settings.GEN_EVENTS),
                        config.longValue(Settings.GEN_RATE), InputFormat.fromConfig(config));
            default:
                throw new IllegalArgumentException("unknown source.type " + config.string(Settings.SOURCE_TYPE));
        }
    }

    /** The validator every source shares, decoding the configured input format ({@code source.format}). */
    public static EventParser parser(AppConfig c) {
        return new EventParser(c.integer(Settings.MAX_RECORD_BYTES), c.duration(Settings.MAX_FUTURE), Clock.systemUTC(),
                RecordDecoder.forFormat(InputFormat.fromConfig(c)));
    }

    public static GeneratorSettings generatorSettings(AppConfig c, long now) {
        long rate = c.longValue(Settings.GEN_RATE);
        long eventTimeRate = c.longValue(Settings.GEN_EVENT_TIME_RATE);
        long start = c.instantMillis(Settings.GEN_START, now);
        return new GeneratorSettings(
                c.longValue(Settings.GEN_SEED),
                c.integer(Settings.GEN_USERS),
                start,
                eventTimeRate > 0 ? eventTimeRate : rate > 0 ? rate : 1000,
                c.fraction(Settings.GEN_DISORDER_FRACTION),
                c.duration(Settings.GEN_DISORDER_MAX),
                c.fraction(Settings.GEN_LATE_FRACTION),
                c.duration(Settings.GEN_LATE_MAX),
                c.duration(Settings.WATERMARK_DELAY),
                c.fraction(Settings.GEN_DUPLICATE_FRACTION),
                c.fraction(Settings.GEN_MALFORMED_FRACTION))
                .startingAt(start, c.isNow(Settings.GEN_START));
    }

    /**
     * The generator at parallelism 1: record i has nominal event time start + i / rate, so one
     * sequence keeps event time moving forward together (parallel readers would each own a far-apart
     * index range). Parsing and everything after it run in parallel.
     */
    public static RawSource generator(GeneratorSettings settings, long count, long ratePerSecond) {
        return generator(settings, count, ratePerSecond, InputFormat.JSON);
    }

    /** As above, with the records encoded in {@code format}. */
    public static RawSource generator(GeneratorSettings settings, long count, long ratePerSecond, InputFormat format) {
        return env -> {
            DataGeneratorSource<RawRecord> source = new DataGeneratorSource<>(
                    new GeneratorFunctionAdapter(settings, format),
                    count > 0 ? count : Long.MAX_VALUE,
                    ratePerSecond > 0 ? new PacedRate(ratePerSecond) : RateLimiterStrategy.noOp(),
                    TypeInformation.of(RawRecord.class));
            return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Generator")
                    .setParallelism(1)
                    .uid(Operators.SOURCE_UID + "-generator");
        };
    }

    /** Bounded replay of one JSON-lines file (local path or s3://): at its end every window fires and the job ends. */
    public static RawSource file(String path) {
        return file(path, InputFormat.JSON);
    }

    /**
     * Bounded replay of one file of {@code format} records: newline-delimited for JSON, length-delimited for Avro
     * and Protobuf.
     */
    public static RawSource file(String path, InputFormat format) {
        return env -> {
            Path p = new Path(path);
            SimpleStreamFormat<RawRecord> framing = format.lengthDelimited()
                    ? new LengthDelimitedFormat(p.getName()) : new JsonLinesFormat(p.getName());
            FileSource<RawRecord> source = FileSource.forRecordStreamFormat(framing, p).build();
            return env.fromSource(source, WatermarkStrategy.noWatermarks(), "File " + p.getName())
                    .setParallelism(1)
                    .uid(Operators.SOURCE_UID + "-file");
        };
    }
}

package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.format.InputFormat;
import io.clickstream.format.LengthDelimited;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratedRecordEncoder;
import io.clickstream.source.GeneratorSettings;
import io.clickstream.source.Sources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code clickstream generate}: writes the generator's records to a file (JSON lines, or framed Avro/Protobuf), for replay. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes generated events (with the configured disorder, lateness, duplicates and "
                + "malformed records) to a file that 'run --source file' replays: JSON lines, or length-delimited "
                + "Avro or Protobuf records (--format).")
public class GenerateCommand implements Callable<Integer> {
    /** Fixed default start, so that the same command always writes the same file. */
    static final String DEFAULT_START = "2024-11-25T00:00:00Z";

    @Option(names = "--events", required = true, paramLabel = "N", description = "How many records to write.")
    long events;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write.")
    Path out;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default 42).")
    Long seed;

    @Option(names = "--start", paramLabel = "INSTANT",
            description = "Event time of the first event, ISO-8601 or 'now' (default " + DEFAULT_START + ").")
    String start;

    @Option(names = "--rate", paramLabel = "N", description = "Events per second of event time (default 1000).")
    Long rate;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "json (default: source.format), avro or protobuf; replay with --set source.format=FORMAT.")
    String format;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws IOException {
        AppConfig c = config.resolve(Arrays.asList(
                new Object[] {Settings.GEN_SEED, seed},
                new Object[] {Settings.GEN_START, start == null ? DEFAULT_START : start},
                new Object[] {Settings.GEN_RATE, rate},
                new Object[] {Settings.SOURCE_FORMAT, format}));
        GeneratorSettings settings = Sources.generatorSettings(c, System.currentTimeMillis());
        InputFormat f = InputFormat.fromConfig(c);
        write(new EventGenerator(settings), events, out, f);
        System.out.printf("wrote %,d %s records to %s (seed %d, first event at %s)%n", events, f.wireName(), out,
                settings.seed, java.time.Instant.ofEpochMilli(settings.startMillis));
        return 0;
    }

    static void write(EventGenerator generator, long count, Path file) throws IOException {
        write(generator, count, file, InputFormat.JSON);
    }

    /** JSON: one record per line; Avro and Protobuf: each record after its varint length. */
    static void write(EventGenerator generator, long count, Path file, InputFormat format) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        GeneratedRecordEncoder encoder = new GeneratedRecordEncoder(format);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (long i = 0; i < count; i++) {
                byte[] record = encoder.encode(generator.next()).payload;
                if (format.lengthDelimited()) {
                    LengthDelimited.write(os, record);
                } else {
                    os.write(record);
                    os.write('\n');
                }
            }
        }
    }
}

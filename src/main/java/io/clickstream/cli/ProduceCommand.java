package io.clickstream.cli;

import io.clickstream.aws.KinesisClients;
import io.clickstream.aws.KinesisProducer;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.format.InputFormat;
import io.clickstream.format.LengthDelimited;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratedRecordEncoder;
import io.clickstream.source.JsonLinesFormat;
import io.clickstream.source.Sources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code clickstream produce}: sends generated or replayed records to a Kinesis stream. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Sends generated events (--events N) or the records of a file (--input FILE) to a Kinesis "
                + "stream with PutRecords, partitioned by user, one Kinesis record per event, in --format.")
public class ProduceCommand implements Callable<Integer> {
    @Option(names = "--stream", paramLabel = "NAME", description = "Target stream (default: kinesis.stream).")
    String stream;

    @Option(names = "--events", paramLabel = "N", description = "Send N generated records.")
    Long events;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Send the records of a file as they are: the lines of a JSON-lines file, or the length-delimited records of an Avro/Protobuf file (--format).")
    Path input;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "json (default: source.format), avro or protobuf: how generated events are encoded and how --input is framed.")
    String format;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0", description = "Records per second, 0 for as fast as possible.")
    long rate;

    @Option(names = "--seed", paramLabel = "N", description = "Generator seed.")
    Long seed;

    @Option(names = "--start", paramLabel = "INSTANT", description = "Generator: event time of the first event, ISO-8601 or 'now' (default now).")
    String start;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws IOException {
        if ((events == null) == (input == null)) {
            System.err.println("give exactly one of --events N or --input FILE");
            return 2;
        }
        AppConfig c = config.resolve(Arrays.asList(
                new Object[] {Settings.GEN_SEED, seed},
                new Object[] {Settings.GEN_START, start},
                new Object[] {Settings.KINESIS_STREAM, stream},
                new Object[] {Settings.SOURCE_FORMAT, format}));
        String target = c.string(Settings.KINESIS_STREAM);
        InputFormat f = InputFormat.fromConfig(c);
        Iterator<byte[]> records = input != null ? (f.lengthDelimited() ? frames(input) : lines(input))
                : generated(new EventGenerator(Sources.generatorSettings(c, System.currentTimeMillis())), events, f);
        String endpoint = KinesisClients.producerEndpoint(c);
        System.out.println("producing to stream '" + target + "' at " + (endpoint.isEmpty() ? "AWS " + c.string(Settings.KINESIS_REGION) : endpoint));
        try (KinesisClient client = KinesisClients.create(c)) {
            KinesisProducer.Result r = new KinesisProducer(client, target, rate, System.out).send(records);
            System.out.printf("done: %,d sent, %,d failed (%,d retried)%n", r.sent, r.failed, r.retried);
            return r.failed == 0 ? 0 : 1;
        }
    }

    static Iterator<byte[]> generated(EventGenerator g, long count) {
        return generated(g, count, InputFormat.JSON);
    }

    static Iterator<byte[]> generated(EventGenerator g, long count, InputFormat format) {
        GeneratedRecordEncoder encoder = new GeneratedRecordEncoder(format);
        return new Iterator<>() {
            long left = count;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public byte[] next() {
                if (left-- <= 0) {
                    throw new NoSuchElementException();
                }
                return encoder.encode(g.next()).payload;
            }
        };
    }

    /**
     * The records of a length-delimited file (Avro, Protobuf), as the file source frames them. A file that ends
     * inside a record stops the producer with the record's number: what was sent before stays sent.
     */
    static Iterator<byte[]> frames(Path file) throws IOException {
        LengthDelimited.Reader reader = new LengthDelimited.Reader(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        long[] number = {0};
        return untilNull(() -> {
            try {
                LengthDelimited.Frame f = reader.next();
                if (f == null) {
                    return null;
                }
                number[0]++;
                if (f.error != null) {
                    throw new IOException(file + ", record " + number[0] + ": " + f.error);
                }
                return f.bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The lines of a file as raw bytes (the same framing as the file source). */
    static Iterator<byte[]> lines(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return untilNull(() -> {
            try {
                byte[] line = JsonLinesFormat.readLine(in, buffer);
                if (line == null) {
                    in.close();
                }
                return line;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * What {@code read} returns, one by one, until it returns null. Reads only when asked, so a record that cannot
     * be read fails after every record before it has been handed out (and sent).
     */
    private static Iterator<byte[]> untilNull(Supplier<byte[]> read) {
        return new Iterator<>() {
            byte[] next;
            boolean fetched;

            @Override
            public boolean hasNext() {
                if (!fetched) {
                    next = read.get();
                    fetched = true;
                }
                return next != null;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                fetched = false;
                return next;
            }
        };
    }
}

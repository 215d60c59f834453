package io.clickstream.cli;

import io.clickstream.bench.Benchmark;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.pipeline.ClickstreamJob.Stage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code clickstream bench}: the benchmark of docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs the real topology on the generator at full speed with exactly-once checkpoints, stage by "
                + "stage, on heap and RocksDB state, then the high-spend detectors side by side; prints a Markdown "
                + "table (records per CPU-second, wall throughput, peak heap).")
public class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", paramLabel = "N", description = "Generated records per pipeline run (default 1,000,000).")
    long events = 1_000_000;

    @Option(names = "--purchases", paramLabel = "N", description = "Purchases per detector run (default 2,000,000).")
    long purchases = 2_000_000;

    @Option(names = "--rocksdb-events", paramLabel = "N",
            description = "Generated records for the RocksDB run (default a tenth of --events).")
    Long rocksDbEvents;

    @Option(names = "--latency-seconds", paramLabel = "N",
            description = "How long the latency run lasts, at half the maximum rate (default 150; 0 to skip it).")
    long latencySeconds = 150;

    @Option(names = "--latency-rate", paramLabel = "N",
            description = "Events per second of the latency run (default: half the maximum wall rate measured).")
    long latencyRate;

    @Option(names = "--latency-without-journeys",
            description = "Run the latency run without the joins and patterns (attribution, conversions, click → "
                    + "purchase, carts, rapid purchases): what they cost in a sustained run.")
    boolean latencyWithoutJourneys;

    @Option(names = "--full-only",
            description = "Only the warm-up and the full pipeline on heap: a quick comparison while optimising.")
    boolean fullOnly;

    @Option(names = "--repeat", paramLabel = "N",
            description = "How many times the full pipeline is measured, on heap and on RocksDB; the report gives each one's median (default 3).")
    int repeat = 3;

    @Option(names = "--work", paramLabel = "DIR", description = "Where outputs and checkpoints go (default target/bench).")
    Path work = Path.of("target", "bench");

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report to this file.")
    Path report;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        AppConfig c = config.resolve(Arrays.asList(
                new Object[] {Settings.SOURCE_TYPE, "generator"},
                new Object[] {Settings.GEN_RATE, 0L},
                new Object[] {Settings.GEN_EVENTS, events},
                new Object[] {Settings.GEN_START, GenerateCommand.DEFAULT_START},
                new Object[] {Settings.WEB_UI_PORT, 0},
                new Object[] {Settings.PROMETHEUS_PORT, 0}));
        Files.createDirectories(work);
        String text = new Benchmark(c, events, purchases,
                rocksDbEvents != null ? rocksDbEvents : Math.max(1, events / 10), latencySeconds, work.toAbsolutePath(),
                System.out).latencyRate(latencyRate)
                .latencyStage(latencyWithoutJourneys ? Stage.ANALYTICS : Stage.ALL).fullOnly(fullOnly).repeats(repeat).run();
        System.out.println();
        System.out.println(text);
        if (report != null) {
            Files.writeString(report, text);
        }
        return 0;
    }
}

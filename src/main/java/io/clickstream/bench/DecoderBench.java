package io.clickstream.bench;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.RawRecord;
import io.clickstream.format.JsonDecoder;
import io.clickstream.quality.EventParser;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.Sources;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Validation alone, in this thread: the generator's records (valid and malformed) parsed by {@link EventParser}
 * with the JSON decoder's quick path and with its strict path only, alternately; CPU time and bytes allocated per
 * record. Like the writer, a few percent of the whole job that the full-pipeline runs cannot resolve.
 */
final class DecoderBench {
    private static final int WARM_UP_ROUNDS = 4;
    private static final int MEASURED_ROUNDS = 5;

    private DecoderBench() {}

    /** Returns the report section (Markdown). */
    static String run(AppConfig config, long records) {
        EventGenerator generator = new EventGenerator(Sources.generatorSettings(config, 0));
        List<RawRecord> input = new ArrayList<>();
        for (long i = 0; i < records; i++) {
            input.add(new RawRecord("bench", "generator", generator.next().payload));
        }
        EventParser quick = parser(config, true);
        EventParser strict = parser(config, false);
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            measure(quick, input);
            measure(strict, input);
        }
        long[] quickTotals = new long[2];
        long[] strictTotals = new long[2];
        for (int i = 0; i < MEASURED_ROUNDS; i++) {
            add(quickTotals, measure(quick, input));
            add(strictTotals, measure(strict, input));
        }
        double n = (double) input.size() * MEASURED_ROUNDS;
        double quickUs = quickTotals[0] / 1e3 / n;
        double strictUs = strictTotals[0] / 1e3 / n;
        return String.format(Locale.ROOT, "%nValidation alone (%,d generated records, one thread, after %d warm-up rounds, "
                        + "mean of %d): JSON quick path %.2f µs and %,.0f bytes allocated per record, strict path only "
                        + "%.2f µs and %,.0f bytes (%.0f %% less time, %.0f %% fewer bytes).%n",
                input.size(), WARM_UP_ROUNDS, MEASURED_ROUNDS, quickUs, quickTotals[1] / n, strictUs,
                strictTotals[1] / n, 100 * (1 - quickUs / strictUs), 100 * (1 - (double) quickTotals[1] / strictTotals[1]));
    }

    private static EventParser parser(AppConfig c, boolean quick) {
        return new EventParser(c.integer(Settings.MAX_RECORD_BYTES), c.duration(Settings.MAX_FUTURE), Clock.systemUTC(),
                new JsonDecoder(quick));
    }

    private static void add(long[] totals, long[] m) {
        totals[0] += m[0];
        totals[1] += m[1];
    }

    /** {CPU nanoseconds, bytes allocated} of this thread for one pass. */
    private static long[] measure(EventParser parser, List<RawRecord> input) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long bytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        int valid = 0;
        for (RawRecord r : input) {
            if (parser.parse(r).isValid()) {
                valid++;
            }
        }
        long[] m = {threads.getCurrentThreadCpuTime() - cpu, threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - bytes};
        if (valid == 0) {
            throw new IllegalStateException("no valid record among " + input.size() + ": nothing was measured");
        }
        return m;
    }
}

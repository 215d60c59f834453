package io.clickstream.source;

import io.clickstream.event.RawRecord;
import io.clickstream.format.InputFormat;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Lets Flink's {@code DataGeneratorSource} drive the {@link EventGenerator}: record i is always the
 * same bytes, also after a restore from a checkpoint (the generator replays up to the restored index), when the
 * start is a fixed instant. With a start of "now", a restored run goes on from the wall clock
 * ({@link #startAfterRestore}).
 */
public class GeneratorFunctionAdapter implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final GeneratorSettings settings;
    private final InputFormat format;
    private transient EventGenerator generator;
    private transient GeneratedRecordEncoder encoder;
    private transient boolean first;

    public GeneratorFunctionAdapter(GeneratorSettings settings) {
        this(settings, InputFormat.JSON);
    }

    /** Records encoded in {@code format} (the same events as JSON, see {@link GeneratedRecordEncoder}). */
    public GeneratorFunctionAdapter(GeneratorSettings settings, InputFormat format) {
        this.settings = settings;
        this.format = format;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        generator = new EventGenerator(settings);
        encoder = new GeneratedRecordEncoder(format);
        first = true;
    }

    /**
     * The start of event time for a reader whose first record is {@code firstIndex}. With a start of "now", a run
     * restored from a checkpoint or savepoint (first index above 0) goes on from the wall clock: record
     * {@code firstIndex} gets the time {@code nowMillis}. Without this, "now" is the wall clock when the restored job
     * was built, and the restored index then puts event time ahead of it by all the time generated before: after an
     * hour's run, every event an hour ahead, dead-lettered as {@code FUTURE_TIMESTAMP}. A fixed start (an instant)
     * keeps every record's bytes the same across restores.
     */
    static long startAfterRestore(GeneratorSettings settings, long firstIndex, long nowMillis) {
        if (!settings.startsNow || firstIndex == 0) {
            return settings.startMillis;
        }
        return nowMillis - (long) Math.floor(firstIndex * 1000.0 / settings.eventsPerSecond);
    }

    @Override
    public RawRecord map(Long index) {
        if (first) {
            first = false;
            long start = startAfterRestore(settings, index, System.currentTimeMillis());
            if (start != settings.startMillis) {
                generator = new EventGenerator(settings.startingAt(start, true));
            }
        }
        if (index < generator.position()) {
            generator = new EventGenerator(generator.settings());
        }
        generator.skipTo(index);
        return new RawRecord("generator", "#" + index, encoder.encode(generator.next()).payload);
    }
}

package io.clickstream.source;

import io.clickstream.event.RawRecord;
import io.clickstream.format.InputFormat;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Lets Flink's {@code DataGeneratorSource} drive the {@link EventGenerator}: record i is always the
 * same bytes, also after a restore from a checkpoint (the generator replays up to the restored index).
 */
public class GeneratorFunctionAdapter implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final GeneratorSettings settings;
    private final InputFormat format;
    private transient EventGenerator generator;
    private transient GeneratedRecordEncoder encoder;

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
    }

    @Override
    public RawRecord map(Long index) {
        if (index < generator.position()) {
            generator = new EventGenerator(settings);
        }
        generator.skipTo(index);
        return new RawRecord("generator", "#" + index, encoder.encode(generator.next()).payload);
    }
}

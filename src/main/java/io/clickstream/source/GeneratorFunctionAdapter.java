package io.clickstream.source;

import io.clickstream.event.RawRecord;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Lets Flink's {@code DataGeneratorSource} drive the {@link EventGenerator}: record i is always the
 * same bytes, also after a restore from a checkpoint (the generator replays up to the restored index).
 */
public class GeneratorFunctionAdapter implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final GeneratorSettings settings;
    private transient EventGenerator generator;

    public GeneratorFunctionAdapter(GeneratorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        generator = new EventGenerator(settings);
    }

    @Override
    public RawRecord map(Long index) {
        if (index < generator.position()) {
            generator = new EventGenerator(settings);
        }
        generator.skipTo(index);
        return new RawRecord("generator", "#" + index, generator.next().payload);
    }
}

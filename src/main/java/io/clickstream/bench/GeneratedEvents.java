package io.clickstream.bench;

import io.clickstream.config.AppConfig;
import io.clickstream.event.ClickEvent;
import io.clickstream.event.RawRecord;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.ParseResult;
import io.clickstream.source.EventGenerator;
import io.clickstream.source.Sources;

import java.util.ArrayList;
import java.util.List;

/** The input of the single-component measurements: the generator's records that the job's validation passes. */
final class GeneratedEvents {
    private GeneratedEvents() {}

    /** The valid events among the first {@code records} generated records, parsed as the job parses them. */
    static List<ClickEvent> valid(AppConfig config, long records) {
        EventGenerator generator = new EventGenerator(Sources.generatorSettings(config, 0));
        EventParser parser = Sources.parser(config);
        List<ClickEvent> events = new ArrayList<>();
        for (long i = 0; i < records; i++) {
            ParseResult r = parser.parse(new RawRecord("bench", "generator", generator.next().payload));
            if (r.isValid()) {
                events.add(r.event());
            }
        }
        if (events.isEmpty()) {
            throw new IllegalStateException("no valid event among " + records + " generated records: nothing to measure");
        }
        return events;
    }
}

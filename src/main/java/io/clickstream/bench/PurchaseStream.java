package io.clickstream.bench;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Purchases only, already parsed, in event-time order: the input of the high-spend detector comparison, so that
 * the detectors' own cost is not drowned by parsing and the rest of the job. Purchase i is by user i mod users,
 * {@code 1000 / perSecond} ms after the one before, with a spend that cycles through 0.50 … 499.50.
 */
final class PurchaseStream implements GeneratorFunction<Long, ClickEvent> {
    private final long start;
    private final int users;
    private final double perSecond;

    PurchaseStream(long start, int users, double perSecond) {
        this.start = start;
        this.users = users;
        this.perSecond = perSecond;
    }

    @Override
    public ClickEvent map(Long i) {
        long ts = start + (long) (i * 1000 / perSecond);
        return new ClickEvent("p" + i, "u" + (i % users), null, EventType.PURCHASE, "/buy", ts,
                (i % 1000) / 2.0 + 0.5, null, null);
    }
}

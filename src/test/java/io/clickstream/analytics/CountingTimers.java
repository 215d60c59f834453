package io.clickstream.analytics;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.util.function.BiConsumerWithException;

/**
 * The journeys' operator, counting the event-time timers its journeys register, including those the timer service
 * already holds (which {@code numEventTimeTimers()} cannot tell apart).
 */
final class CountingTimers extends UserJourneys {
    private static final long serialVersionUID = 1L;
    int eventTimeRegistrations;

    CountingTimers(boolean oneValue, KeyedAttribution attribution, KeyedConversions conversions,
                   ClickThenPurchase clickToPurchase) {
        super(oneValue, attribution, conversions, clickToPurchase, null, null);
    }

    CountingTimers(boolean oneValue, KeyedAttribution attribution, KeyedConversions conversions,
                   ClickThenPurchase clickToPurchase, CartAbandonment carts, RapidPurchases rapidPurchases) {
        super(oneValue, attribution, conversions, clickToPurchase, carts, rapidPurchases);
    }

    @Override
    public <X, N> InternalTimerService<N> getInternalTimerService(String name, TypeSerializer<N> namespaces,
                                                                  Triggerable<X, N> triggerable) {
        InternalTimerService<N> timers = super.getInternalTimerService(name, namespaces, triggerable);
        return new InternalTimerService<N>() {
            @Override
            public long currentProcessingTime() {
                return timers.currentProcessingTime();
            }

            @Override
            public long currentWatermark() {
                return timers.currentWatermark();
            }

            @Override
            public void registerProcessingTimeTimer(N namespace, long time) {
                timers.registerProcessingTimeTimer(namespace, time);
            }

            @Override
            public void deleteProcessingTimeTimer(N namespace, long time) {
                timers.deleteProcessingTimeTimer(namespace, time);
            }

            @Override
            public void registerEventTimeTimer(N namespace, long time) {
                eventTimeRegistrations++;
                timers.registerEventTimeTimer(namespace, time);
            }

            @Override
            public void deleteEventTimeTimer(N namespace, long time) {
                timers.deleteEventTimeTimer(namespace, time);
            }

            @Override
            public void forEachEventTimeTimer(BiConsumerWithException<N, Long, Exception> consumer) throws Exception {
                timers.forEachEventTimeTimer(consumer);
            }

            @Override
            public void forEachProcessingTimeTimer(BiConsumerWithException<N, Long, Exception> consumer) throws Exception {
                timers.forEachProcessingTimeTimer(consumer);
            }
        };
    }
}

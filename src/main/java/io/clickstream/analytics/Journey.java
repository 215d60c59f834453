package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.util.OutputTag;

import java.io.Serializable;
import java.util.List;

/**
 * One of the per-user journeys {@link UserJourneys} runs over the current user's events and state; its timers and
 * outputs go through a {@link Scope}.
 */
public interface Journey extends Serializable {
    void onEvent(ClickEvent e, Scope scope) throws Exception;

    /** A timer this journey registered fired at {@code time}; the watermark is at or after it. */
    void onTimer(long time, Scope scope) throws Exception;

    /** What a journey sees of the operator while it handles one event or timer of one user. */
    interface Scope {
        String user();

        long watermark();

        JourneyStore state();

        /**
         * At a timer: the user's purchases the watermark has reached and no timer has decided yet, in (time, event
         * id) order, which every journey that decides purchases at their time decides now; otherwise empty.
         */
        List<ClickEvent> duePurchases();

        /** An event-time timer for the journey that is running. */
        void timer(long time);

        /** Deletes the running journey's event-time timer at {@code time}; none there is no error. */
        void deleteTimer(long time);

        <T> void emit(OutputTag<T> tag, T value);
    }
}

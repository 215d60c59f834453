package io.clickstream.quality;

import io.clickstream.event.ClickEvent;

/** Either a valid event or the dead letter that says why there is none. */
public final class ParseResult {
    private final ClickEvent event;
    private final DeadLetter deadLetter;

    private ParseResult(ClickEvent event, DeadLetter deadLetter) {
        this.event = event;
        this.deadLetter = deadLetter;
    }

    public static ParseResult valid(ClickEvent event) {
        return new ParseResult(event, null);
    }

    public static ParseResult invalid(DeadLetter deadLetter) {
        return new ParseResult(null, deadLetter);
    }

    public boolean isValid() {
        return event != null;
    }

    public ClickEvent event() {
        return event;
    }

    public DeadLetter deadLetter() {
        return deadLetter;
    }
}

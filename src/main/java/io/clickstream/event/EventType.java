package io.clickstream.event;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of clickstream event, with the names they carry on the wire. */
public enum EventType {
    VIEW("view"),
    CLICK("click"),
    ADD_TO_CART("add_to_cart"),
    PURCHASE("purchase");

    /** {@code values()} copies its array on every call; this is read once per record. */
    private static final EventType[] ALL = values();

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        for (EventType t : ALL) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** "view | click | add_to_cart | purchase", for error messages. */
    public static String choices() {
        return Arrays.stream(values()).map(EventType::wireName).collect(Collectors.joining(" | "));
    }
}

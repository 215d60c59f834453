package io.clickstream.format;

/** A record decoded from its wire format, before validation: its fields by their JSON names ({@code eventId}, {@code ts}…). */
@FunctionalInterface
public interface DecodedRecord {
    /** The field's value, or null when it is absent or null. */
    FieldValue get(String field);
}

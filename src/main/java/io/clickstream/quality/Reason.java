package io.clickstream.quality;

/** Why a record was dead-lettered. The names are stable: they appear in {@code dlq/} and in metric names. */
public enum Reason {
    /** Not parseable as JSON (including bytes that are not UTF-8 and empty records). */
    MALFORMED_JSON,
    /** Valid JSON, but not an object. */
    NOT_AN_OBJECT,
    /** A required field is absent, null or empty. */
    MISSING_FIELD,
    /** A field has the wrong JSON type, or a timestamp string is not ISO-8601. */
    WRONG_TYPE,
    /** A value outside its range, such as a negative spend or timestamp. */
    OUT_OF_RANGE,
    /** {@code type} is not one of view, click, add_to_cart, purchase. */
    UNKNOWN_EVENT_TYPE,
    /** The record is larger than {@code validation.max-record-bytes}. */
    OVERSIZED,
    /** The event time is further ahead of the wall clock than {@code validation.max-future}. */
    FUTURE_TIMESTAMP,
    /**
     * Avro or Protobuf: the body does not decode (truncated, garbage, empty, no Avro single-object header, or a
     * file whose framing ends inside a record). JSON keeps its own name for this: {@link #MALFORMED_JSON}.
     */
    UNDECODABLE,
    /**
     * Avro or Protobuf: the record was written with a schema the pipeline cannot read: an unknown or incompatible
     * Avro writer schema, or a Protobuf field whose wire type does not match {@code click_event.proto}.
     */
    SCHEMA_MISMATCH
}

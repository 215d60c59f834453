package io.clickstream.format;

/**
 * One present, non-null field of a decoded record, as the shared validation rules see it. JSON values carry
 * their JSON type; Avro and Protobuf values have the type their schema gives them.
 */
public interface FieldValue {
    boolean isText();

    String text();

    /** An integer that fits a long. */
    boolean isLong();

    long longValue();

    /** Any number (integers included). */
    boolean isNumber();

    double doubleValue();

    /** The type's name for messages, e.g. {@code number} or {@code boolean}. */
    String typeName();

    /** The value as written, for messages. */
    String literal();

    /** A value read by a binary decoder: a String, Long, Integer, Double or Float. */
    static FieldValue of(Object value) {
        return new Typed(value);
    }

    /** A value of a binary format. */
    final class Typed implements FieldValue {
        private final Object value;

        Typed(Object value) {
            this.value = value instanceof CharSequence ? value.toString() : value;
        }

        @Override
        public boolean isText() {
            return value instanceof String;
        }

        @Override
        public String text() {
            return (String) value;
        }

        @Override
        public boolean isLong() {
            return value instanceof Long || value instanceof Integer;
        }

        @Override
        public long longValue() {
            return ((Number) value).longValue();
        }

        @Override
        public boolean isNumber() {
            return value instanceof Number;
        }

        @Override
        public double doubleValue() {
            return ((Number) value).doubleValue();
        }

        @Override
        public String typeName() {
            return value instanceof String ? "string" : value instanceof Long || value instanceof Integer ? "integer"
                    : value instanceof Number ? "number" : value.getClass().getSimpleName().toLowerCase();
        }

        @Override
        public String literal() {
            return String.valueOf(value);
        }
    }
}

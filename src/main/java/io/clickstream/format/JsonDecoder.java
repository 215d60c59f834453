package io.clickstream.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.quality.DeadLetter;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.InvalidRecord;
import io.clickstream.quality.Reason;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * JSON objects, strictly: well-formed UTF-8, no trailing tokens, no duplicate keys.
 *
 * <p>Two ways to read a record. The strict one ({@link #decode}) checks the bytes as UTF-8 into a string first
 * (Jackson would let some ill-formed UTF-8 through, and would guess UTF-16 from zero bytes), then reads a tree,
 * and explains any fault. The quick one ({@link #decodeQuick}) takes only records of plain ASCII, where neither
 * concern arises, and reads their fields straight from the bytes with Jackson's streaming parser, strings and
 * numbers only; anything else (a fault, a field the rules do not read, a boolean or an object, a number beyond a
 * long, a repeated key) it leaves to the strict way. The strict way's string and tree were 38 % of all bytes the
 * full pipeline allocated; the quick way takes 40 % less time per record (docs/benchmarks.md).
 */
public final class JsonDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;
    /** The fields the rules read ({@code EventParser}); a record with any other field goes the strict way. */
    private static final String[] FIELDS = {"eventId", "userId", "sessionId", "type", "url", "ts", "spend",
            "referrer", "userAgent"};

    /** A payload's bytes read as longs, eight at a time. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;

    private final boolean quick;
    private transient ObjectMapper mapper;
    private transient JsonFactory bytes;

    /** A decoder with the quick path. */
    public JsonDecoder() {
        this(true);
    }

    /** {@code quick}: false for the strict path only (tests compare the two). */
    public JsonDecoder(boolean quick) {
        this.quick = quick;
    }

    @Override
    public DecodedRecord decodeQuick(byte[] payload) {
        if (!quick || !plainAscii(payload)) {
            return null;
        }
        FieldValue[] values = new FieldValue[FIELDS.length];
        int seen = 0;
        try (JsonParser p = factory().createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken value = p.nextToken();
                int slot = slot(name);
                // Only the known fields, each once: then no duplicate key can hide in the record (the strict path
                // finds those anywhere), at a bit per field instead of Jackson's set of every key per record.
                if (slot < 0 || (seen & (1 << slot)) != 0) {
                    return null;
                }
                seen |= 1 << slot;
                switch (value) {
                    case VALUE_STRING:
                        values[slot] = FieldValue.of(p.getText());
                        break;
                    case VALUE_NUMBER_INT:
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            return null;
                        }
                        values[slot] = FieldValue.of(p.getLongValue());
                        break;
                    case VALUE_NUMBER_FLOAT:
                        // As the tree reads it: a double unless the parser holds it as a float or a big decimal.
                        if (p.getNumberType() != JsonParser.NumberType.DOUBLE) {
                            return null;
                        }
                        values[slot] = FieldValue.of(p.getDoubleValue());
                        break;
                    case VALUE_NULL:
                        values[slot] = null;   // a null field is an absent one, as in the tree
                        break;
                    default:
                        return null;
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;   // not one complete object, or trailing tokens
            }
        } catch (IOException e) {
            return null;       // malformed, or a duplicate key: the strict path says which
        }
        return field -> {
            int slot = slot(field);
            return slot < 0 ? null : values[slot];
        };
    }

    /**
     * ASCII without control characters other than JSON's whitespace: valid UTF-8 as it stands, with no zero byte to
     * suggest UTF-16. Eight bytes at a time; a word with a byte below 0x20 (usually a line break) is looked at byte
     * by byte.
     */
    static boolean plainAscii(byte[] payload) {
        int i = 0;
        for (; i + 8 <= payload.length; i += 8) {
            long word = (long) WORDS.get(payload, i);
            if ((word & HIGH_BITS) != 0) {
                return false;
            }
            if (((word - SPACES) & ~word & HIGH_BITS) != 0 && !plainAscii(payload, i, i + 8)) {
                return false;
            }
        }
        return payload.length > 0 && plainAscii(payload, i, payload.length);
    }

    private static boolean plainAscii(byte[] payload, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = payload[i];
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
                return false;   // bytes >= 0x80 are negative
            }
        }
        return true;
    }

    private static int slot(String field) {
        for (int i = 0; i < FIELDS.length; i++) {
            if (FIELDS[i].equals(field)) {
                return i;
            }
        }
        return -1;
    }

    private JsonFactory factory() {
        if (bytes == null) {
            bytes = new JsonFactory();
        }
        return bytes;
    }

    @Override
    public DecodedRecord decode(byte[] payload) throws InvalidRecord {
        JsonNode root = readJson(payload);
        if (!root.isObject()) {
            throw new InvalidRecord(Reason.NOT_AN_OBJECT, "expected a JSON object, got "
                    + root.getNodeType().name().toLowerCase() + "; " + EventParser.REQUIRED);
        }
        return field -> {
            JsonNode n = root.get(field);
            return n == null || n.isNull() ? null : new JsonField(n);
        };
    }

    private JsonNode readJson(byte[] payload) throws InvalidRecord {
        if (payload.length == 0) {
            throw new InvalidRecord(Reason.MALFORMED_JSON, "empty record; " + EventParser.REQUIRED);
        }
        // Decode strictly first: Jackson would let some ill-formed UTF-8 through and would guess UTF-16.
        String text = DeadLetter.strictUtf8(payload);
        if (text == null) {
            throw new InvalidRecord(Reason.MALFORMED_JSON, "not valid JSON: the record is not well-formed UTF-8");
        }
        try {
            JsonNode root = mapper().readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new InvalidRecord(Reason.MALFORMED_JSON, "empty record (only whitespace); " + EventParser.REQUIRED);
            }
            return root;
        } catch (JsonProcessingException ex) {
            throw new InvalidRecord(Reason.MALFORMED_JSON, "not valid JSON"
                    + (ex.getLocation() == null || ex.getLocation().getCharOffset() < 0 ? ""
                            : " at character " + ex.getLocation().getCharOffset())
                    + ": " + firstClause(ex.getOriginalMessage()));
        } catch (IOException ex) {
            throw new InvalidRecord(Reason.MALFORMED_JSON, "not valid JSON: " + ex.getMessage());
        }
    }

    /** Jackson's message without its source excerpt and hints, which only repeat the payload. */
    private static String firstClause(String message) {
        String m = message == null ? "" : message;
        for (String cut : new String[] {" (start marker", "\n", " at [Source"}) {
            int i = m.indexOf(cut);
            if (i > 0) {
                m = m.substring(0, i);
            }
        }
        return m;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper()
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
        return mapper;
    }

    /** A JSON value with its JSON type, so messages say e.g. "got boolean true". */
    private static final class JsonField implements FieldValue {
        private final JsonNode n;

        JsonField(JsonNode n) {
            this.n = n;
        }

        @Override
        public boolean isText() {
            return n.isTextual();
        }

        @Override
        public String text() {
            return n.textValue();
        }

        @Override
        public boolean isLong() {
            return n.isIntegralNumber() && n.canConvertToLong();
        }

        @Override
        public long longValue() {
            return n.longValue();
        }

        @Override
        public boolean isNumber() {
            return n.isNumber();
        }

        @Override
        public double doubleValue() {
            return n.doubleValue();
        }

        @Override
        public String typeName() {
            return n.getNodeType().name().toLowerCase();
        }

        @Override
        public String literal() {
            return n.toString();
        }
    }
}

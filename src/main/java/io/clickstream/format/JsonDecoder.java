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
import java.nio.charset.StandardCharsets;

/**
 * JSON objects, strictly: well-formed UTF-8, no trailing tokens, no duplicate keys.
 *
 * <p>Two ways to read a record. The strict one ({@link #decode}) checks the bytes as UTF-8 into a string first
 * (Jackson would let some ill-formed UTF-8 through, and would guess UTF-16 from zero bytes), then reads a tree,
 * and explains any fault. The quick one ({@link #decodeQuick}) takes only records of plain ASCII, where neither
 * concern arises, and reads their fields straight from the bytes, strings and numbers only; anything else (a fault,
 * a field the rules do not read, a boolean or an object, a number beyond a long, a repeated key) it leaves to the
 * strict way. The strict way's string and tree were 38 % of all bytes the full pipeline allocated; the quick way
 * takes about 60 % less time per record (docs/benchmarks.md). The quick way first scans the bytes itself
 * ({@link #scan}: no escapes), and hands a record with escaped strings to Jackson's streaming parser.
 */
public final class JsonDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;
    /** The fields the rules read ({@code EventParser}); a record with any other field goes the strict way. */
    private static final String[] FIELDS = {"eventId", "userId", "sessionId", "type", "url", "ts", "spend",
            "referrer", "userAgent"};
    private static final byte[][] FIELD_BYTES = new byte[FIELDS.length][];

    static {
        for (int i = 0; i < FIELDS.length; i++) {
            FIELD_BYTES[i] = FIELDS[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A payload's bytes read as longs, eight at a time. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;
    private static final long ONES = 0x0101010101010101L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

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
        FieldValue[] values = scan(payload);
        if (values == null) {
            values = readStreaming(payload);
        }
        if (values == null) {
            return null;
        }
        final FieldValue[] fields = values;
        return field -> {
            int slot = slot(field);
            return slot < 0 ? null : fields[slot];
        };
    }

    /**
     * The fields of a record as producers usually write it, read straight from its plain-ASCII bytes: one object of
     * the known keys, each once, with strings without escapes, numbers in JSON's grammar and nulls. Null for anything
     * else, which {@link #readStreaming} reads (escapes) or leaves to the strict way. Strings of ASCII bytes need no
     * decoding, and a long is read from its digits; a fraction or an exponent is read by {@link Double#parseDouble},
     * as Jackson reads it, so the values are the same as the other two readings give.
     */
    static FieldValue[] scan(byte[] b) {
        int n = b.length;
        int i = whitespace(b, 0);
        if (i >= n || b[i] != '{') {
            return null;
        }
        FieldValue[] values = new FieldValue[FIELDS.length];
        i = whitespace(b, i + 1);
        if (i < n && b[i] == '}') {
            return whitespace(b, i + 1) == n ? values : null;
        }
        int seen = 0;
        while (true) {
            if (i >= n || b[i] != '"') {
                return null;
            }
            int keyEnd = closingQuote(b, i + 1);
            int slot = keyEnd < 0 ? -1 : slot(b, i + 1, keyEnd);
            if (slot < 0 || (seen & (1 << slot)) != 0) {
                return null;   // an escape, an unknown or a repeated key
            }
            seen |= 1 << slot;
            i = whitespace(b, keyEnd + 1);
            if (i >= n || b[i] != ':') {
                return null;
            }
            i = whitespace(b, i + 1);
            if (i >= n) {
                return null;
            }
            byte c = b[i];
            if (c == '"') {
                int end = closingQuote(b, i + 1);
                if (end < 0) {
                    return null;
                }
                values[slot] = FieldValue.of(new String(b, i + 1, end - i - 1, StandardCharsets.ISO_8859_1));
                i = end + 1;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                i = number(b, i, values, slot);
                if (i < 0) {
                    return null;
                }
            } else if (c == 'n' && i + 4 <= n && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
                i += 4;        // a null field is an absent one, as in the tree
            } else {
                return null;   // true, false, an object, an array or no value
            }
            i = whitespace(b, i);
            if (i >= n) {
                return null;
            }
            if (b[i] == ',') {
                i = whitespace(b, i + 1);
            } else if (b[i] == '}') {
                return whitespace(b, i + 1) == n ? values : null;
            } else {
                return null;
            }
        }
    }

    /** Reads the number at {@code i} into {@code values[slot]}; returns the index after it, or -1 to give up. */
    private static int number(byte[] b, int i, FieldValue[] values, int slot) {
        int n = b.length;
        int start = i;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        int digits = i;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        int intDigits = i - digits;
        if (intDigits == 0 || (intDigits > 1 && b[digits] == '0')) {
            return -1;         // no digits, or a leading zero: not JSON
        }
        boolean integral = true;
        if (i < n && b[i] == '.') {
            integral = false;
            int from = ++i;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == from) {
                return -1;
            }
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            integral = false;
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int from = i;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == from) {
                return -1;
            }
        }
        if (integral) {
            if (intDigits > 18) {
                return -1;     // it may not fit a long: the other readings decide
            }
            long v = 0;
            for (int k = digits; k < digits + intDigits; k++) {
                v = v * 10 + (b[k] - '0');
            }
            values[slot] = FieldValue.of(negative ? -v : v);
        } else {
            values[slot] = FieldValue.of(Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1)));
        }
        return i;
    }

    /** The index of the quote that ends the string starting at {@code from}, or -1 at an escape, a control character or the end. */
    private static int closingQuote(byte[] b, int from) {
        int i = from;
        // Eight bytes at a time: a byte that is a quote, a backslash or below 0x20 sets its high bit in `stop`.
        // The lowest such byte is always a true one (a false one can only follow it), so it is where to look.
        for (; i + 8 <= b.length; i += 8) {
            long word = (long) WORDS.get(b, i);
            long stop = zeroBytes(word ^ QUOTES) | zeroBytes(word ^ BACKSLASHES) | ((word - SPACES) & ~word & HIGH_BITS);
            if (stop != 0) {
                int at = i + (Long.numberOfTrailingZeros(stop) >>> 3);
                return b[at] == '"' ? at : -1;
            }
        }
        for (; i < b.length; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /** The high bit of every zero byte of {@code word} set (of ASCII bytes; bytes above the lowest zero may be flagged too). */
    private static long zeroBytes(long word) {
        return (word - ONES) & ~word & HIGH_BITS;
    }

    private static int whitespace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The slot of the key in {@code b[from, to)}, or -1. */
    private static int slot(byte[] b, int from, int to) {
        int length = to - from;
        for (int s = 0; s < FIELD_BYTES.length; s++) {
            byte[] name = FIELD_BYTES[s];
            if (name.length == length && java.util.Arrays.equals(b, from, to, name, 0, length)) {
                return s;
            }
        }
        return -1;
    }

    /** Jackson's streaming reading of the same fields: strings with escapes too. Null for anything else. */
    FieldValue[] readStreaming(byte[] payload) {
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
        return values;
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
        // The rules ask for fields by literals, the same (interned) Strings as these: a reference comparison finds them.
        for (int i = 0; i < FIELDS.length; i++) {
            if (FIELDS[i] == field) {
                return i;
            }
        }
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

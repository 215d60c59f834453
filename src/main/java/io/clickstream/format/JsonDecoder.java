package io.clickstream.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.quality.DeadLetter;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.InvalidRecord;
import io.clickstream.quality.Reason;

import java.io.IOException;

/** JSON objects, strictly: well-formed UTF-8, no trailing tokens, no duplicate keys. */
public final class JsonDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;

    private transient ObjectMapper mapper;

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

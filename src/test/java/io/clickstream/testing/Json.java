package io.clickstream.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Small JSON helpers for assertions. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static String field(String json, String field) {
        try {
            return MAPPER.readTree(json).get(field).asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same JSON re-serialized, so two renderings of one object compare equal. */
    public static String canonical(String json) {
        try {
            return MAPPER.writeValueAsString(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

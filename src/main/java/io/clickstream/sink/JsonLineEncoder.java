package io.clickstream.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.api.common.serialization.Encoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes each record as one JSON object per line (public fields, in declaration order; nulls left out), in one
 * write on the part file's stream: on the local file system each write is a system call of its own, and the
 * newline written apart doubled them.
 */
public class JsonLineEncoder<T> implements Encoder<T> {
    private static final long serialVersionUID = 1L;

    private transient ObjectMapper mapper;
    private transient Line line;

    @Override
    public void encode(T element, OutputStream stream) throws IOException {
        if (mapper == null) {
            mapper = mapper();
            line = new Line();
        }
        line.reset();
        mapper.writeValue(line, element);
        line.write('\n');
        line.writeTo(stream);
    }

    /** One record's line, reused. */
    private static final class Line extends ByteArrayOutputStream {
        Line() {
            super(256);
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(buf, 0, count);
        }
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}

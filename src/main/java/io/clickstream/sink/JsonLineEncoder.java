package io.clickstream.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.api.common.serialization.Encoder;

import java.io.IOException;
import java.io.OutputStream;

/** Writes each record as one JSON object per line (public fields, in declaration order; nulls left out). */
public class JsonLineEncoder<T> implements Encoder<T> {
    private static final long serialVersionUID = 1L;

    private transient ObjectMapper mapper;

    @Override
    public void encode(T element, OutputStream stream) throws IOException {
        if (mapper == null) {
            mapper = mapper();
        }
        stream.write(mapper.writeValueAsBytes(element));
        stream.write('\n');
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}

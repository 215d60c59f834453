package io.clickstream.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.api.common.serialization.Encoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes each record as one JSON object per line (public fields, in declaration order; nulls left out), in one
 * write on the stream: on the local file system each write on a part file is a system call of its own, and the
 * newline written apart doubled them. The job's JSON-lines outputs use it as a bulk format ({@link #lines}) behind
 * a {@link BufferedPartFile}, so that their lines reach the file in 64-KiB writes.
 */
public class JsonLineEncoder<T> implements Encoder<T> {
    private static final long serialVersionUID = 1L;

    /**
     * JSON lines as a bulk format: a line per {@link BulkWriter#addElement}, nothing held by the writer itself. The
     * same bytes as the row format with this encoder; as a bulk format its part files roll on every checkpoint,
     * which is what the job's row-format sinks did already ({@code OnCheckpointRollingPolicy}), and that lets a
     * buffer sit in front of the file.
     */
    public static <T> BulkWriter.Factory<T> lines() {
        return out -> {
            JsonLineEncoder<T> encoder = new JsonLineEncoder<>();
            return new BulkWriter<T>() {
                @Override
                public void addElement(T element) throws IOException {
                    encoder.encode(element, out);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void finish() throws IOException {
                    out.flush();   // the stream is Flink's to close
                }
            };
        };
    }

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

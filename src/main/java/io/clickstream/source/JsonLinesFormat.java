package io.clickstream.source;

import io.clickstream.event.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a file of newline-separated records as raw bytes, one {@link RawRecord} per line, with the
 * line number as its origin. Bytes are kept as they are (no charset decoding), so a line that is not
 * UTF-8 reaches the dead-letter output intact. On restore Flink re-reads the file from the start and
 * skips the records already emitted, so line numbers stay right.
 */
public class JsonLinesFormat extends SimpleStreamFormat<RawRecord> {
    private static final long serialVersionUID = 1L;

    /** Longer lines are cut here (and then fail validation as oversized): protects the heap from a file without newlines. */
    static final int HARD_LINE_LIMIT = 16 * 1024 * 1024;

    private final String fileName;

    public JsonLinesFormat(String fileName) {
        this.fileName = fileName;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new LineReader(new BufferedInputStream(stream, 64 * 1024), fileName);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    /**
     * The next line of {@code in} as raw bytes, without its {@code \n} (or {@code \r\n}), cut at
     * {@link #HARD_LINE_LIMIT}; null at the end. {@code buffer} is reused between calls. The producer frames files
     * with it too, so it sends exactly the records a replay reads.
     */
    public static byte[] readLine(InputStream in, ByteArrayOutputStream buffer) throws IOException {
        buffer.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                break;
            }
            if (buffer.size() < HARD_LINE_LIMIT) {
                buffer.write(b);
            }
        }
        if (!any) {
            return null;
        }
        byte[] bytes = buffer.toByteArray();
        return bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? Arrays.copyOf(bytes, bytes.length - 1) : bytes;
    }

    private static final class LineReader implements StreamFormat.Reader<RawRecord> {
        private final InputStream in;
        private final String fileName;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        private long lineNumber;

        LineReader(InputStream in, String fileName) {
            this.in = in;
            this.fileName = fileName;
        }

        @Override
        public RawRecord read() throws IOException {
            byte[] bytes = readLine(in, line);
            if (bytes == null) {
                return null;
            }
            lineNumber++;
            return new RawRecord("file", fileName + ":" + lineNumber, bytes);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

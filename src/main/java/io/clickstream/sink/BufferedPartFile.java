package io.clickstream.sink;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;

import java.io.IOException;

/**
 * A bulk part file's stream with a buffer in front of it.
 *
 * <p>Flink's local file system hands every write on a part file's stream to the file's channel, one system call
 * each, and Parquet writes in small pieces: a file's footer field by field (Thrift), each page's header apart from
 * its data. A 500,000-record benchmark run made about 210,000 write calls, most of them a few bytes long, about half
 * of them Parquet's (JFR's {@code jdk.FileWrite} events with stack traces). Through this buffer a part file takes a
 * call per 64 KiB.
 *
 * <p>Safe for bulk formats only ({@link OutputSinks} wraps their writers' factories): their part files roll on every
 * checkpoint, and Flink finishes the writer
 * ({@link BulkWriter#finish()}) before it commits or persists the file, so {@link #writer} drains the buffer there
 * and no byte is held across a checkpoint. The JSON-lines outputs are written as a bulk format for this
 * ({@link JsonLineEncoder#lines}): a row format's encoder has no moment to drain a buffer before its file is closed.
 */
final class BufferedPartFile extends FSDataOutputStream {
    static final int SIZE = 64 * 1024;

    /** {@code writers}, each on a buffered part file: for bulk sinks that roll on every checkpoint only. */
    static <T> BulkWriter.Factory<T> factory(BulkWriter.Factory<T> writers) {
        return out -> writer(out, writers::create);
    }

    /** Opens a bulk writer on {@code out} with this buffer between them; it is drained when the writer finishes. */
    static <T> BulkWriter<T> writer(FSDataOutputStream out, Opener<T> open) throws IOException {
        BufferedPartFile buffered = new BufferedPartFile(out);
        BulkWriter<T> inner = open.open(buffered);
        return new BulkWriter<>() {
            @Override
            public void addElement(T element) throws IOException {
                inner.addElement(element);
            }

            @Override
            public void flush() throws IOException {
                inner.flush();
                buffered.flush();
            }

            @Override
            public void finish() throws IOException {
                inner.finish();
                buffered.flush();
            }
        };
    }

    /** A bulk writer's factory method, on the buffered stream. */
    @FunctionalInterface
    interface Opener<T> {
        BulkWriter<T> open(FSDataOutputStream out) throws IOException;
    }

    private final FSDataOutputStream out;
    private final byte[] buffer = new byte[SIZE];
    private int count;

    BufferedPartFile(FSDataOutputStream out) {
        this.out = out;
    }

    /** Where the next byte goes in the file: Parquet records offsets of pages and column chunks from it. */
    @Override
    public long getPos() throws IOException {
        return out.getPos() + count;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buffer.length) {
            drain();
            out.write(b, off, len);
            return;
        }
        if (len > buffer.length - count) {
            drain();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void sync() throws IOException {
        drain();
        out.sync();
    }

    @Override
    public void close() throws IOException {
        drain();
        out.close();
    }
}

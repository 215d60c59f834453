package io.clickstream.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Files of binary records: each record is preceded by its length as an unsigned varint (the framing of protobuf's
 * {@code writeDelimitedTo}/{@code parseDelimitedFrom}), for Avro and Protobuf alike.
 */
public final class LengthDelimited {
    /** A larger length prefix means the file is not length-delimited (or is damaged): the rest cannot be framed. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private LengthDelimited() {}

    public static void write(OutputStream out, byte[] record) throws IOException {
        int v = record.length;
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
        out.write(record);
    }

    /** One framed record, or what was left of it when the framing broke. */
    public static final class Frame {
        public final byte[] bytes;
        /** Null for a whole record; else what is wrong (the reader stops after such a frame). */
        public final String error;

        Frame(byte[] bytes, String error) {
            this.bytes = bytes;
            this.error = error;
        }
    }

    /** Reads frames until the end of the stream; after a damaged frame it reports the end. */
    public static final class Reader {
        private final InputStream in;
        private boolean broken;

        public Reader(InputStream in) {
            this.in = in;
        }

        /** The next frame, or null at the end of the input. */
        public Frame next() throws IOException {
            if (broken) {
                return null;
            }
            ByteArrayOutputStream prefix = new ByteArrayOutputStream(5);
            long length = 0;
            int shift = 0;
            while (true) {
                int b = in.read();
                if (b == -1) {
                    if (prefix.size() == 0) {
                        return null;
                    }
                    broken = true;
                    return new Frame(prefix.toByteArray(), "the input ends inside the length prefix of a record "
                            + "(the last record is truncated)");
                }
                prefix.write(b);
                length |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
                if (shift >= 35) {
                    broken = true;
                    return new Frame(prefix.toByteArray(), "malformed length prefix (a varint longer than 5 bytes); "
                            + "the input is not length-delimited records, or is damaged here; the rest is not read");
                }
            }
            if (length > MAX_RECORD_BYTES) {
                broken = true;
                return new Frame(prefix.toByteArray(), "length prefix says " + length + " bytes, more than the "
                        + MAX_RECORD_BYTES + " a framed record may have; the input is not length-delimited records, "
                        + "or is damaged here; the rest is not read");
            }
            byte[] body = new byte[(int) length];
            int read = in.readNBytes(body, 0, body.length);
            if (read < body.length) {
                broken = true;
                byte[] partial = new byte[read];
                System.arraycopy(body, 0, partial, 0, read);
                return new Frame(partial, "the input ends inside a record: " + read + " of its " + length
                        + " bytes are there (the last record is truncated)");
            }
            return new Frame(body, null);
        }
    }
}

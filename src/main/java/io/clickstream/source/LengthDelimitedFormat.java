package io.clickstream.source;

import io.clickstream.event.RawRecord;
import io.clickstream.format.LengthDelimited;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;

/**
 * Reads a file of length-delimited binary records (Avro or Protobuf input), one {@link RawRecord} per record with
 * {@code file:recordNumber} as its origin. A record cut off by the end of the file still becomes a record, marked
 * with a framing error, so it is dead-lettered (UNDECODABLE) rather than lost or failing the job.
 */
public class LengthDelimitedFormat extends SimpleStreamFormat<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final String fileName;

    public LengthDelimitedFormat(String fileName) {
        this.fileName = fileName;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        LengthDelimited.Reader frames = new LengthDelimited.Reader(new BufferedInputStream(stream, 64 * 1024));
        return new StreamFormat.Reader<>() {
            private long recordNumber;

            @Override
            public RawRecord read() throws IOException {
                LengthDelimited.Frame f = frames.next();
                if (f == null) {
                    return null;
                }
                return new RawRecord("file", fileName + ":" + ++recordNumber, f.bytes, f.error);
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}

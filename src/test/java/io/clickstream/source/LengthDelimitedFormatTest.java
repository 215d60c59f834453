package io.clickstream.source;

import io.clickstream.event.RawRecord;
import io.clickstream.format.InputFormat;
import io.clickstream.format.LengthDelimited;
import io.clickstream.format.RecordDecoder;
import io.clickstream.quality.DeadLetter;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.Reason;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LengthDelimitedFormatTest {
    private static List<RawRecord> readAll(byte[] content) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(content);
        FSDataInputStream stream = new FSDataInputStream() {
            @Override public void seek(long pos) { in.reset(); in.skip(pos); }
            @Override public long getPos() { return content.length - in.available(); }
            @Override public int read() { return in.read(); }
            @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
        };
        List<RawRecord> out = new ArrayList<>();
        try (StreamFormat.Reader<RawRecord> reader = new LengthDelimitedFormat("events.pb").createReader(new Configuration(), stream)) {
            RawRecord r;
            while ((r = reader.read()) != null) {
                out.add(r);
            }
        }
        return out;
    }

    private static byte[] framed(byte[]... records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            LengthDelimited.write(out, r);
        }
        return out.toByteArray();
    }

    @Test
    void eachFrameBecomesARecordWithFileColonRecordNumber() throws IOException {
        byte[] big = new byte[300];   // a two-byte length prefix
        Arrays.fill(big, (byte) 7);
        List<RawRecord> records = readAll(framed(new byte[] {1, 2, 3}, new byte[0], big, new byte[] {'\n'}));
        assertThat(records).extracting(r -> r.origin).containsExactly("events.pb:1", "events.pb:2", "events.pb:3", "events.pb:4");
        assertThat(records).extracting(r -> r.source).containsOnly("file");
        assertThat(records.get(0).payload).containsExactly(1, 2, 3);
        assertThat(records.get(1).payload).isEmpty();
        assertThat(records.get(2).payload).isEqualTo(big);
        assertThat(records.get(3).payload).containsExactly('\n');
        assertThat(records).extracting(r -> r.framingError).containsOnlyNulls();
    }

    @Test
    void aTruncatedLastRecordIsAnUndecodableDeadLetterNotAFailure() throws IOException {
        byte[] whole = framed(new byte[] {1, 2, 3}, new byte[] {4, 5, 6, 7, 8});
        List<RawRecord> records = readAll(Arrays.copyOf(whole, whole.length - 2));
        assertThat(records).hasSize(2);
        assertThat(records.get(1).payload).containsExactly(4, 5, 6);
        assertThat(records.get(1).framingError)
                .isEqualTo("the input ends inside a record: 3 of its 5 bytes are there (the last record is truncated)");

        EventParser parser = new EventParser(1 << 20, Duration.ofHours(1), Clock.systemUTC(),
                RecordDecoder.forFormat(InputFormat.PROTOBUF));
        DeadLetter d = parser.parse(records.get(1)).deadLetter();
        assertThat(d.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(d.message).isEqualTo(records.get(1).framingError);
        assertThat(d.origin).isEqualTo("events.pb:2");
        assertThat(d.rawBytes()).containsExactly(4, 5, 6);
    }

    @Test
    void aFileEndingInsideALengthPrefixOrWithAnAbsurdLengthStopsWithOneDeadLetterRecord() throws IOException {
        List<RawRecord> records = readAll(new byte[] {1, 9, (byte) 0x80});
        assertThat(records).hasSize(2);
        assertThat(records.get(1).framingError)
                .isEqualTo("the input ends inside the length prefix of a record (the last record is truncated)");

        records = readAll(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F, 1, 2, 3});
        assertThat(records).hasSize(1);
        assertThat(records.get(0).framingError).startsWith("length prefix says 268435455 bytes, more than the 16777216");
    }
}

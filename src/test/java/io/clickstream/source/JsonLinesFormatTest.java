package io.clickstream.source;

import io.clickstream.event.RawRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The line reader of file replays, over a real local file opened through Flink's file system. */
class JsonLinesFormatTest {
    @TempDir
    Path dir;

    private List<RawRecord> readAll(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        FSDataInputStream stream = FileSystem.getLocalFileSystem().open(new org.apache.flink.core.fs.Path(file.toUri()));
        List<RawRecord> out = new ArrayList<>();
        try (StreamFormat.Reader<RawRecord> reader = new JsonLinesFormat(name).createReader(new Configuration(), stream)) {
            RawRecord r;
            while ((r = reader.read()) != null) {
                out.add(r);
                assertThat(out).as("runaway reader").hasSizeLessThan(1000);
            }
            // At the end it stays at the end.
            assertThat(reader.read()).isNull();
            assertThat(reader.read()).isNull();
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String text(RawRecord r) {
        return new String(r.payload, StandardCharsets.UTF_8);
    }

    @Test
    void eachLineBecomesARawRecordWithSourceFileAndOriginNameColonLineNumber() throws IOException {
        List<RawRecord> records = readAll("events.jsonl", utf8("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"));

        assertThat(records).hasSize(3);
        assertThat(records).extracting(r -> r.source).containsOnly("file");
        assertThat(records).extracting(r -> r.origin)
                .containsExactly("events.jsonl:1", "events.jsonl:2", "events.jsonl:3");
        assertThat(records).extracting(JsonLinesFormatTest::text)
                .containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    }

    @Test
    void crlfLineEndingsAreStrippedButACarriageReturnInsideALineIsKept() throws IOException {
        List<RawRecord> records = readAll("crlf.jsonl", utf8("{\"a\":1}\r\n{\"b\":\"x\ry\"}\r\nlast\r\n"));

        assertThat(records).extracting(JsonLinesFormatTest::text)
                .containsExactly("{\"a\":1}", "{\"b\":\"x\ry\"}", "last");
        assertThat(records).extracting(r -> r.origin).containsExactly("crlf.jsonl:1", "crlf.jsonl:2", "crlf.jsonl:3");
    }

    @Test
    void aFinalLineWithoutNewlineIsRead() throws IOException {
        List<RawRecord> records = readAll("tail.jsonl", utf8("{\"a\":1}\n{\"b\":2}"));

        assertThat(records).extracting(JsonLinesFormatTest::text).containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(records.get(1).origin).isEqualTo("tail.jsonl:2");
    }

    @Test
    void aFinalLineWithoutNewlineButWithACarriageReturnIsStripped() throws IOException {
        List<RawRecord> records = readAll("tail.jsonl", utf8("{\"a\":1}\r"));

        assertThat(records).extracting(JsonLinesFormatTest::text).containsExactly("{\"a\":1}");
    }

    @Test
    void aTrailingNewlineDoesNotAddAnEmptyRecord() throws IOException {
        List<RawRecord> records = readAll("one.jsonl", utf8("{\"a\":1}\n"));

        assertThat(records).hasSize(1);
        assertThat(records.get(0).origin).isEqualTo("one.jsonl:1");
    }

    @Test
    void anEmptyMiddleLineYieldsARecordWithAnEmptyPayload() throws IOException {
        List<RawRecord> records = readAll("gap.jsonl", utf8("{\"a\":1}\n\n\r\n{\"b\":2}\n"));

        assertThat(records).hasSize(4);
        assertThat(records.get(1).payload).isEmpty();
        assertThat(records.get(1).origin).isEqualTo("gap.jsonl:2");
        assertThat(records.get(1).source).isEqualTo("file");
        assertThat(records.get(2).payload).isEmpty();
        assertThat(records.get(2).origin).isEqualTo("gap.jsonl:3");
        assertThat(text(records.get(3))).isEqualTo("{\"b\":2}");
        assertThat(records.get(3).origin).isEqualTo("gap.jsonl:4");
    }

    @Test
    void invalidUtf8BytesAreKeptByteExact() throws IOException {
        byte[] bad = {(byte) 0xC3, (byte) 0x28, '{', (byte) 0xFF, (byte) 0xFE, 0, (byte) 0x80, '}'};
        byte[] latin1 = "{\"u\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        List<RawRecord> records = readAll("bytes.jsonl", concat(utf8("ok\n"), bad, utf8("\n"), latin1, utf8("\r\n")));

        assertThat(records).hasSize(3);
        assertThat(records.get(1).payload).isEqualTo(bad);
        assertThat(records.get(1).origin).isEqualTo("bytes.jsonl:2");
        assertThat(records.get(2).payload).isEqualTo(latin1);
        assertThat(records.get(2).origin).isEqualTo("bytes.jsonl:3");
    }

    @Test
    void multiByteUtf8IsKeptAsItsBytes() throws IOException {
        String line = "{\"url\":\"/caf\u00e9/\u65e5\u672c/\ud83d\uded2\"}";
        List<RawRecord> records = readAll("utf8.jsonl", utf8(line + "\n"));

        assertThat(records).hasSize(1);
        assertThat(records.get(0).payload).isEqualTo(utf8(line));
    }

    @Test
    void anEmptyFileHasNoRecords() throws IOException {
        assertThat(readAll("empty.jsonl", new byte[0])).isEmpty();
    }

    @Test
    void linesLongerThanTheReadBufferAreReadWhole() throws IOException {
        String longLine = "{\"pad\":\"" + "x".repeat(200_000) + "\"}";
        List<RawRecord> records = readAll("long.jsonl", utf8("a\n" + longLine + "\nb"));

        assertThat(records).extracting(JsonLinesFormatTest::text).containsExactly("a", longLine, "b");
        assertThat(records).extracting(r -> r.origin).containsExactly("long.jsonl:1", "long.jsonl:2", "long.jsonl:3");
    }
}

package io.clickstream.cli;

import io.clickstream.format.LengthDelimited;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What `produce --input FILE` sends: the records of the file, framed as the file source frames them. */
class ProduceCommandTest {
    private static List<String> all(Iterator<byte[]> records) {
        List<String> out = new ArrayList<>();
        records.forEachRemaining(r -> out.add(new String(r, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void linesAreSentAsTheyAreWithoutTheirLineEnds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, "{\"a\":1}\r\nnot json\n\n{\"b\":2}".getBytes(StandardCharsets.UTF_8));
        Iterator<byte[]> lines = ProduceCommand.lines(file);
        assertThat(all(lines)).containsExactly("{\"a\":1}", "not json", "", "{\"b\":2}");
        assertThatThrownBy(lines::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void lengthDelimitedRecordsAreSentOneByOneAndATruncatedOneStopsWithItsNumber(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LengthDelimited.write(bytes, "first".getBytes(StandardCharsets.UTF_8));
        LengthDelimited.write(bytes, "second".getBytes(StandardCharsets.UTF_8));
        Path whole = dir.resolve("events.pb");
        Files.write(whole, bytes.toByteArray());
        assertThat(all(ProduceCommand.frames(whole))).containsExactly("first", "second");

        Path truncated = dir.resolve("truncated.pb");
        byte[] b = bytes.toByteArray();
        Files.write(truncated, Arrays.copyOf(b, b.length - 2));
        Iterator<byte[]> frames = ProduceCommand.frames(truncated);
        assertThat(new String(frames.next(), StandardCharsets.UTF_8)).isEqualTo("first");
        assertThatThrownBy(frames::hasNext).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(truncated + ", record 2: ");
    }
}

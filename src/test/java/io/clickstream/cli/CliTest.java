package io.clickstream.cli;

import io.clickstream.sink.OutputSinks;
import io.clickstream.testing.OutputFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user types it (each run starts its own embedded cluster). */
class CliTest {
    private static String[] args(Path work, String... extra) {
        List<String> a = new ArrayList<>(Arrays.asList(extra));
        a.addAll(List.of(
                "--set", "run.web-ui-port=0",
                "--set", "run.summary-interval=0",
                "--set", "checkpoint.interval=1s",
                "--set", "checkpoint.dir=" + work.resolve("checkpoints"),
                "--set", "checkpoint.savepoint-dir=" + work.resolve("savepoints")));
        return a.toArray(new String[0]);
    }

    @Test
    void generateWritesTheSameFileEveryTime(@TempDir Path work) throws Exception {
        Path a = work.resolve("a.jsonl");
        Path b = work.resolve("b.jsonl");
        assertThat(Main.execute("generate", "--events", "2000", "--out", a.toString())).isZero();
        assertThat(Main.execute("generate", "--events", "2000", "--out", b.toString())).isZero();

        byte[] bytes = Files.readAllBytes(a);
        long lines = 0;
        for (byte x : bytes) {
            lines += x == '\n' ? 1 : 0;
        }
        assertThat(lines).isEqualTo(2000);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void runReplaysAFileIntoTheOutputLayout(@TempDir Path work) throws Exception {
        Path input = work.resolve("events.jsonl");
        Main.execute("generate", "--events", "3000", "--out", input.toString());
        Path out = work.resolve("replay-out");

        int exit = Main.execute(args(work, "run", "--source", "file", "--input", input.toString(), "--output", out.toString()));

        assertThat(exit).isZero();
        assertThat(OutputFiles.committed(out.resolve(OutputSinks.REFINED_CLICKS), ".parquet"))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(out.relativize(p).toString())
                        .matches("refined/clicks/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/part-.*\\.parquet"));
        assertThat(OutputFiles.committed(out.resolve(OutputSinks.DLQ), ".jsonl")).isNotEmpty();
        assertThat(OutputFiles.uncommitted(out)).isEmpty();
    }

    @Test
    void runWithTheGeneratorStopsAfterTheRequestedRecords(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");

        int exit = Main.execute(args(work, "run", "--events", "2000", "--rate", "0", "--output", out.toString()));

        assertThat(exit).isZero();
        int rows = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS)).size();
        int deadLetters = OutputFiles.jsonLines(out.resolve(OutputSinks.DLQ)).size();
        // 2 % duplicates are dropped; everything else is a row or a dead letter.
        assertThat(rows + deadLetters).isBetween(1900, 2000);
        assertThat(deadLetters).isPositive();
    }

    @Test
    void anUnknownKeyStopsTheStartNamingTheKeyAndTheValidOnes(@TempDir Path work) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute(args(work, "run", "--set", "event-time.watermark-dealy=5s"));
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown key 'watermark-dealy' in property group 'event-time'")
                .contains("did you mean 'watermark-delay'?")
                .contains("valid keys: watermark-delay, idleness, watermark-emit");
    }

    @Test
    void anInvalidChoiceNamesTheValueAndTheChoices(@TempDir Path work) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute(args(work, "run", "--source", "kafka"));
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("invalid value 'kafka' for source.type: expected one of generator, file");
    }
}

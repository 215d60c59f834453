package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.pipeline.Operators;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StateSizesCommandTest {
    /** The upgrade gate's savepoint of the current topology (StateCompatibilityTest). */
    private static final Path SAVEPOINT = Paths.get("src/test/resources/savepoints/current/savepoint");

    @Test
    void eachOperatorsStateIsNamedByItsUidLargestFirstWithTheTotal() throws Exception {
        Map<OperatorID, String> names = StateSizesCommand.operatorNames(AppConfig.defaults());
        List<String> rows = StateSizesCommand.report(SAVEPOINT.resolve("_metadata"), names);

        assertThat(rows.get(0)).startsWith("checkpoint ");
        List<String> operators = rows.subList(2, rows.size() - 1);
        assertThat(operators).as("operators with state").isNotEmpty()
                .anySatisfy(r -> assertThat(r).contains(Operators.DEDUP_UID + ": " + Operators.DEDUP_NAME))
                .noneSatisfy(r -> assertThat(r).contains("not in this job's graph"));
        long total = 0;
        long previous = Long.MAX_VALUE;
        for (String r : operators) {
            long bytes = Long.parseLong(r.trim().split("\\s+")[0].replace(",", ""));
            assertThat(bytes).as(r).isPositive().isLessThanOrEqualTo(previous);
            previous = bytes;
            total += bytes;
        }
        assertThat(rows.get(rows.size() - 1)).isEqualTo(String.format(java.util.Locale.ROOT, "%,15d  in all", total));
    }

    @Test
    void aPathWithoutMetadataSaysWhatToPass(@TempDir Path empty) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute("state-sizes", empty.toString());
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no checkpoint metadata at " + empty.resolve("_metadata"))
                .contains("pass a checkpoint directory (chk-N");
    }

    @Test
    void aSavepointIsFoundByTheFileUriThatRunPrints() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute("state-sizes", SAVEPOINT.toAbsolutePath().toUri().toString());
        } finally {
            System.setOut(original);
        }

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(Operators.DEDUP_UID + ": ").contains("in all");
    }

    @Test
    void aRemoteCheckpointIsRefusedWithHowToCopyIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute("state-sizes", "s3://bucket/checkpoints/job/chk-7");
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("s3://bucket/checkpoints/job/chk-7 is remote")
                .contains("aws s3 cp --recursive");
    }
}

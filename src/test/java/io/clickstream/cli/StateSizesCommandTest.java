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

    /** The exit code, standard output and standard error of {@code clickstream args…}. */
    private static String[] execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.execute(args);
            return new String[] {String.valueOf(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void aPathWithoutMetadataSaysWhatToPass(@TempDir Path empty) {
        String[] result = execute("state-sizes", empty.toString());

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("no checkpoint metadata at " + empty.resolve("_metadata"))
                .contains("pass a checkpoint directory (chk-N");
    }

    @Test
    void aSavepointIsFoundByTheFileUriThatRunPrints() {
        String[] result = execute("state-sizes", SAVEPOINT.toAbsolutePath().toUri().toString());

        assertThat(result[0]).isEqualTo("0");
        assertThat(result[1]).contains(Operators.DEDUP_UID + ": ").contains("in all");
    }

    @Test
    void aRemoteCheckpointIsRefusedWithHowToCopyIt() {
        String[] result = execute("state-sizes", "s3://bucket/checkpoints/job/chk-7");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("s3://bucket/checkpoints/job/chk-7 is remote").contains("aws s3 cp --recursive");
    }
}

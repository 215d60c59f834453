package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.pipeline.ClickstreamJob;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.streaming.api.graph.StreamNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clickstream state-sizes}: how much state each operator holds in a checkpoint or savepoint, by the uid and
 * name of this job's operator. A checkpoint's metadata lists its state by operator id, which Flink derives from the
 * uid; the command builds the job's graph from the configuration to name them. Useful when checkpoints grow: on
 * the heap backend every checkpoint writes all of it.
 */
@Command(name = "state-sizes", mixinStandardHelpOptions = true,
        description = "Prints each operator's state size in a checkpoint or savepoint (largest first), named by "
                + "this job's uids. Pass the same --config/--set as the job's, so that the operators of the forms it "
                + "runs (e.g. analytics.sessions=windows) are named too.")
public class StateSizesCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH",
            description = "A retained checkpoint (state/checkpoints/<job id>/chk-N) or savepoint directory, or its "
                    + "_metadata file: a local path or a file: URI (as 'run' prints a savepoint's).")
    String location;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws IOException {
        if (location.contains("://") && !location.startsWith("file:")) {
            System.err.println("only local checkpoints can be read: " + location + " is remote; copy its directory "
                    + "first (e.g. aws s3 cp --recursive " + location + " ./chk) and pass the copy");
            return 2;
        }
        Path path = location.startsWith("file:") ? Paths.get(URI.create(location)) : Paths.get(location);
        Path metadata = Files.isDirectory(path) ? path.resolve("_metadata") : path;
        if (!Files.isRegularFile(metadata)) {
            System.err.println("no checkpoint metadata at " + metadata + ": pass a checkpoint directory (chk-N, kept "
                    + "under checkpoint.dir while the job runs and after it is cancelled) or a savepoint directory");
            return 2;
        }
        List<String> rows = report(metadata, operatorNames(config.resolve(List.of())));
        rows.forEach(System.out::println);
        return 0;
    }

    /** The report's lines: a header, one line per operator with state, largest first, and the total. */
    static List<String> report(Path metadata, Map<OperatorID, String> names) throws IOException {
        CheckpointMetadata m;
        try (InputStream file = Files.newInputStream(metadata); DataInputStream in = new DataInputStream(file)) {
            m = Checkpoints.loadCheckpointMetadata(in, StateSizesCommand.class.getClassLoader(),
                    metadata.toAbsolutePath().getParent().toString());
        }
        List<OperatorState> states = new ArrayList<>(m.getOperatorStates());
        states.sort((a, b) -> Long.compare(b.getStateSize(), a.getStateSize()));
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "checkpoint %d (%s)", m.getCheckpointId(), metadata.toAbsolutePath().getParent()));
        rows.add(String.format(Locale.ROOT, "%15s  %s", "bytes", "operator (uid: name)"));
        long total = 0;
        for (OperatorState s : states) {
            if (s.getStateSize() == 0) {
                continue;
            }
            total += s.getStateSize();
            rows.add(String.format(Locale.ROOT, "%,15d  %s", s.getStateSize(), names.getOrDefault(s.getOperatorID(),
                    "operator " + s.getOperatorID() + " (not in this job's graph with this configuration)")));
        }
        rows.add(String.format(Locale.ROOT, "%,15d  in all", total));
        return rows;
    }

    /** Each operator of the job built from {@code config}: its id, as Flink derives it, → "uid: name". */
    static Map<OperatorID, String> operatorNames(AppConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ClickstreamJob.fromConfig(config).build(env);
        StreamGraph graph = env.getStreamGraph();
        Map<Integer, byte[]> hashes = new StreamGraphHasherV2().traverseStreamGraphAndGenerateHashes(graph);
        Map<OperatorID, String> names = new HashMap<>();
        for (StreamNode n : graph.getStreamNodes()) {
            byte[] hash = hashes.get(n.getId());
            if (hash != null) {
                names.put(new OperatorID(hash), n.getTransformationUID() + ": " + n.getOperatorName());
            }
        }
        return names;
    }
}

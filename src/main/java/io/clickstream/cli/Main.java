package io.clickstream.cli;

import io.clickstream.config.ConfigException;
import io.clickstream.sql.SqlScriptException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code clickstream}: the command line. */
@Command(name = "clickstream", mixinStandardHelpOptions = true, version = "clickstream-flink 0.1.0",
        description = "Real-time clickstream analytics on Apache Flink.",
        subcommands = {RunCommand.class, SqlCommand.class, GenerateCommand.class, ProduceCommand.class, BenchCommand.class,
                StateSizesCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) throws Exception {
        if (args.length == 0 && CloudJob.runningInCluster()) {
            CloudJob.run();
            return;
        }
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ConfigException) {
                cmd.getErr().println("configuration error: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof SqlScriptException) {
                cmd.getErr().println("SQL error: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cli.execute(args);
    }
}

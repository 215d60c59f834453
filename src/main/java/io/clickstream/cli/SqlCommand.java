package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.sql.SqlJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code clickstream sql FILE.sql…}: SQL scripts on the embedded cluster, with the options of {@code run}
 * (source, output, savepoints, Ctrl-C/SIGTERM stops with a savepoint).
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Runs SQL scripts (SET, DDL, INSERT INTO) as one Flink job on an embedded cluster. The scripts "
                + "read the table 'clicks': the valid, deduplicated events of the chosen source, with watermarks. "
                + "${group.key} in a script is replaced by that configuration value, e.g. ${output.path}.")
public class SqlCommand extends RunCommand {
    @Parameters(paramLabel = "SCRIPT", arity = "0..*",
            description = "A .sql file, or a script shipped in the JAR such as sql/pageviews_1m.sql "
                    + "(default: the sql.scripts setting).")
    List<String> scripts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        AppConfig c = resolve();
        List<String> locations = scripts.isEmpty() ? SqlJob.locations(c.string(Settings.SQL_SCRIPTS)) : scripts;
        SqlJob job = SqlJob.fromConfig(c, locations);   // reads and checks the scripts before a cluster starts
        System.out.println("SQL scripts: " + String.join(", ", locations));
        return run(c, fromSavepoint, allowNonRestoredState, job::build, "clickstream-sql");
    }
}

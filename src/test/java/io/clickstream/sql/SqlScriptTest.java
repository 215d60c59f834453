package io.clickstream.sql;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlScriptTest {
    private static final Map<String, String> VARS = Map.of("output.path", "s3://bucket/out", "analytics.high-spend-threshold", "1000");

    private static SqlScript parse(String text) {
        return SqlScript.parse("t.sql", text, VARS::get);
    }

    private static List<String> texts(SqlScript s) {
        return s.statements().stream().map(st -> st.text).collect(Collectors.toList());
    }

    @Test
    void splitsAtSemicolonsOutsideQuotesAndCommentsAndKeepsEachStatementsFirstLine() {
        SqlScript s = parse("-- a comment; not a statement\n"
                + "SET 'table.local-time-zone' = 'UTC';\n"
                + "\n"
                + "CREATE TABLE t (\n"
                + "  a STRING  -- trailing; comment\n"
                + ") WITH ('x' = 'semi;colon', 'y' = 'it''s');\n"
                + "/* block; comment\n spanning lines */ INSERT INTO t\n"
                + "SELECT `odd;name` FROM s")   // the last statement needs no semicolon
        ;
        assertThat(texts(s)).containsExactly(
                "SET 'table.local-time-zone' = 'UTC'",
                "CREATE TABLE t (\n  a STRING  \n) WITH ('x' = 'semi;colon', 'y' = 'it''s')",
                "INSERT INTO t\nSELECT `odd;name` FROM s");
        assertThat(s.statements().stream().map(st -> st.line)).containsExactly(2, 4, 8);
        assertThat(s.statements().get(2).where()).isEqualTo("t.sql:8");
    }

    @Test
    void emptyStatementsAndCommentOnlyScriptsYieldNothing() {
        assertThat(parse(";;\n  ;\n-- only a comment\n/* and another */").statements()).isEmpty();
    }

    @Test
    void placeholdersAreFilledFromTheConfiguration() {
        SqlScript s = parse("CREATE TABLE t (a INT) WITH ('path' = '${output.path}/sql/t');\n"
                + "INSERT INTO t SELECT 1 WHERE 2 > ${analytics.high-spend-threshold}");
        assertThat(texts(s)).containsExactly(
                "CREATE TABLE t (a INT) WITH ('path' = 's3://bucket/out/sql/t')",
                "INSERT INTO t SELECT 1 WHERE 2 > 1000");
    }

    @Test
    void anUnknownPlaceholderNamesItsLineAndKey() {
        assertThatThrownBy(() -> parse("SET 'a' = 'b';\n\nCREATE TABLE t (a INT)\nWITH ('path' = '${output.pth}')"))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageStartingWith("t.sql:4: unknown placeholder ${output.pth}");
    }

    @Test
    void unclosedQuotesAndCommentsAreReportedWithTheirLine() {
        assertThatThrownBy(() -> parse("SELECT 1;\nSELECT 'abc;\nFROM x"))
                .isInstanceOf(SqlScriptException.class).hasMessage("t.sql:2: a ' quote is never closed");
        assertThatThrownBy(() -> parse("SELECT 1;\n\n/* never closed"))
                .isInstanceOf(SqlScriptException.class).hasMessage("t.sql:3: a /* comment is never closed with */");
    }

    @Test
    void aScriptThatIsNeitherAFileNorShippedIsRefusedWithWhatToGive() {
        assertThatThrownBy(() -> SqlScript.load("no/such/script.sql", VARS::get))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("'no/such/script.sql' is neither a file nor one of the scripts in the JAR");
    }

    @Test
    void theShippedScriptsLoadFromTheClasspath() {
        SqlScript s = SqlScript.load("sql/pageviews_1m.sql", VARS::get);
        assertThat(s.name()).isEqualTo("sql/pageviews_1m.sql");
        assertThat(s.statements()).hasSize(2);
        assertThat(s.statements().get(0).text).contains("'path' = 's3://bucket/out/sql/pageviews_1m'");
        assertThat(s.statements().get(1).text).startsWith("INSERT INTO pageviews_1m_sql");
    }
}

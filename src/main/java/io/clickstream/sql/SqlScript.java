package io.clickstream.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script cut into statements, each with the line it starts on, so that an error can name the file and line.
 * Statements end with {@code ;} outside quotes and comments; comments are blanked out (newlines kept, so line
 * numbers inside a statement stay right). {@code ${key}} placeholders are replaced from the job's configuration,
 * so one script runs locally and in the cloud ({@code ${output.path}}, {@code ${kinesis.stream}}, …).
 */
public final class SqlScript {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    /** One statement: its text (without the {@code ;}), the script it came from and the line it starts on. */
    public static final class Statement {
        public final String file;
        public final int line;
        public final String text;

        Statement(String file, int line, String text) {
            this.file = file;
            this.line = line;
            this.text = text;
        }

        /** {@code file:line}, for messages. */
        public String where() {
            return file + ":" + line;
        }

        /** The statement's first words, for messages. */
        public String head() {
            String oneLine = text.replaceAll("\\s+", " ").trim();
            return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
        }

        @Override
        public String toString() {
            return where() + " " + head();
        }
    }

    private final String name;
    private final List<Statement> statements;

    private SqlScript(String name, List<Statement> statements) {
        this.name = name;
        this.statements = Collections.unmodifiableList(statements);
    }

    public String name() {
        return name;
    }

    public List<Statement> statements() {
        return statements;
    }

    /**
     * Reads a script from a file, or else from the classpath under {@code sql/} (the scripts ship in the JAR, so a
     * cloud deployment names one as {@code sql/pageviews_1m.sql}).
     */
    public static SqlScript load(String location, Function<String, String> variables) {
        Path file = Path.of(location);
        try {
            if (Files.isRegularFile(file)) {
                return parse(location, Files.readString(file, StandardCharsets.UTF_8), variables);
            }
            String resource = location.startsWith("sql/") ? location : "sql/" + location;
            try (InputStream in = SqlScript.class.getClassLoader().getResourceAsStream(resource)) {
                if (in != null) {
                    return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), variables);
                }
            }
        } catch (IOException e) {
            throw new SqlScriptException("cannot read SQL script " + location + ": " + e.getMessage(), e);
        }
        throw new SqlScriptException("SQL script '" + location + "' is neither a file nor one of the scripts in the JAR's "
                + "sql/ folder; give a path to a .sql file, or e.g. sql/pageviews_1m.sql");
    }

    /** Cuts {@code text} into statements and fills in the placeholders; {@code variables} returns null for unknown keys. */
    public static SqlScript parse(String name, String text, Function<String, String> variables) {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = -1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            char next = i + 1 < n ? text.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {                       // line comment: blank to the end of the line
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && next == '*') {                       // block comment: keep its newlines only
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new SqlScriptException(name + ":" + line + ": a /* comment is never closed with */");
                }
                for (int k = i; k < end + 2; k++) {
                    if (text.charAt(k) == '\n') {
                        current.append('\n');
                        line++;
                    } else {
                        current.append(' ');
                    }
                }
                i = end + 2;
                continue;
            }
            if (c == '\'' || c == '`' || c == '"') {              // quoted: copy verbatim to the closing quote
                if (startLine < 0) {
                    startLine = line;
                }
                int quoteLine = line;
                current.append(c);
                i++;
                boolean closed = false;
                while (i < n) {
                    char q = text.charAt(i);
                    current.append(q);
                    i++;
                    if (q == '\n') {
                        line++;
                    }
                    if (q == c) {
                        if (i < n && text.charAt(i) == c) {          // doubled quote: an escaped quote character
                            current.append(c);
                            i++;
                            continue;
                        }
                        closed = true;
                        break;
                    }
                }
                if (!closed) {
                    throw new SqlScriptException(name + ":" + quoteLine + ": a " + c + " quote is never closed");
                }
                continue;
            }
            if (c == ';') {
                add(out, name, startLine, current, variables);
                current.setLength(0);
                startLine = -1;
                i++;
                continue;
            }
            if (c == '\n') {
                line++;
            }
            if (startLine < 0 && !Character.isWhitespace(c)) {
                startLine = line;
            }
            if (startLine >= 0) {
                current.append(c);
            }
            i++;
        }
        add(out, name, startLine, current, variables);
        return new SqlScript(name, out);
    }

    private static void add(List<Statement> out, String file, int line, StringBuilder text,
                            Function<String, String> variables) {
        String statement = text.toString().strip();
        if (statement.isEmpty()) {
            return;
        }
        out.add(new Statement(file, line, substitute(file, line, statement, variables)));
    }

    private static String substitute(String file, int line, String statement, Function<String, String> variables) {
        Matcher m = PLACEHOLDER.matcher(statement);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = variables.apply(m.group(1));
            if (value == null) {
                int at = line + (int) statement.substring(0, m.start()).chars().filter(ch -> ch == '\n').count();
                throw new SqlScriptException(file + ":" + at + ": unknown placeholder ${" + m.group(1)
                        + "}; placeholders name configuration keys such as ${output.path} or ${kinesis.stream} "
                        + "(see docs/configuration.md)");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}

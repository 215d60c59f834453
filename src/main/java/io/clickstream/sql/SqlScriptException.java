package io.clickstream.sql;

/** A SQL script that cannot run; the message starts with {@code file:line}. */
public class SqlScriptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SqlScriptException(String message) {
        super(message);
    }

    public SqlScriptException(String message, Throwable cause) {
        super(message, cause);
    }
}

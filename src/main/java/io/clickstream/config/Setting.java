package io.clickstream.config;

import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * One configuration key: its property group, name, type, default and meaning. Values are checked
 * against the type when the configuration is loaded, so a bad value stops the start with a message.
 */
public final class Setting implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Type { STRING, INT, LONG, NUMBER, FRACTION, DURATION, MEMORY_SIZE, BOOLEAN, CHOICE, INSTANT_OR_NOW }

    public final String group;
    public final String key;
    public final Type type;
    public final String defaultValue;
    public final List<String> choices;
    public final String description;

    Setting(String group, String key, Type type, String defaultValue, List<String> choices, String description) {
        this.group = group;
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.choices = choices;
        this.description = description;
    }

    /** {@code group.key}, the form used on the command line ({@code --set group.key=value}). */
    public String qualifiedName() {
        return group + "." + key;
    }

    /** Parses a value of this setting; throws {@link ConfigException} naming the key, the value and what is expected. */
    Object parse(String raw) {
        String v = raw.trim();
        try {
            switch (type) {
                case STRING:
                    return v;
                case INT:
                    return Integer.parseInt(v);
                case LONG:
                    return Long.parseLong(v);
                case NUMBER: {
                    double d = Double.parseDouble(v);
                    if (!Double.isFinite(d)) {
                        throw invalid(raw, "a finite number");
                    }
                    return d;
                }
                case FRACTION: {
                    double d = Double.parseDouble(v);
                    if (!(d >= 0 && d <= 1)) {
                        throw invalid(raw, "a fraction between 0 and 1, e.g. 0.05");
                    }
                    return d;
                }
                case DURATION:
                    return TimeUtils.parseDuration(v);
                case MEMORY_SIZE:
                    return org.apache.flink.configuration.MemorySize.parse(v);
                case BOOLEAN:
                    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(v);
                    }
                    throw invalid(raw, "true or false");
                case CHOICE:
                    if (choices.contains(v)) {
                        return v;
                    }
                    throw invalid(raw, "one of " + String.join(", ", choices));
                case INSTANT_OR_NOW:
                    if (v.equals("now")) {
                        return v;
                    }
                    return Instant.parse(v);
                default:
                    throw new IllegalStateException("unhandled type " + type);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw invalid(raw, expected());
        } catch (IllegalArgumentException e) {
            if (e instanceof ConfigException) {
                throw e;
            }
            throw invalid(raw, expected());
        }
    }

    private ConfigException invalid(String raw, String expected) {
        return new ConfigException("invalid value '" + raw + "' for " + qualifiedName() + ": expected " + expected
                + " (" + description + ")");
    }

    /** The value type in a few words, for the settings table. */
    String shortType() {
        switch (type) {
            case INT:
            case LONG:
                return "integer";
            case NUMBER:
                return "number";
            case FRACTION:
                return "fraction 0–1";
            case DURATION:
                return "duration";
            case MEMORY_SIZE:
                return "memory size";
            case BOOLEAN:
                return "true, false";
            case CHOICE:
                return String.join(", ", choices);
            case INSTANT_OR_NOW:
                return "now, ISO-8601 instant";
            default:
                return "string";
        }
    }

    String expected() {
        switch (type) {
            case INT:
            case LONG:
                return "a whole number";
            case NUMBER:
                return "a number such as 1000 or 99.5";
            case FRACTION:
                return "a fraction between 0 and 1";
            case DURATION:
                return "a duration such as 500ms, 10s, 5min, 1h or 7d";
            case MEMORY_SIZE:
                return "a memory size such as 512m or 1g";
            case BOOLEAN:
                return "true or false";
            case CHOICE:
                return "one of " + String.join(", ", choices);
            case INSTANT_OR_NOW:
                return "'now' or an ISO-8601 instant such as 2024-11-25T00:00:00Z";
            default:
                return "a string";
        }
    }
}

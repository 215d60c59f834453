package io.clickstream.config;

/** A configuration problem found at start; the message names the key, the value and what is valid. */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

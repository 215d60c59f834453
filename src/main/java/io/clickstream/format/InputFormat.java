package io.clickstream.format;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;

import java.util.Locale;

/** The wire format of input records ({@code source.format}). */
public enum InputFormat {
    /** One JSON object per record; files are newline-delimited. */
    JSON,
    /** Avro single-object encoding (header, writer-schema fingerprint, binary body); files are length-delimited. */
    AVRO,
    /** A {@code click_event.proto} message; files are length-delimited. */
    PROTOBUF;

    /** The name used in configuration and on the command line. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when a file holds one varint length prefix before each record instead of one record per line. */
    public boolean lengthDelimited() {
        return this != JSON;
    }

    public static InputFormat of(String name) {
        for (InputFormat f : values()) {
            if (f.wireName().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown input format '" + name + "'; expected json, avro or protobuf");
    }

    public static InputFormat fromConfig(AppConfig config) {
        return of(config.string(Settings.SOURCE_FORMAT));
    }
}

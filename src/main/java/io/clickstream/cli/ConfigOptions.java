package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Setting;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The configuration options every command shares: a property-group file, and overrides. */
public class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Property groups as JSON: [{\"PropertyGroupId\": \"...\", \"PropertyMap\": {...}}] (the MSF shape).")
    Path configFile;

    @Option(names = "--set", paramLabel = "GROUP.KEY=VALUE",
            description = "Overrides one key, e.g. --set event-time.watermark-delay=5s. Repeatable; wins over --config.")
    List<String> overrides = new ArrayList<>();

    /** Defaults, then the file, then the command's own flags, then --set. */
    AppConfig resolve(List<Object[]> flagValues) {
        AppConfig c = configFile == null ? AppConfig.defaults() : AppConfig.fromJsonFile(configFile);
        for (Object[] f : flagValues) {
            if (f[1] != null) {
                c = c.with((Setting) f[0], f[1]);
            }
        }
        for (String o : overrides) {
            c = c.with(o);
        }
        return c.validate();
    }
}

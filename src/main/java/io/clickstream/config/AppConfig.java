package io.clickstream.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.quality.Reason;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The application's configuration: MSF-style property groups, validated once at start into typed
 * values. Unknown groups, unknown keys and bad values fail here, naming the key, the value and the
 * valid choices. Immutable; every change returns a new instance.
 */
public final class AppConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, Map<String, String>> groups;
    private final Map<String, Object> values;

    private AppConfig(Map<String, Map<String, String>> groups) {
        this.groups = groups;
        this.values = resolve(groups);
    }

    /**
     * Checks the keys against each other (each key alone is checked on every change). Call once the
     * configuration is complete; returns this.
     */
    /** True for the bounded replays of files: source.type file or dlq. */
    public boolean replaysFiles() {
        String type = string(Settings.SOURCE_TYPE);
        return type.equals("file") || type.equals("dlq");
    }

    /** The reasons named by source.dlq.reasons (empty: every reason). */
    public List<String> dlqReasons() {
        return Arrays.stream(string(Settings.SOURCE_DLQ_REASONS).split(","))
                .map(String::trim).filter(r -> !r.isEmpty()).collect(Collectors.toList());
    }

    public AppConfig validate() {
        if (replaysFiles() && string(Settings.SOURCE_FILE_PATH).isBlank()) {
            throw new ConfigException("source.type is " + string(Settings.SOURCE_TYPE)
                    + " but source.file.path is empty: pass --input " + (string(Settings.SOURCE_TYPE).equals("dlq") ? "DIR" : "FILE"));
        }
        for (String reason : dlqReasons()) {
            if (Arrays.stream(Reason.values()).noneMatch(r -> r.name().equals(reason))) {
                throw new ConfigException("source.dlq.reasons: unknown reason '" + reason + "'; valid reasons: "
                        + Arrays.stream(Reason.values()).map(Enum::name).collect(Collectors.joining(", ")));
            }
        }
        if (duration(Settings.GEN_DISORDER_MAX).compareTo(duration(Settings.WATERMARK_DELAY)) >= 0) {
            throw new ConfigException("generator.disorder-max (" + duration(Settings.GEN_DISORDER_MAX)
                    + ") must be below event-time.watermark-delay (" + duration(Settings.WATERMARK_DELAY)
                    + "): disordered events are meant to stay on time; use generator.late-fraction for late ones");
        }
        if (integer(Settings.MAX_RECORD_BYTES) <= 0) {
            throw new ConfigException("validation.max-record-bytes must be positive, got " + integer(Settings.MAX_RECORD_BYTES));
        }
        for (Setting d : new Setting[] {Settings.PAGEVIEWS_WINDOW, Settings.HIGH_SPEND_WINDOW, Settings.HIGH_SPEND_SLIDE,
                Settings.SESSION_GAP, Settings.SESSION_GAP_AFTER_PURCHASE, Settings.INACTIVITY_TIMEOUT, Settings.SPEND_TTL,
                Settings.ATTRIBUTION_MAX_DELAY, Settings.CONVERSION_WINDOW, Settings.CLICK_TO_PURCHASE_WITHIN,
                Settings.RAPID_PURCHASES_WITHIN, Settings.CART_ABANDONMENT_TIMEOUT}) {
            if (duration(d).isZero() || duration(d).isNegative()) {
                throw new ConfigException(d.qualifiedName() + " must be positive, got " + duration(d));
            }
        }
        if (duration(Settings.HIGH_SPEND_WINDOW).toMillis() % duration(Settings.HIGH_SPEND_SLIDE).toMillis() != 0) {
            throw new ConfigException("analytics.high-spend-window (" + duration(Settings.HIGH_SPEND_WINDOW)
                    + ") must be a whole multiple of analytics.high-spend-slide (" + duration(Settings.HIGH_SPEND_SLIDE) + ")");
        }
        if (integer(Settings.PURCHASE_MILESTONE) <= 0) {
            throw new ConfigException("analytics.purchase-milestone-every must be at least 1, got "
                    + integer(Settings.PURCHASE_MILESTONE));
        }
        if (duration(Settings.ATTRIBUTION_CLOCK_SKEW).isNegative()) {
            throw new ConfigException("journeys.attribution-clock-skew must be 0 or more, got "
                    + duration(Settings.ATTRIBUTION_CLOCK_SKEW));
        }
        if (integer(Settings.RAPID_PURCHASES_COUNT) < 2) {
            throw new ConfigException("journeys.rapid-purchases-count must be at least 2, got "
                    + integer(Settings.RAPID_PURCHASES_COUNT) + ": a single purchase is not a rapid series");
        }
        if (integer(Settings.PARALLELISM) <= 0) {
            throw new ConfigException("run.parallelism must be at least 1, got " + integer(Settings.PARALLELISM));
        }
        if (integer(Settings.CACHED_USERS) < 0) {
            throw new ConfigException("checkpoint.rocksdb-cached-users must be 0 (no cache) or more, got "
                    + integer(Settings.CACHED_USERS));
        }
        if (longValue(Settings.GEN_RATE) < 0 || longValue(Settings.GEN_EVENTS) < 0 || integer(Settings.GEN_USERS) <= 0) {
            throw new ConfigException("generator.rate and generator.events must be >= 0 and generator.users > 0");
        }
        return this;
    }

    /** Every key at its default. */
    public static AppConfig defaults() {
        return new AppConfig(new LinkedHashMap<>());
    }

    /** Property groups as MSF hands them over ({@code KinesisAnalyticsRuntime.getApplicationProperties()}). */
    public static AppConfig fromProperties(Map<String, Properties> propertyGroups) {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        propertyGroups.forEach((group, props) -> {
            Map<String, String> m = new LinkedHashMap<>();
            props.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, props.getProperty(k)));
            groups.put(group, m);
        });
        return new AppConfig(groups);
    }

    /** A local file of the MSF shape: {@code [{"PropertyGroupId": "...", "PropertyMap": {"key": "value"}}]}. */
    public static AppConfig fromJsonFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new ConfigException("configuration file " + file + " must hold a JSON array of "
                    + "{\"PropertyGroupId\": ..., \"PropertyMap\": {...}} objects");
        }
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        for (JsonNode g : root) {
            JsonNode id = g.get("PropertyGroupId");
            JsonNode map = g.get("PropertyMap");
            if (id == null || !id.isTextual() || map == null || !map.isObject()) {
                throw new ConfigException("configuration file " + file + ": every entry needs a string "
                        + "\"PropertyGroupId\" and an object \"PropertyMap\", got " + g);
            }
            Map<String, String> m = groups.computeIfAbsent(id.textValue(), k -> new LinkedHashMap<>());
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw new ConfigException("configuration file " + file + ": " + id.textValue() + "."
                            + e.getKey() + " must be a string, number or boolean, got " + v);
                }
                m.put(e.getKey(), v.asText());
            }
        }
        return new AppConfig(groups);
    }

    /** This configuration with {@code group.key=value} set (the form of {@code --set}). */
    public AppConfig with(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("'" + assignment + "' is not of the form group.key=value, e.g. "
                    + Settings.WATERMARK_DELAY.qualifiedName() + "=5s");
        }
        String name = assignment.substring(0, eq).trim();
        int dot = name.indexOf('.');
        if (dot <= 0) {
            throw new ConfigException("'" + name + "' does not name a property group: use group.key, e.g. "
                    + Settings.WATERMARK_DELAY.qualifiedName());
        }
        return with(name.substring(0, dot), name.substring(dot + 1), assignment.substring(eq + 1));
    }

    public AppConfig with(Setting setting, Object value) {
        return with(setting.group, setting.key, String.valueOf(value));
    }

    public AppConfig with(String group, String key, String value) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        groups.forEach((g, m) -> copy.put(g, new LinkedHashMap<>(m)));
        copy.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(key, value);
        return new AppConfig(copy);
    }

    /** The value of {@code group.key} as written, or its default; null when the application has no such key. */
    public String text(String qualifiedName) {
        for (Setting s : Settings.all()) {
            if (s.qualifiedName().equals(qualifiedName)) {
                return groups.getOrDefault(s.group, Map.of()).getOrDefault(s.key, s.defaultValue);
            }
        }
        return null;
    }

    /** True when the key was given explicitly rather than left at its default. */
    public boolean isSet(Setting s) {
        return groups.getOrDefault(s.group, Map.of()).containsKey(s.key);
    }

    public String string(Setting s) {
        return (String) get(s, Setting.Type.STRING, Setting.Type.CHOICE);
    }

    public int integer(Setting s) {
        return (Integer) get(s, Setting.Type.INT);
    }

    public long longValue(Setting s) {
        return (Long) get(s, Setting.Type.LONG);
    }

    public double number(Setting s) {
        return (Double) get(s, Setting.Type.NUMBER);
    }

    public double fraction(Setting s) {
        return (Double) get(s, Setting.Type.FRACTION);
    }

    public Duration duration(Setting s) {
        return (Duration) get(s, Setting.Type.DURATION);
    }

    public org.apache.flink.configuration.MemorySize memorySize(Setting s) {
        return (org.apache.flink.configuration.MemorySize) get(s, Setting.Type.MEMORY_SIZE);
    }

    public boolean bool(Setting s) {
        return (Boolean) get(s, Setting.Type.BOOLEAN);
    }

    /** For INSTANT_OR_NOW settings: the instant in epoch millis, or {@code now} when the value is "now". */
    public long instantMillis(Setting s, long now) {
        Object v = get(s, Setting.Type.INSTANT_OR_NOW);
        return v instanceof java.time.Instant ? ((java.time.Instant) v).toEpochMilli() : now;
    }

    /** Whether an instant-or-now setting is "now" (its value is the caller's clock) rather than an instant. */
    public boolean isNow(Setting s) {
        return !(get(s, Setting.Type.INSTANT_OR_NOW) instanceof java.time.Instant);
    }

    private Object get(Setting s, Setting.Type... types) {
        for (Setting.Type t : types) {
            if (s.type == t) {
                return values.get(s.qualifiedName());
            }
        }
        throw new IllegalArgumentException(s.qualifiedName() + " is of type " + s.type);
    }

    private static Map<String, Object> resolve(Map<String, Map<String, String>> groups) {
        Map<String, Map<String, Setting>> known = Settings.byGroup();
        for (Map.Entry<String, Map<String, String>> g : groups.entrySet()) {
            Map<String, Setting> keys = known.get(g.getKey());
            if (keys == null) {
                throw new ConfigException("unknown property group '" + g.getKey() + "'"
                        + suggestion(g.getKey(), known.keySet()) + "; valid groups: " + String.join(", ", known.keySet()));
            }
            for (String key : g.getValue().keySet()) {
                if (!keys.containsKey(key)) {
                    throw new ConfigException("unknown key '" + key + "' in property group '" + g.getKey() + "'"
                            + suggestion(key, keys.keySet()) + "; valid keys: " + String.join(", ", keys.keySet()));
                }
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (Setting s : Settings.all()) {
            String raw = groups.getOrDefault(s.group, Map.of()).getOrDefault(s.key, s.defaultValue);
            values.put(s.qualifiedName(), s.parse(raw));
        }
        return values;
    }

    private static String suggestion(String given, Iterable<String> valid) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String v : valid) {
            int d = distance(given, v);
            if (d < bestDistance) {
                bestDistance = d;
                best = v;
            }
        }
        return best != null && bestDistance <= Math.max(2, given.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    /** Levenshtein distance, for "did you mean" hints. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        Settings.all().stream().sorted(Comparator.comparing(Setting::qualifiedName)).forEach(s ->
                sb.append(s.qualifiedName()).append('=').append(values.get(s.qualifiedName())).append('\n'));
        return sb.toString();
    }
}

package io.clickstream.config;

import java.util.Map;

/** Renders every setting as the Markdown table of docs/configuration.md (a test keeps the two in step). */
public final class SettingsTable {
    private SettingsTable() {}

    /** Prints the table; paste it between the markers of docs/configuration.md. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Map<String, Setting>> group : Settings.byGroup().entrySet()) {
            sb.append("### `").append(group.getKey()).append("`\n\n");
            sb.append("| key | default | values | meaning |\n|---|---|---|---|\n");
            for (Setting s : group.getValue().values()) {
                sb.append("| `").append(s.key).append("` | `")
                        .append(s.defaultValue.isEmpty() ? "\"\"" : s.defaultValue).append("` | ")
                        .append(s.shortType())
                        .append(" | ").append(s.description.replace("|", "\\|")).append(" |\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}

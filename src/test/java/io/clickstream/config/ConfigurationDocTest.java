package io.clickstream.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationDocTest {
    @Test
    void docsListEveryKeyWithItsDefault() throws Exception {
        String doc = new String(Files.readAllBytes(Paths.get("docs/configuration.md")), StandardCharsets.UTF_8);
        String begin = "<!-- settings:begin -->\n";
        String table = doc.substring(doc.indexOf(begin) + begin.length(), doc.indexOf("<!-- settings:end -->"));

        assertThat(table)
                .as("docs/configuration.md is out of date: run scripts/update-config-docs.sh")
                .isEqualTo(SettingsTable.markdown());
    }
}

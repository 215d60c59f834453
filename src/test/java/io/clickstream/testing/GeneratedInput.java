package io.clickstream.testing;

import io.clickstream.source.EventGenerator;
import io.clickstream.source.GeneratorSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The generator's records as a JSON-lines input, for replay tests. */
public final class GeneratedInput {
    private GeneratedInput() {}

    public static byte[] lines(GeneratorSettings settings, int records) {
        EventGenerator g = new EventGenerator(settings);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < records; i++) {
            out.writeBytes(g.next().payload);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Writes {@code records} generated records to {@code file} and returns it. */
    public static Path file(GeneratorSettings settings, int records, Path file) throws IOException {
        Files.write(file, lines(settings, records));
        return file;
    }
}

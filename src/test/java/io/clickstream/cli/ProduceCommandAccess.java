package io.clickstream.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/** Lets tests in other packages read a file the way {@code clickstream produce --input} does. */
public final class ProduceCommandAccess {
    private ProduceCommandAccess() {}

    public static Iterator<byte[]> lines(Path file) throws IOException {
        return ProduceCommand.lines(file);
    }
}

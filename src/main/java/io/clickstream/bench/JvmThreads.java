package io.clickstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * CPU time of the JVM's own threads, which a process-wide CPU figure includes: the JIT compilers and the garbage
 * collector. Their threads live as long as the JVM, so the difference between two readings is what a run cost
 * them. Read from {@code /proc/self/task} (Linux); elsewhere both are 0.
 */
final class JvmThreads {
    private static final double TICKS_PER_SECOND = 100.0;  // USER_HZ, 100 on every Linux the JVM supports

    private JvmThreads() {}

    /** {compiler threads, GC threads} CPU seconds so far. */
    static double[] cpuSeconds() {
        double[] sums = new double[2];
        Path tasks = Paths.get("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return sums;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(t -> add(t.resolve("stat"), sums));
        } catch (IOException e) {
            return new double[2];
        }
        return sums;
    }

    private static void add(Path stat, double[] sums) {
        String s;
        try {
            s = Files.readString(stat);
        } catch (IOException e) {
            return;  // the thread ended between listing and reading
        }
        int open = s.indexOf('(');
        int close = s.lastIndexOf(')');
        if (open < 0 || close < open) {
            return;
        }
        String name = s.substring(open + 1, close);
        int kind = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? 0
                : name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread") ? 1 : -1;
        if (kind < 0) {
            return;
        }
        // Fields after the name: state is the first; utime and stime are the 12th and 13th.
        String[] f = s.substring(close + 2).split(" ");
        sums[kind] += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }
}

package io.clickstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;

/** What one benchmark run cost: records, wall time, process CPU time and peak heap. */
public final class Measurement {
    public final String name;
    public final long records;
    public final double wallSeconds;
    public final double cpuSeconds;
    public final long peakHeapBytes;

    Measurement(String name, long records, double wallSeconds, double cpuSeconds, long peakHeapBytes) {
        this.name = name;
        this.records = records;
        this.wallSeconds = wallSeconds;
        this.cpuSeconds = cpuSeconds;
        this.peakHeapBytes = peakHeapBytes;
    }

    /** CPU seconds of the JVM's compiler threads and garbage-collector threads during the run (0 if unknown). */
    double jitSeconds;
    double gcSeconds;

    /** The same run with one record: starting and stopping the cluster and the job, subtracted from the rates. */
    Measurement startup;

    /** Records per second of process CPU time (all threads: tasks, GC, JIT, the embedded cluster), net of startup. */
    public double perCpuSecond() {
        return records / Math.max(1e-9, cpuSeconds - (startup == null ? 0 : startup.cpuSeconds));
    }

    /**
     * Records per CPU-second without the compiler threads' CPU time, net of startup (and of its compiling). The JIT
     * still compiles for 1 – 3 CPU-s in a measured run after the warm-up, differently from run to run; in a job that
     * runs for days that cost is spent once. The rate without it is the steadier one to compare builds with.
     */
    public double perCpuSecondWithoutJit() {
        double net = cpuSeconds - jitSeconds - (startup == null ? 0 : startup.cpuSeconds - startup.jitSeconds);
        return records / Math.max(1e-9, net);
    }

    public double perWallSecond() {
        return records / Math.max(1e-9, wallSeconds - (startup == null ? 0 : startup.wallSeconds));
    }

    String row() {
        return String.format(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %,d |", name, records,
                wallSeconds, cpuSeconds, startup == null ? 0 : startup.cpuSeconds, jitSeconds, gcSeconds,
                rate(cpuSeconds, startup == null ? 0 : startup.cpuSeconds),
                rate(cpuSeconds - jitSeconds, startup == null ? 0 : startup.cpuSeconds - startup.jitSeconds),
                rate(wallSeconds, startup == null ? 0 : startup.wallSeconds), peakHeapBytes / (1024 * 1024));
    }

    /** Records per second net of the start-up, or "n/a" when the run took no longer than its start-up (tiny runs). */
    private String rate(double seconds, double startupSeconds) {
        double net = seconds - startupSeconds;
        return net <= 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", records / net);
    }

    /** One line: the median and range of the rates of {@code runs} (the same job), with and without the JIT. */
    static String median(String name, List<Measurement> runs) {
        double[] all = runs.stream().mapToDouble(Measurement::perCpuSecond).sorted().toArray();
        double[] noJit = runs.stream().mapToDouble(Measurement::perCpuSecondWithoutJit).sorted().toArray();
        return String.format(Locale.ROOT, "%s, %d run%s: median %,.0f records / CPU-s (%,.0f – %,.0f); without JIT "
                        + "median %,.0f (%,.0f – %,.0f).%n", name, runs.size(), runs.size() == 1 ? "" : "s", all[all.length / 2], all[0],
                all[all.length - 1], noJit[noJit.length / 2], noJit[0], noJit[noJit.length - 1]);
    }

    static String header() {
        return "| run | records | wall s | CPU s | of which startup CPU s | JIT CPU s | GC CPU s | records / CPU-s "
                + "| records / CPU-s without JIT | records / wall-s | peak heap MiB |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    }

    /** Runs {@code work}, measuring process CPU time and sampling the heap every 20 ms. */
    static Measurement of(String name, long records, ThrowingRunnable work) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        HeapSampler sampler = new HeapSampler(memory);
        sampler.start();
        double[] jvm0 = JvmThreads.cpuSeconds();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try {
            work.run();
        } finally {
            sampler.stop = true;
            sampler.join();
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        double[] jvm1 = JvmThreads.cpuSeconds();
        Measurement m = new Measurement(name, records, wall / 1e9, cpu / 1e9, sampler.peak);
        m.jitSeconds = jvm1[0] - jvm0[0];
        m.gcSeconds = jvm1[1] - jvm0[1];
        return m;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static final class HeapSampler extends Thread {
        private final MemoryMXBean memory;
        volatile boolean stop;
        volatile long peak;

        HeapSampler(MemoryMXBean memory) {
            super("heap-sampler");
            setDaemon(true);
            this.memory = memory;
        }

        @Override
        public void run() {
            while (!stop) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}

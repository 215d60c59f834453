package io.clickstream.bench;

import io.clickstream.config.AppConfig;
import io.clickstream.event.ClickEvent;
import io.clickstream.event.ClickEventSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The event serializer alone, in this thread: the generator's valid events written into an array-backed view, one
 * at a time, as a task writes each record to the network, by {@link ClickEventSerializer} (one pass into an
 * array, one write) and by the field-by-field form with Flink's {@link StringValue#writeString}, a call per byte,
 * which wrote the same bytes before. CPU time per event. Like the writer and validation, a small part of the whole
 * job that its runs cannot resolve.
 */
final class SerializerBench {
    private SerializerBench() {}

    /** Returns the report section (Markdown). */
    static String run(AppConfig config, long records) throws Exception {
        List<ClickEvent> events = GeneratedEvents.valid(config, records);
        long bytes = sameBytes(events);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        long[] totals = Alternating.totals(() -> measure(events, out, true), () -> measure(events, out, false));
        long onePass = totals[0];
        long fieldByField = totals[1];
        double n = (double) events.size() * Alternating.MEASURED_ROUNDS;
        double onePassUs = onePass / 1e3 / n;
        double fieldUs = fieldByField / 1e3 / n;
        return String.format(Locale.ROOT, "%nThe event serializer alone (%,d valid events, into an array-backed view as "
                        + "at a task's network output, one thread, after %d warm-up rounds, mean of %d): one pass %.3f µs per "
                        + "event, field by field with Flink's string writer %.3f µs (%.0f %% less); %,.0f bytes per event "
                        + "either way.%n",
                events.size(), Alternating.WARM_UP_ROUNDS, Alternating.MEASURED_ROUNDS, onePassUs, fieldUs, 100 * (1 - onePassUs / fieldUs),
                (double) bytes / events.size());
    }

    /** CPU nanoseconds of this thread to write every event, each into the cleared view. */
    private static long measure(List<ClickEvent> events, DataOutputSerializer out, boolean onePass) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long written = 0;
        ClickEventSerializer serializer = new ClickEventSerializer();
        for (ClickEvent e : events) {
            out.clear();
            if (onePass) {
                serializer.serialize(e, out);
            } else {
                fieldByField(e, out);
            }
            written += out.length();
        }
        long spent = threads.getCurrentThreadCpuTime() - cpu;
        if (written == 0) {
            throw new IllegalStateException("no bytes written: nothing was measured");
        }
        return spent;
    }

    /** The serializer's format written field by field, as it was before the one-pass encoding. */
    private static void fieldByField(ClickEvent e, DataOutputView out) throws IOException {
        StringValue.writeString(e.eventId, out);
        StringValue.writeString(e.userId, out);
        StringValue.writeString(e.sessionId, out);
        StringValue.writeString(e.url, out);
        StringValue.writeString(e.referrer, out);
        StringValue.writeString(e.userAgent, out);
        out.writeByte(e.type == null ? -1 : typeCode(e));
        out.writeLong(e.ts);
        out.writeBoolean(e.spend != null);
        if (e.spend != null) {
            out.writeDouble(e.spend);
        }
    }

    /** The format's type codes (ClickEventSerializer.TYPES); {@link #sameBytes} checks them on every event. */
    private static int typeCode(ClickEvent e) {
        switch (e.type) {
            case VIEW: return 0;
            case CLICK: return 1;
            case ADD_TO_CART: return 2;
            case PURCHASE: return 3;
            default: throw new IllegalStateException("no type code for " + e.type);
        }
    }

    /**
     * Both forms must write the same bytes, or the comparison measures two different things. Returns how many
     * bytes the events take.
     */
    private static long sameBytes(List<ClickEvent> events) throws IOException {
        long total = 0;
        DataOutputSerializer a = new DataOutputSerializer(1024);
        DataOutputSerializer b = new DataOutputSerializer(1024);
        ClickEventSerializer serializer = new ClickEventSerializer();
        for (ClickEvent e : events) {
            a.clear();
            b.clear();
            serializer.serialize(e, a);
            fieldByField(e, b);
            if (!Arrays.equals(a.getCopyOfBuffer(), b.getCopyOfBuffer())) {
                throw new IllegalStateException("the two forms wrote different bytes for event " + e.eventId
                        + ": fix the benchmark's field-by-field form to match ClickEventSerializer's format");
            }
            total += a.length();
        }
        return total;
    }
}

package io.clickstream.source;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.event.RawRecord;
import io.clickstream.pipeline.Operators;
import io.clickstream.quality.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a dead-letter output ({@code dlq/}, or one of its files) through the pipeline after a fix: each dead
 * letter becomes its original record again, byte for byte (base64 payloads decoded), and is validated anew. What
 * is still invalid goes to the new run's dead letters with its reason; nothing is dropped. A line that is not a
 * dead letter at all is passed on as it is, so it is dead-lettered too rather than lost.
 */
public final class DeadLetterReplay {
    private DeadLetterReplay() {}

    /** Every dead letter under {@code path} (folders are read recursively; hidden in-progress files are skipped). */
    public static RawSource source(String path, List<String> reasons) {
        return env -> {
            Path p = new Path(path);
            FileSource<RawRecord> files = FileSource.forRecordStreamFormat(new JsonLinesFormat(p.getName()), p).build();
            return env.fromSource(files, WatermarkStrategy.noWatermarks(), "Dead letters " + p.getName())
                    .setParallelism(1)
                    .uid(Operators.SOURCE_UID + "-dlq")
                    .flatMap(new OriginalRecord(reasons))
                    .setParallelism(1)
                    .uid("dlq-original-records").name("Original records of dead letters");
        };
    }

    /** A dead-letter line → the record it holds, if its reason is selected. */
    static final class OriginalRecord implements FlatMapFunction<RawRecord, RawRecord> {
        private final ArrayList<String> reasons;
        private transient ObjectMapper json;

        OriginalRecord(List<String> reasons) {
            this.reasons = new ArrayList<>(reasons);
        }

        @Override
        public void flatMap(RawRecord line, Collector<RawRecord> out) {
            if (json == null) {
                json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            }
            DeadLetter d;
            try {
                d = json.readValue(line.payload, DeadLetter.class);
            } catch (IOException e) {
                d = null;
            }
            if (d == null || d.payload == null || d.reason == null) {
                out.collect(new RawRecord("dlq", "line " + line.origin + " of the dead letters (not a dead letter)", line.payload));
                return;
            }
            if (reasons.isEmpty() || reasons.contains(d.reason.name())) {
                // The origin stays the original one (file:line, shard:sequence), so a record can be traced back.
                out.collect(new RawRecord("dlq", d.origin + " (replayed)", d.rawBytes()));
            }
        }
    }
}

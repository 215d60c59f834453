package io.clickstream.event;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RawRecordSerializerTest {
    private final RawRecordSerializer serializer = new RawRecordSerializer();

    @Test
    void flinkTypesRawRecordsWithThisSerializer() {
        assertThat(TypeInformation.of(RawRecord.class)).isInstanceOf(RawRecordTypeInfo.class);
        assertThat(TypeInformation.of(RawRecord.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()))
                .isInstanceOf(RawRecordSerializer.class);
    }

    /** Nothing can change a record, so chained operators are handed the record itself. */
    @Test
    void aCopyIsTheRecordItself() {
        RawRecord r = new RawRecord("generator", "#1", "{}".getBytes(StandardCharsets.US_ASCII));
        assertThat(serializer.copy(r)).isSameAs(r);
        assertThat(serializer.copy(r, serializer.createInstance())).isSameAs(r);
        assertThat(serializer.isImmutableType()).isTrue();
    }

    @Test
    void everyFieldSurvivesTheWire() throws IOException {
        byte[] bytes = {(byte) 0xC3, 0x28, '{', 0, (byte) 0xFF};
        for (RawRecord r : new RawRecord[] {
                new RawRecord("file", "events.bin:3", bytes, "the file ends 4 bytes into a record of 9"),
                new RawRecord("kinesis", "clicks/shardId-000000000001/4960", new byte[0]),
                new RawRecord(null, null, null)}) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            serializer.serialize(r, out);
            serializer.serialize(r, out);
            DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
            for (int i = 0; i < 2; i++) {
                RawRecord back = serializer.deserialize(in);
                assertThat(back.source).isEqualTo(r.source);
                assertThat(back.origin).isEqualTo(r.origin);
                assertThat(back.payload).isEqualTo(r.payload);
                assertThat(back.framingError).isEqualTo(r.framingError);
            }
            assertThat(in.available()).isZero();
        }
    }

    @Test
    void theSnapshotRestoresAnEqualSerializer() {
        assertThat(serializer.snapshotConfiguration().restoreSerializer()).isEqualTo(serializer);
    }
}

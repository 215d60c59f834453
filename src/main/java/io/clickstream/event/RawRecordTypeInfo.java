package io.clickstream.event;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/** The Flink type of {@link RawRecord}: serialized by {@link RawRecordSerializer}, never by Kryo. */
public final class RawRecordTypeInfo extends OwnSerializerTypeInfo<RawRecord> {
    private static final long serialVersionUID = 1L;

    public RawRecordTypeInfo() {
        super(RawRecord.class);
    }

    @Override
    protected TypeSerializer<RawRecord> newSerializer() {
        return new RawRecordSerializer();
    }

    /** Named by {@code @TypeInfo} on {@link RawRecord}, so {@code TypeInformation.of(RawRecord.class)} is this. */
    public static final class Factory extends TypeInfoFactory<RawRecord> {
        @Override
        public TypeInformation<RawRecord> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RawRecordTypeInfo();
        }
    }
}

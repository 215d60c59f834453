package io.clickstream.event;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/** The Flink type of {@link RawRecord}: serialized by {@link RawRecordSerializer}, never by Kryo. */
public final class RawRecordTypeInfo extends TypeInformation<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<RawRecord> getTypeClass() {
        return RawRecord.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<RawRecord> createSerializer(SerializerConfig config) {
        return new RawRecordSerializer();
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<RawRecord> createSerializer(ExecutionConfig config) {
        return new RawRecordSerializer();
    }

    @Override
    public String toString() {
        return "RawRecord";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecordTypeInfo;
    }

    @Override
    public int hashCode() {
        return RawRecordTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof RawRecordTypeInfo;
    }

    /** Named by {@code @TypeInfo} on {@link RawRecord}, so {@code TypeInformation.of(RawRecord.class)} is this. */
    public static final class Factory extends TypeInfoFactory<RawRecord> {
        @Override
        public TypeInformation<RawRecord> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RawRecordTypeInfo();
        }
    }
}

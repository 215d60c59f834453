package io.clickstream.event;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/** The Flink type of {@link ClickEvent}: serialized by {@link ClickEventSerializer}, never by Kryo. */
public final class ClickEventTypeInfo extends TypeInformation<ClickEvent> {
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
    public Class<ClickEvent> getTypeClass() {
        return ClickEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ClickEvent> createSerializer(SerializerConfig config) {
        return new ClickEventSerializer();
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<ClickEvent> createSerializer(ExecutionConfig config) {
        return new ClickEventSerializer();
    }

    @Override
    public String toString() {
        return "ClickEvent";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClickEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return ClickEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ClickEventTypeInfo;
    }

    /** Named by {@code @TypeInfo} on {@link ClickEvent}, so {@code TypeInformation.of(ClickEvent.class)} is this. */
    public static final class Factory extends TypeInfoFactory<ClickEvent> {
        @Override
        public TypeInformation<ClickEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new ClickEventTypeInfo();
        }
    }
}

package io.clickstream.event;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/** The Flink type of {@link ClickEvent}: serialized by {@link ClickEventSerializer}, never by Kryo. */
public final class ClickEventTypeInfo extends OwnSerializerTypeInfo<ClickEvent> {
    private static final long serialVersionUID = 1L;

    public ClickEventTypeInfo() {
        super(ClickEvent.class);
    }

    @Override
    protected TypeSerializer<ClickEvent> newSerializer() {
        return new ClickEventSerializer();
    }

    /** Named by {@code @TypeInfo} on {@link ClickEvent}, so {@code TypeInformation.of(ClickEvent.class)} is this. */
    public static final class Factory extends TypeInfoFactory<ClickEvent> {
        @Override
        public TypeInformation<ClickEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new ClickEventTypeInfo();
        }
    }
}

package io.clickstream.format;

import io.clickstream.quality.InvalidRecord;

import java.io.Serializable;

/**
 * Bytes → fields, for one input format. Only decoding: the rules every event must meet (required fields, type,
 * time range, spend) are applied afterwards by {@link io.clickstream.quality.EventParser}, the same for all formats.
 */
public interface RecordDecoder extends Serializable {
    /** Decodes one record; throws with reason MALFORMED_JSON/NOT_AN_OBJECT (JSON) or UNDECODABLE/SCHEMA_MISMATCH. */
    DecodedRecord decode(byte[] payload) throws InvalidRecord;

    /**
     * A cheaper reading of a record that is most likely valid, or null to leave it to {@link #decode}. A record
     * read this way that fails the rules is read again by {@link #decode}, whose reading decides its reason and
     * message; so this need not explain faults, only give the same values as {@link #decode} for valid records.
     */
    default DecodedRecord decodeQuick(byte[] payload) {
        return null;
    }

    static RecordDecoder forFormat(InputFormat format) {
        switch (format) {
            case AVRO:
                return AvroDecoder.latest();
            case PROTOBUF:
                return new ProtobufDecoder();
            default:
                return new JsonDecoder();
        }
    }
}

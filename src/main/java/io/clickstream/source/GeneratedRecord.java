package io.clickstream.source;

import io.clickstream.quality.Reason;

/** One record from the generator, with what the generator meant it to be (ground truth for tests). */
public final class GeneratedRecord {
    public enum Kind { VALID, DUPLICATE, MALFORMED }

    public final byte[] payload;
    public final Kind kind;
    /** For VALID and DUPLICATE: the eventId. */
    public final String eventId;
    /** For MALFORMED: the reason the validator is expected to give. */
    public final Reason expectedReason;
    /** For VALID: true when the event was pushed behind the watermark on purpose. */
    public final boolean late;

    GeneratedRecord(byte[] payload, Kind kind, String eventId, Reason expectedReason, boolean late) {
        this.payload = payload;
        this.kind = kind;
        this.eventId = eventId;
        this.expectedReason = expectedReason;
        this.late = late;
    }
}

package io.clickstream.pipeline;

/**
 * Stable uids and readable names of the job's operators. A savepoint maps state to operators by uid:
 * never change a uid of a stateful operator once released, or its state is lost on upgrade.
 */
public final class Operators {
    public static final String SOURCE_UID = "raw-source";
    public static final String VALIDATE_UID = "validate";
    public static final String VALIDATE_NAME = "Validate records";
    public static final String WATERMARKS_UID = "event-time-watermarks";
    public static final String WATERMARKS_NAME = "Event time and watermarks";
    /**
     * Was "dedup-by-event-id" (one flag per eventId, keyed by eventId) before 0.2: that state is not restored into
     * this operator; see "Upgrading from 0.1" in docs/exactly-once.md.
     */
    public static final String DEDUP_UID = "dedup-per-user";
    public static final String DEDUP_NAME = "Deduplicate by eventId (per user)";
    /** Holds the dedup's watermark through a restore: see {@link io.clickstream.event.KeptWatermark}. */
    public static final String DEDUP_WATERMARK_UID = "dedup-kept-watermark";
    public static final String DEDUP_WATERMARK_NAME = "Kept watermark (per user)";
    public static final String REFINED_SINK_UID = "refined-clicks-parquet";
    public static final String REFINED_SINK_NAME = "refined/clicks (Parquet)";
    public static final String DLQ_SINK_UID = "dead-letter-sink";
    public static final String DLQ_SINK_NAME = "dlq (JSON lines)";

    private Operators() {}
}

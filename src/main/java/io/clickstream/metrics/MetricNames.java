package io.clickstream.metrics;

import org.apache.flink.metrics.MetricGroup;

/**
 * Names of the application's own metrics. Each is registered under the metric groups
 * {@value #MSF_GROUP}.{@value #GROUP} of the operator that counts it, so reporters show e.g.
 * {@code kinesisanalytics.clickstream.valid}: Managed Service for Apache Flink forwards custom metrics to
 * CloudWatch only from a group named {@value #MSF_GROUP}.
 */
public final class MetricNames {
    public static final String MSF_GROUP = "kinesisanalytics";
    public static final String GROUP = "clickstream";

    /** Records that passed validation. */
    public static final String VALID = "valid";
    /** Records sent to the dead-letter output. */
    public static final String INVALID = "invalid";
    /** Subgroup of per-reason dead-letter counters: {@code invalidByReason.<REASON>}. */
    public static final String INVALID_BY_REASON = "invalidByReason";
    /** Events dropped because their eventId was already seen within the dedup horizon. */
    public static final String DUPLICATES = "duplicates";
    /** Events whose timestamp was at or behind the watermark when they arrived. */
    public static final String LATE = "late";
    /** Wall clock minus the current watermark, in milliseconds (a gauge). */
    public static final String WATERMARK_LAG_MS = "watermarkLagMs";
    /** Pageview results emitted (on-time and revisions). */
    public static final String PAGEVIEW_RESULTS = "pageviewResults";
    /** Alerts raised; per code under {@code alertsByCode.<CODE>}. */
    public static final String ALERTS = "alerts";
    public static final String ALERTS_BY_CODE = "alertsByCode";
    /** Events too late even for the allowed lateness (written to late/); per analysis under {@code tooLateByAnalysis.<name>}. */
    public static final String TOO_LATE = "tooLate";
    public static final String TOO_LATE_BY_ANALYSIS = "tooLateByAnalysis";
    /** Valid, distinct events passed on to the outputs. */
    public static final String DISTINCT = "distinct";
    /** Rows handed to each output's sink: {@code outputRows.<output>}, e.g. {@code outputRows.attribution}. */
    public static final String OUTPUT_ROWS = "outputRows";

    /** The application's metric group under an operator's (or any) metric group. */
    public static MetricGroup group(MetricGroup operator) {
        return operator.addGroup(MSF_GROUP).addGroup(GROUP);
    }

    private MetricNames() {}
}

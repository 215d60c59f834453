package io.clickstream.quality;

/**
 * A record fails decoding or validation; carries the reason code. Thrown by the format decoders and the shared
 * rules, caught by {@link EventParser#parse}, so it never escapes into the job.
 */
public final class InvalidRecord extends Exception {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public InvalidRecord(Reason reason, String message) {
        super(message, null, false, false);   // no stack trace: bad records are frequent and expected
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

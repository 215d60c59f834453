package io.clickstream.source;

import java.io.Serializable;
import java.time.Duration;

/** What the built-in generator produces: its seed, population, pace and the disorder it injects. */
public final class GeneratorSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final long seed;
    public final int users;
    /** Event time of the first event, epoch millis. */
    public final long startMillis;
    /** Events per second of event time: the i-th event's nominal time is start + i / eventsPerSecond. */
    public final double eventsPerSecond;
    public final double disorderFraction;
    /** How far back a disordered event may be shifted; below the watermark delay, so it is not late. */
    public final long disorderMaxMillis;
    public final double lateFraction;
    /** A late event is shifted back by the watermark delay plus up to this much. */
    public final long lateMaxMillis;
    /** The watermark delay the late events are made to miss. */
    public final long watermarkDelayMillis;
    public final double duplicateFraction;
    public final double malformedFraction;

    public GeneratorSettings(long seed, int users, long startMillis, double eventsPerSecond,
                             double disorderFraction, Duration disorderMax, double lateFraction, Duration lateMax,
                             Duration watermarkDelay, double duplicateFraction, double malformedFraction) {
        this.seed = seed;
        this.users = users;
        this.startMillis = startMillis;
        this.eventsPerSecond = eventsPerSecond;
        this.disorderFraction = disorderFraction;
        this.disorderMaxMillis = disorderMax.toMillis();
        this.lateFraction = lateFraction;
        this.lateMaxMillis = lateMax.toMillis();
        this.watermarkDelayMillis = watermarkDelay.toMillis();
        this.duplicateFraction = duplicateFraction;
        this.malformedFraction = malformedFraction;
    }
}

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
    /**
     * The start was "now" (the wall clock when the job was built), not an instant: a run restored from a
     * checkpoint or savepoint then goes on from the wall clock ({@link GeneratorFunctionAdapter}).
     */
    public final boolean startsNow;

    public GeneratorSettings(long seed, int users, long startMillis, double eventsPerSecond,
                             double disorderFraction, Duration disorderMax, double lateFraction, Duration lateMax,
                             Duration watermarkDelay, double duplicateFraction, double malformedFraction) {
        this(seed, users, startMillis, eventsPerSecond, disorderFraction, disorderMax.toMillis(), lateFraction,
                lateMax.toMillis(), watermarkDelay.toMillis(), duplicateFraction, malformedFraction, false);
    }

    private GeneratorSettings(long seed, int users, long startMillis, double eventsPerSecond, double disorderFraction,
                              long disorderMaxMillis, double lateFraction, long lateMaxMillis, long watermarkDelayMillis,
                              double duplicateFraction, double malformedFraction, boolean startsNow) {
        this.seed = seed;
        this.users = users;
        this.startMillis = startMillis;
        this.eventsPerSecond = eventsPerSecond;
        this.disorderFraction = disorderFraction;
        this.disorderMaxMillis = disorderMaxMillis;
        this.lateFraction = lateFraction;
        this.lateMaxMillis = lateMaxMillis;
        this.watermarkDelayMillis = watermarkDelayMillis;
        this.duplicateFraction = duplicateFraction;
        this.malformedFraction = malformedFraction;
        this.startsNow = startsNow;
    }

    /** These settings with the first event at {@code startMillis}, and whether that start stands for "now". */
    public GeneratorSettings startingAt(long startMillis, boolean startsNow) {
        return new GeneratorSettings(seed, users, startMillis, eventsPerSecond, disorderFraction, disorderMaxMillis,
                lateFraction, lateMaxMillis, watermarkDelayMillis, duplicateFraction, malformedFraction, startsNow);
    }
}

package io.clickstream.source;

import io.clickstream.event.EventType;
import io.clickstream.quality.Reason;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A deterministic simulation of shoppers on a web shop. The same settings always give the same
 * sequence of records, byte for byte.
 *
 * <p>Many sessions run at once (about ten seconds of think time between a user's events); each step
 * picks one and advances it through a view → click → add_to_cart → purchase funnel. A few sessions
 * are "burst buyers" who purchase several large items within a minute. On top of the clean stream
 * the generator injects, at the configured fractions, disordered events (within the watermark delay),
 * late events (behind it), duplicates (exact repeats of a recent event, as producer retries make)
 * and malformed records of each kind the validator knows.
 */
public final class EventGenerator {
    private static final String[] REFERRERS = {"google", "direct", "newsletter", "facebook", "bing", "partner"};
    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile",
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Firefox/127.0"
    };
    private static final String[] CATEGORIES = {"shoes", "books", "garden", "toys", "audio", "kitchen", "sports"};
    private static final Reason[] MALFORMED_KINDS = {
        Reason.MALFORMED_JSON, Reason.NOT_AN_OBJECT, Reason.MISSING_FIELD, Reason.WRONG_TYPE,
        Reason.OUT_OF_RANGE, Reason.UNKNOWN_EVENT_TYPE, Reason.FUTURE_TIMESTAMP
    };
    private static final byte[] EVENT_ID = ascii("{\"eventId\":\"");
    private static final byte[] USER_ID = ascii("\",\"userId\":\"");
    private static final byte[] SESSION_ID = ascii("\",\"sessionId\":\"");
    private static final byte[] TYPE = ascii("\",\"type\":\"");
    private static final byte[] URL = ascii("\",\"url\":\"");
    private static final byte[] TS = ascii("\",\"ts\":");
    private static final byte[] SPEND = ascii(",\"spend\":");
    private static final byte[] REFERRER = ascii(",\"referrer\":\"");
    private static final byte[] USER_AGENT = ascii("\",\"userAgent\":\"");
    private static final byte[] END = ascii("\"}");
    private static final byte[] CATEGORY_URL = ascii("/category/");
    private static final byte[] PRODUCT_URL = ascii("/product/");
    private static final byte[] CART_URL = ascii("/cart/add?product=");
    private static final byte[] BUY_URL = ascii("/buy");
    private static final int RECENT = 64;
    /** 2100-01-01T00:00:00Z: far enough ahead to stay a future timestamp whenever the data is replayed. */
    private static final long FAR_FUTURE = 4_102_444_800_000L;

    private final GeneratorSettings settings;
    private final SplittableRandom rng;
    private final Session[] sessions;
    private final byte[][] recentPayloads = new byte[RECENT][];
    private final String[] recentIds = new String[RECENT];
    private int recentCount;
    private long nextIndex;
    private long sessionCounter;
    private final AsciiBuffer out = new AsciiBuffer();

    public EventGenerator(GeneratorSettings settings) {
        this.settings = settings;
        this.rng = new SplittableRandom(settings.seed);
        int concurrent = (int) Math.max(1, Math.min(settings.users / 2.0, settings.eventsPerSecond * 10));
        this.sessions = new Session[concurrent];
        for (int i = 0; i < concurrent; i++) {
            sessions[i] = newSession();
        }
    }

    /** What this generator produces. */
    GeneratorSettings settings() {
        return settings;
    }

    /** The index of the record {@link #next()} returns next. */
    public long position() {
        return nextIndex;
    }

    /** Advances to {@code index} (regenerating from the start if it lies behind), so record i is always the same. */
    public void skipTo(long index) {
        if (index < nextIndex) {
            throw new IllegalArgumentException("cannot skip back from " + nextIndex + " to " + index
                    + "; create a new generator");
        }
        while (nextIndex < index) {
            next();
        }
    }

    public GeneratedRecord next() {
        long index = nextIndex++;
        long nominal = settings.startMillis + (long) Math.floor(index * 1000.0 / settings.eventsPerSecond);
        double roll = rng.nextDouble();
        if (roll < settings.malformedFraction) {
            Reason reason = MALFORMED_KINDS[rng.nextInt(MALFORMED_KINDS.length)];
            return new GeneratedRecord(malformed(reason, nominal), GeneratedRecord.Kind.MALFORMED, null, reason, false);
        }
        roll -= settings.malformedFraction;
        if (roll < settings.duplicateFraction && recentCount > 0) {
            int slot = rng.nextInt(Math.min(recentCount, RECENT));
            return new GeneratedRecord(recentPayloads[slot], GeneratedRecord.Kind.DUPLICATE, recentIds[slot], null, false);
        }
        long ts = nominal;
        boolean late = false;
        double shift = rng.nextDouble();
        if (shift < settings.lateFraction) {
            ts = nominal - settings.watermarkDelayMillis - 1 - rng.nextLong(Math.max(1, settings.lateMaxMillis));
            late = true;
        } else if (shift < settings.lateFraction + settings.disorderFraction && settings.disorderMaxMillis > 0) {
            ts = nominal - 1 - rng.nextLong(settings.disorderMaxMillis);
        }
        String eventId = uuid();
        byte[] payload = validEvent(eventId, Math.max(0, ts));
        int slot = recentCount++ % RECENT;
        recentPayloads[slot] = payload;
        recentIds[slot] = eventId;
        return new GeneratedRecord(payload, GeneratedRecord.Kind.VALID, eventId, null, late);
    }

    private byte[] validEvent(String eventId, long ts) {
        int i = rng.nextInt(sessions.length);
        Session s = sessions[i];
        EventType type = s.next(rng);
        // Written as bytes (the record is ASCII): building a String and encoding it cost twice as much.
        out.reset();
        out.write(EVENT_ID);
        out.ascii(eventId);
        out.write(USER_ID);
        out.ascii(s.userId);
        out.write(SESSION_ID);
        out.ascii(s.sessionId);
        out.write(TYPE);
        out.ascii(type.wireName());
        out.write(URL);
        url(type, s);
        out.write(TS);
        out.decimal(ts);
        if (type == EventType.PURCHASE) {
            out.write(SPEND);
            out.ascii(Double.toString(s.burst ? cents(300 + rng.nextDouble() * 600) : spend()));
        }
        out.write(REFERRER);
        out.ascii(s.events == 1 ? s.referrer : "site");
        out.write(USER_AGENT);
        out.ascii(s.userAgent);
        out.write(END);
        if (s.finished) {
            sessions[i] = newSession();
        }
        return out.toByteArray();
    }

    private void url(EventType type, Session s) {
        switch (type) {
            case VIEW:
                if (rng.nextInt(4) == 0) {
                    out.write(CATEGORY_URL);
                    out.ascii(CATEGORIES[rng.nextInt(CATEGORIES.length)]);
                } else {
                    out.write(PRODUCT_URL);
                    out.decimal(s.product);
                }
                return;
            case CLICK:
                s.product = product();
                out.write(PRODUCT_URL);
                out.decimal(s.product);
                return;
            case ADD_TO_CART:
                out.write(CART_URL);
                out.decimal(s.product);
                return;
            default:
                out.write(BUY_URL);
        }
    }

    /** Product ids are skewed: a few bestsellers get most of the traffic. */
    private int product() {
        double u = rng.nextDouble();
        return 1 + (int) (500 * u * u * u);
    }

    /** Most baskets are small; a few are large (log-normal, median about 40). */
    private double spend() {
        double v = Math.exp(3.7 + 0.9 * gaussian());
        return cents(Math.min(v, 5000));
    }

    private double gaussian() {
        // Box-Muller from the one seeded generator, so the stream stays reproducible.
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static double cents(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private String uuid() {
        long hi = rng.nextLong();
        long lo = rng.nextLong();
        hi = (hi & ~0xF000L) | 0x4000L;                          // version 4
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;  // IETF variant
        return new java.util.UUID(hi, lo).toString();
    }

    private Session newSession() {
        Session s = new Session();
        s.userId = "u-" + rng.nextInt(Math.max(1, settings.users));
        s.sessionId = "s-" + (++sessionCounter);
        s.referrer = REFERRERS[rng.nextInt(REFERRERS.length)];
        s.userAgent = USER_AGENTS[rng.nextInt(USER_AGENTS.length)];
        s.product = product();
        s.burst = rng.nextDouble() < 0.005;
        return s;
    }

    private byte[] malformed(Reason reason, long nominal) {
        String id = uuid();
        String user = "u-" + rng.nextInt(Math.max(1, settings.users));
        String base = "{\"eventId\":\"" + id + "\",\"userId\":\"" + user + "\",\"sessionId\":\"s-0\"";
        String s;
        switch (reason) {
            case MALFORMED_JSON:
                if (rng.nextBoolean()) {
                    // Bytes that are not UTF-8: stored base64 in the dead-letter output.
                    return new byte[] {(byte) 0xC3, (byte) 0x28, '{', (byte) 0xFF, (byte) 0xFE, '}'};
                }
                s = base + ",\"type\":\"view\",\"url\":\"/product/7\",\"ts\":" + nominal;  // cut off mid-record
                break;
            case NOT_AN_OBJECT:
                s = "[\"" + id + "\",\"" + user + "\",\"view\"," + nominal + "]";
                break;
            case MISSING_FIELD:
                s = "{\"eventId\":\"" + id + "\",\"type\":\"click\",\"url\":\"/product/3\",\"ts\":" + nominal + "}";
                break;
            case WRONG_TYPE:
                s = base + ",\"type\":\"view\",\"url\":\"/\",\"ts\":true}";
                break;
            case OUT_OF_RANGE:
                s = base + ",\"type\":\"purchase\",\"url\":\"/buy\",\"ts\":" + nominal + ",\"spend\":-"
                        + cents(1 + rng.nextDouble() * 99) + "}";
                break;
            case UNKNOWN_EVENT_TYPE:
                s = base + ",\"type\":\"hover\",\"url\":\"/\",\"ts\":" + nominal + "}";
                break;
            case FUTURE_TIMESTAMP:
                s = base + ",\"type\":\"view\",\"url\":\"/\",\"ts\":" + (FAR_FUTURE + nominal % 86_400_000L) + "}";
                break;
            default:
                throw new IllegalStateException("no malformed variant for " + reason);
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One browsing session: a user moving through the shop's funnel. */
    private static final class Session {
        String userId;
        String sessionId;
        String referrer;
        String userAgent;
        int product;
        int events;
        boolean burst;
        boolean finished;
        EventType last;

        EventType next(SplittableRandom rng) {
            events++;
            EventType t;
            if (last == null) {
                t = EventType.VIEW;
            } else if (burst) {
                t = events % 2 == 0 ? EventType.ADD_TO_CART : EventType.PURCHASE;
                finished = events >= 8;
            } else {
                double r = rng.nextDouble();
                switch (last) {
                    case VIEW:
                        t = r < 0.45 ? EventType.VIEW : r < 0.90 ? EventType.CLICK : EventType.ADD_TO_CART;
                        finished = r > 0.97;
                        break;
                    case CLICK:
                        t = r < 0.50 ? EventType.VIEW : r < 0.72 ? EventType.CLICK : EventType.ADD_TO_CART;
                        finished = r > 0.92;
                        break;
                    case ADD_TO_CART:
                        t = r < 0.35 ? EventType.PURCHASE : r < 0.75 ? EventType.VIEW : EventType.CLICK;
                        finished = r > 0.80;  // leaves with a full cart: cart abandonment
                        break;
                    default:
                        t = EventType.VIEW;
                        finished = r < 0.5;
                }
            }
            last = t;
            return t;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growing byte buffer for ASCII text: the generator's strings and numbers are all ASCII. */
    private static final class AsciiBuffer {
        private byte[] bytes = new byte[384];
        private int size;
        /** A long has at most 19 digits. */
        private final byte[] digits = new byte[19];

        void reset() {
            size = 0;
        }

        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        @SuppressWarnings("deprecation")   // getBytes(int, int, byte[], int) keeps each char's low byte: ASCII here
        void ascii(String s) {
            int n = s.length();
            ensure(n);
            s.getBytes(0, n, bytes, size);   // one copy of the string's bytes, where charAt checked every char
            size += n;
        }

        /** {@code v} in decimal, as {@code Long.toString} writes it. */
        void decimal(long v) {
            if (v < 0) {
                ascii(Long.toString(v));
                return;
            }
            // One pass of divisions, the digits from the last into a scratch array, then copied in order.
            int from = digits.length;
            do {
                long rest = v / 10;
                digits[--from] = (byte) ('0' + (v - rest * 10));
                v = rest;
            } while (v != 0);
            int n = digits.length - from;
            ensure(n);
            System.arraycopy(digits, from, bytes, size, n);
            size += n;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}

package io.clickstream.quality;

/**
 * An approximate set of eventId hashes ({@link SlicedIdFilter#hash}): "perhaps held" or "certainly not held". A
 * blocked Bloom filter: each id sets {@value #BITS_SET} bits within one 64-byte block, so a lookup reads one cache
 * line, at {@value #BITS_PER_ID} bits per id (about 2 bytes, where {@link SeenEventIds} holds an id in about 46).
 * Filled to its size, about one lookup of an absent id in a thousand answers "perhaps" ({@code IdFilterTest}).
 *
 * <p>It grows in segments: ids added beyond what the last segment was sized for go into a new one twice the size
 * of all before (or as large as its owner says, {@link #grow}), so every segment keeps its bits per id, and a
 * lookup reads one line per segment (a handful after a thousandfold growth). Nothing is ever removed: the dedup
 * drops a filter whole once every id in it has expired ({@link SlicedIdFilter}).
 */
final class IdFilter {
    static final int BITS_PER_ID = 16;
    static final int BITS_SET = 8;
    private static final int WORDS_PER_BLOCK = 8;
    private static final int BITS_PER_BLOCK = 64 * WORDS_PER_BLOCK;
    /** The fewest ids a segment is sized for. */
    private static final int LEAST_IDS = 64;
    /** The most ids a segment is sized for (512 MiB of bits). */
    static final int MOST_IDS = 1 << 28;

    private long[][] segments = new long[0][];
    /** How many ids each segment is sized for, and holds. */
    private int[] capacity = new int[0];
    private int[] held = new int[0];
    private long ids;

    /** An empty filter; its first segment is sized for {@code expected} ids. */
    IdFilter(int expected) {
        grow(Math.max(LEAST_IDS, expected));
    }

    /** Adds {@code hash}; past the last segment's size, into a new segment twice the size of all before. */
    void add(long hash) {
        if (full()) {
            grow((int) Math.min(MOST_IDS, Math.max(LEAST_IDS, 2 * ids)));
        }
        int last = segments.length - 1;
        long[] words = segments[last];
        int base = block(hash, words.length / WORDS_PER_BLOCK) * WORDS_PER_BLOCK;
        long bits = mix(hash);
        for (int i = 0; i < BITS_SET; i++) {
            int bit = bit(bits, hash, i);
            words[base + (bit >>> 6)] |= 1L << bit;
        }
        held[last]++;
        ids++;
    }

    boolean mightContain(long hash) {
        long bits = mix(hash);
        for (long[] words : segments) {
            int base = block(hash, words.length / WORDS_PER_BLOCK) * WORDS_PER_BLOCK;
            boolean all = true;
            for (int i = 0; i < BITS_SET && all; i++) {
                int bit = bit(bits, hash, i);
                all = (words[base + (bit >>> 6)] & (1L << bit)) != 0;
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** How many ids were added. */
    long size() {
        return ids;
    }

    /** The bits' bytes in all segments. */
    long bytes() {
        long words = 0;
        for (long[] s : segments) {
            words += s.length;
        }
        return 8 * words;
    }

    /** Whether the last segment holds what it was sized for: the next id goes into a new one. */
    boolean full() {
        int last = segments.length - 1;
        return held[last] >= capacity[last];
    }

    /** Adds a segment sized for {@code forIds} ids (at least a few), into which the next ids go. */
    void grow(int forIds) {
        forIds = Math.max(LEAST_IDS, Math.min(MOST_IDS, forIds));
        int blocks = Math.max(1, (int) (((long) forIds * BITS_PER_ID + BITS_PER_BLOCK - 1) / BITS_PER_BLOCK));
        int n = segments.length;
        long[][] s = java.util.Arrays.copyOf(segments, n + 1);
        s[n] = new long[blocks * WORDS_PER_BLOCK];
        segments = s;
        capacity = java.util.Arrays.copyOf(capacity, n + 1);
        capacity[n] = forIds;
        held = java.util.Arrays.copyOf(held, n + 1);
    }

    /**
     * The {@code i}-th bit within the block: 9 bits of the mixed hash each for the first seven, and the hash's own
     * low bits (its high half chose the block) for the eighth.
     */
    private static int bit(long mixed, long hash, int i) {
        return (int) (i < 7 ? mixed >>> (9 * i) : hash) & (BITS_PER_BLOCK - 1);
    }

    /** The block of {@code hash} among {@code blocks}, from its high half (the bits within it come from the rest). */
    private static int block(long hash, int blocks) {
        return (int) (((hash >>> 32) * blocks) >>> 32);
    }

    /** A 64-bit finalizer (MurmurHash3's fmix64): every bit of the result depends on every bit of {@code x}. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }
}

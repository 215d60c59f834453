package io.clickstream.sink;

import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.dictionary.DictionaryValuesWriter;
import org.apache.parquet.column.values.dictionary.DictionaryValuesWriter.PlainBinaryDictionaryValuesWriter;
import org.apache.parquet.column.values.factory.DefaultValuesWriterFactory;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;
import org.apache.parquet.column.values.fallback.FallbackValuesWriter;
import org.apache.parquet.column.values.dictionary.IntList;
import org.apache.parquet.column.values.plain.PlainValuesWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.api.Binary;

import java.lang.reflect.Field;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Parquet's dictionary encoding of a string (byte array) column, with the same ids, pages and fallback as
 * Parquet's own {@code PlainBinaryDictionaryValuesWriter}, so the files are byte for byte the same; only how a value
 * finds its id differs.
 *
 * <p>Why: Parquet keeps each entry as a {@link Binary} object with an array of its own, in a hash map of object
 * references. A lookup then reads the reference, the entry object and its array, which in a running job are cache
 * misses more often than not: on high-cardinality columns such as {@code user_id} and {@code session_id},
 * {@code Binary.equals} was the largest single method in the job's profiles. Here the table holds each entry's hash,
 * id and, for a value of up to seven bytes, the value itself side by side in one {@code long} array, and the
 * entries' bytes lie end to end in one byte array: a lookup reads a slot and, for a longer value whose hash matches,
 * the bytes it compares. New entries are appended without an object each.
 */
final class BinaryDictionary extends DictionaryValuesWriter {
    private static final int INITIAL_SLOTS = 64;
    private static final int EMPTY = 0;
    /** The {@link #key} of a value longer than seven bytes: its top byte, 0xFF, is no short value's length. */
    private static final long LONG_VALUE = -1L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /*
     * The class of a Binary over part of an array, which the job's writers hand over for every string, and its
     * fields. Its public view of them, toByteBuffer(), wraps them in a new ByteBuffer per value: 8 % of the bytes a
     * running job allocated (docs/benchmarks.md, fifteenth round). Null with a Parquet whose Binary differs: then
     * every value takes the public way.
     */
    private static final Class<?> SLICE;
    private static final VarHandle SLICE_ARRAY;
    private static final VarHandle SLICE_OFFSET;
    private static final VarHandle SLICE_LENGTH;

    static {
        Class<?> slice = null;
        VarHandle array = null;
        VarHandle offset = null;
        VarHandle length = null;
        try {
            Class<?> c = Class.forName(Binary.class.getName() + "$ByteArraySliceBackedBinary");
            MethodHandles.Lookup fields = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            array = fields.findVarHandle(c, "value", byte[].class);
            offset = fields.findVarHandle(c, "offset", int.class);
            length = fields.findVarHandle(c, "length", int.class);
            slice = c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another Parquet: SLICE stays null, and every value takes toByteBuffer()
        }
        SLICE = slice;
        SLICE_ARRAY = array;
        SLICE_OFFSET = offset;
        SLICE_LENGTH = length;
    }

    /**
     * Two longs per slot: the entry's hash and id + 1 (high and low half; id + 1 is {@link #EMPTY} for a free slot),
     * and its {@link #key}. Half full at most.
     */
    private long[] table = new long[2 * INITIAL_SLOTS];
    /** The entries' bytes, end to end, in id order. */
    private byte[] bytes = new byte[1024];
    /** Entry {@code id} is {@code bytes[starts[id], starts[id + 1])}. */
    private int[] starts = new int[INITIAL_SLOTS + 1];
    private int size;

    /**
     * Has {@code builder}'s writer encode its dictionary-encoded string columns with this class; every other column
     * is encoded as Parquet would. Parquet 1.13's writer builder takes a values-writer factory only through its
     * encoding properties, which it does not expose, so they are reached by reflection (checked by the tests
     * against the Parquet version the build pins).
     */
    static <B extends ParquetWriter.Builder<?, B>> B install(B builder) {
        try {
            Field properties = ParquetWriter.Builder.class.getDeclaredField("encodingPropsBuilder");
            properties.setAccessible(true);
            ((ParquetProperties.Builder) properties.get(builder)).withValuesWriterFactory(new Factory());
            return builder;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot set the dictionary writer of Parquet's ParquetWriter.Builder ("
                    + e + "): this Parquet version differs from the one the build pins; remove the call to "
                    + "BinaryDictionary.install or adapt it to that version", e);
        }
    }

    /** Parquet's own values writers, except a dictionary-encoded string column's dictionary, which is this class. */
    static final class Factory implements ValuesWriterFactory {
        private final DefaultValuesWriterFactory parquet = new DefaultValuesWriterFactory();
        private ParquetProperties properties;

        @Override
        public void initialize(ParquetProperties properties) {
            this.properties = properties;
            parquet.initialize(properties);
        }

        @Override
        public ValuesWriter newValuesWriter(ColumnDescriptor column) {
            ValuesWriter writer = parquet.newValuesWriter(column);
            if (writer instanceof FallbackValuesWriter) {
                FallbackValuesWriter<?, ?> fallback = (FallbackValuesWriter<?, ?>) writer;
                if (fallback.initialWriter.getClass() == PlainBinaryDictionaryValuesWriter.class) {
                    // The encodings Parquet's factories give the data and dictionary pages of each format version.
                    Encoding dictionaryPage = properties.getWriterVersion() == WriterVersion.PARQUET_1_0
                            ? Encoding.PLAIN_DICTIONARY : Encoding.PLAIN;
                    return FallbackValuesWriter.of(new BinaryDictionary(properties.getDictionaryPageSizeThreshold(),
                            fallback.initialWriter.getEncoding(), dictionaryPage, properties.getAllocator()),
                            fallback.fallBackWriter);
                }
            }
            return writer;
        }
    }

    BinaryDictionary(int maxDictionaryByteSize, Encoding dataPage, Encoding dictionaryPage,
                     ByteBufferAllocator allocator) {
        super(maxDictionaryByteSize, dataPage, dictionaryPage, allocator);
    }

    @Override
    public void writeBytes(Binary v) {
        byte[] b;
        int from;
        int length;
        if (v.getClass() == SLICE) {
            b = (byte[]) SLICE_ARRAY.get(v);
            from = (int) SLICE_OFFSET.get(v);
            length = (int) SLICE_LENGTH.get(v);
        } else {
            ByteBuffer buffer = v.toByteBuffer();
            if (buffer.hasArray()) {
                b = buffer.array();
                from = buffer.arrayOffset() + buffer.position();
                length = buffer.remaining();
            } else {
                b = v.getBytes();
                from = 0;
                length = b.length;
            }
        }
        long key = key(b, from, length);
        int hash = key == LONG_VALUE ? hash(b, from, length) : mix(key);
        int mask = table.length / 2 - 1;
        int slot = hash & mask;
        while (true) {
            long head = table[2 * slot];
            int id = (int) head - 1;
            if (id < 0) {
                break;
            }
            if ((int) (head >>> 32) == hash && table[2 * slot + 1] == key
                    && (key != LONG_VALUE || Arrays.equals(bytes, starts[id], starts[id + 1], b, from, from + length))) {
                encodedValues.add(id);
                return;
            }
            slot = (slot + 1) & mask;
        }
        int id = size;
        append(b, from, length);
        table[2 * slot] = ((long) hash << 32) | (id + 1);
        table[2 * slot + 1] = key;
        if (2 * size > mask) {
            grow();
        }
        // As Parquet counts it: the length (4 bytes) and the bytes.
        dictionaryByteSize += 4L + length;
        encodedValues.add(id);
    }

    /**
     * A value of up to seven bytes as one long: the bytes, then its length in the top byte. Two such values are equal
     * exactly when their keys are, so a short value (ids such as {@code u-6512}, codes, types) is found in its slot
     * without reading the entries' bytes, a cache miss more often than not; a longer one is {@link #LONG_VALUE}.
     */
    private static long key(byte[] b, int from, int length) {
        if (length > 7) {
            return LONG_VALUE;
        }
        long key = (long) length << 56;
        for (int i = 0; i < length; i++) {
            key |= (b[from + i] & 0xFFL) << (8 * i);
        }
        return key;
    }

    /** A short value's hash, from its key. */
    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    /**
     * A hash of the bytes, eight at a time (a multiply and a rotate per word, the tail byte by byte), mixed at the
     * end so that values differing only in their last characters spread over the table.
     */
    private static int hash(byte[] b, int from, int length) {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = from;
        int end = from + length;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * 0xC2B2AE3D27D4EB4FL, 31);
        }
        for (; i < end; i++) {
            h = Long.rotateLeft((h ^ b[i]) * 0x165667B19E3779F9L, 23);
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    private void append(byte[] b, int from, int length) {
        int start = starts[size];
        if (start + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, start + length));
        }
        System.arraycopy(b, from, bytes, start, length);
        if (size + 2 > starts.length) {
            starts = Arrays.copyOf(starts, 2 * starts.length);
        }
        starts[++size] = start + length;
    }

    /** Whether a slice of an array is read in place (the Parquet the build pins), not through a new ByteBuffer. */
    static boolean readsSlicesInPlace() {
        return SLICE != null;
    }

    /** Doubles the table, placing every entry anew. */
    private void grow() {
        long[] old = table;
        table = new long[2 * old.length];
        int mask = table.length / 2 - 1;
        for (int s = 0; s < old.length / 2; s++) {
            if ((int) old[2 * s] != EMPTY) {
                int slot = (int) (old[2 * s] >>> 32) & mask;
                while ((int) table[2 * slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                table[2 * slot] = old[2 * s];
                table[2 * slot + 1] = old[2 * s + 1];
            }
        }
    }

    private Binary entry(int id) {
        return Binary.fromConstantByteArray(bytes, starts[id], starts[id + 1] - starts[id]);
    }

    @Override
    public DictionaryPage toDictPageAndClose() {
        if (lastUsedDictionarySize == 0) {
            return null;   // as Parquet: a dictionary only if a page used it
        }
        // Only the entries the written pages used; a page that fell back may have added more.
        PlainValuesWriter page = new PlainValuesWriter(lastUsedDictionaryByteSize, maxDictionaryByteSize, allocator);
        for (int id = 0; id < lastUsedDictionarySize; id++) {
            page.writeBytes(entry(id));
        }
        return dictPage(page);
    }

    @Override
    public int getDictionarySize() {
        return size;
    }

    @Override
    protected void clearDictionaryContent() {
        table = new long[2 * INITIAL_SLOTS];
        starts = new int[INITIAL_SLOTS + 1];
        size = 0;
    }

    @Override
    public void fallBackDictionaryEncodedData(ValuesWriter writer) {
        IntList.IntIterator ids = encodedValues.iterator();
        while (ids.hasNext()) {
            writer.writeBytes(entry(ids.next()));
        }
    }
}

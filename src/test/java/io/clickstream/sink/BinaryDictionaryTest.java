package io.clickstream.sink;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.fallback.FallbackValuesWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The string columns' dictionary against Parquet's own: the same file, byte for byte, in every case it meets. */
class BinaryDictionaryTest {
    private static final Schema SCHEMA = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Row\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"user\",\"type\":\"string\"},"
            + "{\"name\":\"kind\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"text\",\"type\":\"string\"},"
            + "{\"name\":\"n\",\"type\":\"long\"}]}");

    /** Distinct ids, users repeating, a few kinds with nulls, texts of every length including empty and non-ASCII. */
    private static List<GenericRecord> rows(int count) {
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GenericRecord r = new GenericData.Record(SCHEMA);
            r.put("id", "e-" + i + "-" + Integer.toHexString(i * 0x9E3779B9));
            r.put("user", "u-" + (i * 7919 % 97));
            r.put("kind", i % 5 == 0 ? null : "k" + (i % 3));
            r.put("text", i % 13 == 0 ? "" : i % 7 == 0 ? "über-日本語-🚀-" + (i % 50) : "x".repeat(i % 40) + (i % 61));
            r.put("n", (long) i);
            rows.add(r);
        }
        return rows;
    }

    private static Path write(Path file, List<GenericRecord> rows, boolean ours,
                              UnaryOperator<AvroParquetWriter.Builder<GenericRecord>> settings) throws Exception {
        Configuration conf = new Configuration(false);
        AvroParquetWriter.Builder<GenericRecord> builder = AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), conf))
                .withSchema(SCHEMA).withConf(conf).withDataModel(GenericData.get());
        builder = settings.apply(ours ? BinaryDictionary.install(builder) : builder);
        try (ParquetWriter<GenericRecord> writer = builder.build()) {
            for (GenericRecord r : rows) {
                writer.write(r);
            }
        }
        return file;
    }

    /** Writes the rows with Parquet's dictionary and with this one; returns the second file after comparing them. */
    private static Path sameFile(Path dir, List<GenericRecord> rows,
                                 UnaryOperator<AvroParquetWriter.Builder<GenericRecord>> settings) throws Exception {
        byte[] parquet = Files.readAllBytes(write(dir.resolve("parquet.parquet"), rows, false, settings));
        Path file = write(dir.resolve("ours.parquet"), rows, true, settings);
        assertThat(Files.readAllBytes(file)).isEqualTo(parquet);
        return file;
    }

    private static ParquetMetadata footer(Path file) throws Exception {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(false)))) {
            return reader.getFooter();
        }
    }

    private static ColumnChunkMetaData column(BlockMetaData block, String name) {
        return block.getColumns().stream().filter(c -> c.getPath().toDotString().equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void writesTheSameFileAsParquetsDictionary(@TempDir Path tmp) throws Exception {
        List<GenericRecord> rows = rows(20_000);
        Path file = sameFile(tmp, rows, b -> b);

        ParquetMetadata footer = footer(file);
        assertThat(footer.getBlocks()).hasSize(1);
        assertThat(column(footer.getBlocks().get(0), "user").getEncodings()).contains(Encoding.PLAIN_DICTIONARY);
        assertThat(column(footer.getBlocks().get(0), "text").getEncodings()).contains(Encoding.PLAIN_DICTIONARY);
        List<GenericRecord> read = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(false)))
                .withDataModel(GenericData.get()).build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                read.add(r);
            }
        }
        assertThat(read).hasSameSizeAs(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(read.get(i).toString()).isEqualTo(rows.get(i).toString());
        }
    }

    @Test
    void fallsBackToPlainAsParquetDoesWhenTheDictionaryOutgrowsItsPage(@TempDir Path tmp) throws Exception {
        // A 16-KiB dictionary page: the distinct ids outgrow it after their first page, the 97 users do not.
        Path file = sameFile(tmp, rows(20_000), b -> b.withDictionaryPageSize(16 * 1024).withPageSize(8192));

        BlockMetaData block = footer(file).getBlocks().get(0);
        assertThat(column(block, "id").getEncodings()).contains(Encoding.PLAIN);
        assertThat(column(block, "user").getEncodings()).contains(Encoding.PLAIN_DICTIONARY)
                .doesNotContain(Encoding.PLAIN);
    }

    @Test
    void startsEachRowGroupWithANewDictionaryAsParquetDoes(@TempDir Path tmp) throws Exception {
        Path file = sameFile(tmp, rows(60_000), b -> b.withRowGroupSize(256 * 1024L).withPageSize(16 * 1024));

        assertThat(footer(file).getBlocks().size()).isGreaterThan(2);
    }

    @Test
    void writesNoDictionaryForAColumnWhoseDictionaryIsOff(@TempDir Path tmp) throws Exception {
        Path file = sameFile(tmp, rows(5_000), b -> b.withDictionaryEncoding("id", false));

        BlockMetaData block = footer(file).getBlocks().get(0);
        assertThat(column(block, "id").getEncodings()).doesNotContain(Encoding.PLAIN_DICTIONARY);
        assertThat(column(block, "user").getEncodings()).contains(Encoding.PLAIN_DICTIONARY);
    }

    @Test
    void installSetsTheFactoryOfTheBuildersEncodingProperties() throws Exception {
        AvroParquetWriter.Builder<GenericRecord> builder = BinaryDictionary.install(AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path("/unused.parquet"), new Configuration(false))));

        Field properties = ParquetWriter.Builder.class.getDeclaredField("encodingPropsBuilder");
        properties.setAccessible(true);
        ParquetProperties built = ((ParquetProperties.Builder) properties.get(builder)).build();
        assertThat(built.getValuesWriterFactory()).isInstanceOf(BinaryDictionary.Factory.class);
    }

    @Test
    void theFactoryReplacesOnlyTheStringColumnsDictionary() {
        MessageType schema = MessageTypeParser.parseMessageType(
                "message m { required binary s (STRING); required int64 n; required binary plain (STRING); }");
        ParquetProperties properties = ParquetProperties.builder().withDictionaryEncoding("plain", false)
                .withValuesWriterFactory(new BinaryDictionary.Factory()).build();
        ColumnDescriptor s = schema.getColumnDescription(new String[] {"s"});
        ColumnDescriptor n = schema.getColumnDescription(new String[] {"n"});
        ColumnDescriptor plain = schema.getColumnDescription(new String[] {"plain"});

        ValuesWriter string = properties.newValuesWriter(s);
        assertThat(string).isInstanceOf(FallbackValuesWriter.class);
        assertThat(((FallbackValuesWriter<?, ?>) string).initialWriter).isInstanceOf(BinaryDictionary.class);
        assertThat(((FallbackValuesWriter<?, ?>) properties.newValuesWriter(n)).initialWriter)
                .isNotInstanceOf(BinaryDictionary.class);
        assertThat(properties.newValuesWriter(plain)).isNotInstanceOf(FallbackValuesWriter.class);
    }

    @Test
    void findsEachValueItsFirstIdThroughTableGrowthAndCollisions() {
        BinaryDictionary dictionary = dictionary();
        Set<Integer> sizes = new HashSet<>();
        byte[] buffer = new byte[64];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5_000; i++) {
                byte[] value = ("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                // Through a reused buffer with an offset, as the refined/clicks writer hands values over.
                System.arraycopy(value, 0, buffer, 3, value.length);
                dictionary.writeBytes(Binary.fromReusedByteArray(buffer, 3, value.length));
            }
            sizes.add(dictionary.getDictionarySize());
        }
        assertThat(sizes).containsExactly(5_000);
        org.apache.parquet.column.values.dictionary.IntList.IntIterator ids = idsOf(dictionary);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5_000; i++) {
                assertThat(ids.next()).isEqualTo(i);
            }
        }
        assertThat(ids.hasNext()).isFalse();
    }

    @Test
    void aValueHasOneIdWhetherItComesAsASliceAWholeArrayOrABuffer() {
        assertThat(BinaryDictionary.readsSlicesInPlace()).as("slices read in place with the pinned Parquet").isTrue();
        BinaryDictionary dictionary = dictionary();
        dictionary.writeBytes(Binary.fromString("other"));
        dictionary.writeBytes(Binary.fromReusedByteArray("xx/cart/7yy".getBytes(StandardCharsets.UTF_8), 2, 7));
        dictionary.writeBytes(Binary.fromConstantByteArray("/cart/7".getBytes(StandardCharsets.UTF_8)));
        dictionary.writeBytes(Binary.fromString("/cart/7"));
        dictionary.writeBytes(Binary.fromReusedByteArray("/cart/77".getBytes(StandardCharsets.UTF_8), 0, 7));
        dictionary.writeBytes(Binary.fromReusedByteArray("/cart/77".getBytes(StandardCharsets.UTF_8), 1, 7));

        assertThat(dictionary.getDictionarySize()).isEqualTo(3);
        org.apache.parquet.column.values.dictionary.IntList.IntIterator ids = idsOf(dictionary);
        List<Integer> written = new ArrayList<>();
        while (ids.hasNext()) {
            written.add(ids.next());
        }
        assertThat(written).containsExactly(0, 1, 1, 1, 1, 2);
    }

    @Test
    void shortValuesThatDifferOnlyInLengthOrTrailingZerosHaveIdsOfTheirOwn() {
        BinaryDictionary dictionary = dictionary();
        byte[][] values = {{}, {0}, {0, 0}, {'a'}, {'a', 0}, {'a', 'b', 'c', 'd', 'e', 'f', 'g'},
                {'a', 'b', 'c', 'd', 'e', 'f', 'g', 0}, {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}, {-1, -1, -1, -1, -1, -1, -1}};
        for (int round = 0; round < 2; round++) {
            for (byte[] v : values) {
                dictionary.writeBytes(Binary.fromReusedByteArray(v, 0, v.length));
            }
        }

        assertThat(dictionary.getDictionarySize()).isEqualTo(values.length);
        org.apache.parquet.column.values.dictionary.IntList.IntIterator ids = idsOf(dictionary);
        for (int round = 0; round < 2; round++) {
            for (int id = 0; id < values.length; id++) {
                assertThat(ids.next()).isEqualTo(id);
            }
        }
    }

    @Test
    void valuesOfSevenToTwentyFiveBytesAndLongValuesSharingAPrefixHaveIdsOfTheirOwn() {
        BinaryDictionary dictionary = dictionary();
        String sixteen = "0123456789abcdef";
        List<byte[]> values = new ArrayList<>();
        for (int length = 7; length <= 25; length++) {
            values.add(sixteen.repeat(2).substring(0, length).getBytes(StandardCharsets.UTF_8));
            byte[] zeros = new byte[length];   // differs from the shorter run of zeros only in its length
            values.add(zeros);
        }
        values.add((sixteen + "0123456" + "\0").getBytes(StandardCharsets.UTF_8));   // a 23-byte value and a zero
        values.add((sixteen + "ghijklmnopq").getBytes(StandardCharsets.UTF_8));      // 27 bytes
        values.add((sixteen + "ghijklmnopr").getBytes(StandardCharsets.UTF_8));      // differs in its last byte only
        values.add((sixteen + "hhijklmnopq").getBytes(StandardCharsets.UTF_8));      // differs in its 17th byte only
        values.add(("s-" + "1".repeat(34)).getBytes(StandardCharsets.UTF_8));
        byte[] buffer = new byte[64];
        for (int round = 0; round < 2; round++) {
            for (byte[] v : values) {
                // Through a reused buffer with an offset and old bytes past the value, as the writer hands them over.
                java.util.Arrays.fill(buffer, (byte) 'z');
                System.arraycopy(v, 0, buffer, 5, v.length);
                dictionary.writeBytes(Binary.fromReusedByteArray(buffer, 5, v.length));
            }
        }

        assertThat(dictionary.getDictionarySize()).isEqualTo(values.size());
        org.apache.parquet.column.values.dictionary.IntList.IntIterator ids = idsOf(dictionary);
        for (int round = 0; round < 2; round++) {
            for (int id = 0; id < values.size(); id++) {
                assertThat(ids.next()).isEqualTo(id);
            }
        }
        assertThat(ids.hasNext()).isFalse();
    }

    /** A dictionary with room for a megabyte of entries, as a writer's column would make it. */
    private static BinaryDictionary dictionary() {
        return new BinaryDictionary(1 << 20, Encoding.PLAIN_DICTIONARY, Encoding.PLAIN_DICTIONARY,
                new org.apache.parquet.bytes.HeapByteBufferAllocator());
    }

    private static org.apache.parquet.column.values.dictionary.IntList.IntIterator idsOf(BinaryDictionary d) {
        try {
            Field f = org.apache.parquet.column.values.dictionary.DictionaryValuesWriter.class
                    .getDeclaredField("encodedValues");
            f.setAccessible(true);
            return ((org.apache.parquet.column.values.dictionary.IntList) f.get(d)).iterator();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}

package io.clickstream.aws;

import io.clickstream.testing.LocalAws;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.RecoverableFsDataOutputStream;
import org.apache.flink.core.fs.RecoverableWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 stand-in must store exactly what Flink's S3 writer uploads in several parts (the FileSink's path):
 * a stand-in that keeps the aws-chunked framing would pass a row count and corrupt every file.
 */
class S3MultipartReadBackTest {
    @BeforeAll
    static void standIns() throws Exception {
        LocalAws.start();
    }

    @Test
    void aMultipartUploadReadsBackByteForByte(@TempDir java.nio.file.Path work) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", LocalAws.S3);
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", "local");
        conf.setString("s3.secret-key", "local");
        FileSystem.initialize(conf, null);

        byte[] data = new byte[12 * 1024 * 1024 + 12345];   // three parts of the 5 MB minimum, the last one short
        new Random(7).nextBytes(data);
        String key = "multipart-" + System.currentTimeMillis() + "/blob.bin";
        Path path = new Path("s3://" + LocalAws.BUCKET + "/" + key);

        RecoverableWriter writer = path.getFileSystem().createRecoverableWriter();
        RecoverableFsDataOutputStream out = writer.open(path);
        for (int off = 0; off < data.length; off += 1 << 20) {
            out.write(data, off, Math.min(1 << 20, data.length - off));
        }
        out.closeForCommit().commit();

        byte[] stored = Files.readAllBytes(LocalAws.download(key.substring(0, key.indexOf('/') + 1), work).resolve("blob.bin"));
        assertThat(stored.length).isEqualTo(data.length);
        assertThat(stored).isEqualTo(data);
        assertThat(new String(stored, 0, 200, StandardCharsets.ISO_8859_1)).doesNotContain("chunk-signature");
    }
}

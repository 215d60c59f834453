package io.clickstream.testing;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local Kinesis and S3 stand-ins, started by the project's own script (scripts/local-aws.sh), and an
 * S3 reader that talks plain HTTP to the stand-in, independent of the job's S3 client.
 */
public final class LocalAws {
    public static final String KINESIS = "http://127.0.0.1:4568";
    public static final String KINESIS_TLS = "https://127.0.0.1:4567";
    public static final String S3 = "http://127.0.0.1:9090";
    public static final String BUCKET = "clickstream";

    private LocalAws() {}

    /** Starts the stand-ins (installing them on first use); does nothing when they are running. */
    public static void start() throws IOException, InterruptedException {
        // Output to a file, not inherited: the servers must not hold the test JVM's (and so Maven's) pipes.
        Path log = Files.createTempFile("local-aws", ".log");
        Process p = new ProcessBuilder("bash", "scripts/local-aws.sh", "start")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int exit = p.waitFor();
        String output = Files.readString(log);
        System.out.print(output);
        if (exit != 0) {
            throw new IllegalStateException("scripts/local-aws.sh start failed (exit " + exit + "):\n" + output
                    + "see .local-aws/*.log");
        }
    }

    /** A configuration pointing at the stand-ins, as {@code scripts/local-aws.sh env} prints it. */
    public static AppConfig configure(AppConfig c) {
        return c.with(Settings.KINESIS_ENDPOINT, KINESIS)
                .with(Settings.KINESIS_SINK_ENDPOINT, KINESIS_TLS)
                .with(Settings.KINESIS_CREDENTIALS, "static")
                .with(Settings.KINESIS_TRUST_ALL, true)
                .with(Settings.S3_ENDPOINT, S3)
                .with(Settings.S3_ACCESS_KEY, "local")
                .with(Settings.S3_SECRET_KEY, "local");
    }

    /** Keys under a prefix (ListObjectsV2; S3Mock does not check signatures). */
    public static List<String> list(String prefix) throws IOException, InterruptedException {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            String url = S3 + "/" + BUCKET + "?list-type=2&prefix=" + prefix
                    + (token == null ? "" : "&continuation-token=" + java.net.URLEncoder.encode(token, "UTF-8"));
            String xml = get(url, HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("<Key>([^<]*)</Key>").matcher(xml);
            while (m.find()) {
                keys.add(m.group(1));
            }
            Matcher t = Pattern.compile("<NextContinuationToken>([^<]*)</NextContinuationToken>").matcher(xml);
            token = t.find() ? t.group(1) : null;
        } while (token != null);
        return keys;
    }

    /** Downloads every object under {@code prefix} into {@code dir}, keeping the key's path below the prefix. */
    public static Path download(String prefix, Path dir) throws IOException, InterruptedException {
        for (String key : list(prefix)) {
            Path target = dir.resolve(key.substring(prefix.length()));
            Files.createDirectories(target.getParent());
            Files.write(target, get(S3 + "/" + BUCKET + "/" + key, HttpResponse.BodyHandlers.ofByteArray()).body());
        }
        return dir;
    }

    private static <T> HttpResponse<T> get(String url, HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
        HttpResponse<T> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(), body);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + r.statusCode());
        }
        return r;
    }
}

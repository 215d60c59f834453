package io.clickstream.analytics;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.GeneratorSettings;
import io.clickstream.testing.GeneratedInput;
import io.clickstream.testing.Json;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The joins and patterns inside the whole pipeline on generated shoppers (disorder, duplicates, bad records; no
 * late events), at parallelism 2, against {@link JourneysReference} computed from the refined events; and the two
 * forms of conversions against each other with late events.
 */
class JourneysPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final long START = Instant.parse("2024-11-25T00:00:00Z").toEpochMilli();

    /**
     * In both forms: keyed functions (default) and the seed's Flink operators (interval join, window co-group, CEP
     * patterns for click → purchase, rapid purchases and cart abandonment).
     */
    @ParameterizedTest(name = "form={0}")
    @ValueSource(strings = {"keyed", "flink"})
    void everyJoinAndPatternEqualsItsBruteForceReference(String form, @TempDir Path work) throws Exception {
        // 10 events per second of event time from 300 users: about 40 minutes, with burst buyers and open carts.
        Path input = GeneratedInput.file(new GeneratorSettings(5, 300, START, 10, 0.2, Duration.ofSeconds(8),
                0, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.02, 0.01), 25_000, work.resolve("events.jsonl"));
        // Burst buyers spend 900 to 2700 in three purchases: at 1500 some of them stay below the threshold.
        AppConfig config = Pipelines.fileReplay(input, work).with(Settings.PARALLELISM, 2)
                .with(Settings.RAPID_PURCHASES_THRESHOLD, 1500)
                .with(Settings.ATTRIBUTION_FORM, form.equals("keyed") ? "keyed" : "interval-join")
                .with(Settings.CONVERSIONS_FORM, form.equals("keyed") ? "keyed" : "window-join")
                .with(Settings.CLICK_TO_PURCHASE_FORM, form.equals("keyed") ? "keyed" : "cep")
                .with(Settings.RAPID_PURCHASES_FORM, form.equals("keyed") ? "keyed" : "cep")
                .with(Settings.CART_ABANDONMENT_FORM, form.equals("keyed") ? "keyed" : "cep");
        Path out = Pipelines.runToEnd(config);

        List<ClickEvent> events = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS)).stream()
                .map(JourneysPipelineTest::event).collect(Collectors.toList());
        JourneysReference expected = new JourneysReference(events, JourneySettings.from(config));

        List<String> attribution = OutputFiles.parquetRows(out.resolve(OutputSinks.ATTRIBUTION)).stream()
                .map(r -> Json.field(r, "purchase_event_id") + "<-" + Json.field(r, "click_event_id") + " delay="
                        + Json.field(r, "delay_ms") + " of " + Json.field(r, "candidate_clicks"))
                .sorted().collect(Collectors.toList());
        assertThat(attribution).as("attribution").hasSizeGreaterThan(100).isEqualTo(expected.attribution());
        assertThat(attribution).as("some purchases had several clicks to choose from")
                .anyMatch(a -> !a.endsWith(" of 1"));

        List<String> conversions = OutputFiles.parquetRows(out.resolve(OutputSinks.CONVERSIONS)).stream()
                .map(r -> Json.field(r, "conversion_id") + " clicks=" + Json.field(r, "clicks") + " purchases="
                        + Json.field(r, "purchases") + " cents=" + Math.round(Double.parseDouble(Json.field(r, "spend")) * 100))
                .sorted().collect(Collectors.toList());
        assertThat(conversions).as("conversions").hasSizeGreaterThan(100).isEqualTo(expected.conversions());

        List<String> clickToPurchase = OutputFiles.jsonLines(out.resolve(OutputSinks.CLICK_TO_PURCHASE)).stream()
                .map(l -> Json.field(l, "clickEventId") + "->" + Json.field(l, "purchaseEventId"))
                .sorted().collect(Collectors.toList());
        assertThat(clickToPurchase).as("click_to_purchase").hasSizeGreaterThan(100).isEqualTo(expected.clickToPurchase());

        List<String> alerts = OutputFiles.jsonLines(out.resolve(OutputSinks.ALERTS));
        List<String> rapid = alerts.stream().filter(a -> Json.field(a, "code").equals(Patterns.RAPID_PURCHASES))
                .map(a -> Json.field(a, "alertId") + " n=" + Json.field(a, "detail").split(" ")[0]
                        + " cents=" + Math.round(Double.parseDouble(Json.field(a, "value")) * 100))
                .sorted().collect(Collectors.toList());
        assertThat(rapid).as("RAPID_PURCHASES").hasSizeGreaterThan(4).isEqualTo(expected.rapidPurchases());
        List<String> carts = alerts.stream().filter(a -> Json.field(a, "code").equals(Patterns.CART_ABANDONED))
                .map(a -> Json.field(a, "alertId")).sorted().collect(Collectors.toList());
        assertThat(carts).as("CART_ABANDONED").hasSizeGreaterThan(100).isEqualTo(expected.abandonedCarts());

        assertThat(OutputFiles.jsonLines(out.resolve(OutputSinks.LATE)))
                .as("on-time data loses nothing to the joins and patterns").isEmpty();
    }

    private static ClickEvent event(String row) {
        String spend = Json.field(row, "spend");
        return new ClickEvent(Json.field(row, "event_id"), Json.field(row, "user_id"), null,
                EventType.fromWireName(Json.field(row, "event_type")).orElseThrow(), Json.field(row, "url"),
                Long.parseLong(Json.field(row, "event_time")), spend.equals("null") ? null : Double.parseDouble(spend),
                null, null);
    }

    /**
     * With late events (a tenth, up to 60 s behind: some inside the 30 s of allowed lateness, some beyond), the keyed
     * conversions and the window co-group end every window with the same counts, and send the same events to late/.
     * How many revisions lead there may differ: the co-group reads clicks and purchases as two inputs, and whether a
     * late event comes before or after its watermark there is a race (docs/journeys.md).
     */
    @Test
    void withLateEventsKeyedConversionsAndTheWindowJoinEndEveryWindowAlike(@TempDir Path work) throws Exception {
        Path input = GeneratedInput.file(new GeneratorSettings(11, 300, START, 10, 0.2, Duration.ofSeconds(8),
                0.10, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.02, 0.01), 20_000,
                work.resolve("events.jsonl"));
        Path keyed = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("keyed"))
                .with(Settings.PARALLELISM, 2).with(Settings.CONVERSIONS_FORM, "keyed"));
        Path join = Pipelines.runToEnd(Pipelines.fileReplay(input, work.resolve("join"))
                .with(Settings.PARALLELISM, 2).with(Settings.CONVERSIONS_FORM, "window-join"));

        assertThat(OutputFiles.parquetRows(keyed.resolve(OutputSinks.CONVERSIONS)))
                .as("some windows are revised by late events").anyMatch(r -> !Json.field(r, "revision").equals("0"));
        assertThat(lastRevisions(join)).hasSizeGreaterThan(100).isEqualTo(lastRevisions(keyed));
        List<String> keyedLate = lateForConversions(keyed);
        assertThat(keyedLate).as("some events are too late even for the allowed lateness").isNotEmpty();
        assertThat(lateForConversions(join)).isEqualTo(keyedLate);
    }

    /** Per conversion window, its counts in the row of the highest revision. */
    private static List<String> lastRevisions(Path out) {
        Map<String, String> last = new TreeMap<>();
        Map<String, Integer> highest = new HashMap<>();
        for (String r : OutputFiles.parquetRows(out.resolve(OutputSinks.CONVERSIONS))) {
            String id = Json.field(r, "conversion_id");
            int revision = Integer.parseInt(Json.field(r, "revision"));
            if (revision >= highest.getOrDefault(id, -1)) {
                highest.put(id, revision);
                last.put(id, id + " clicks=" + Json.field(r, "clicks") + " purchases=" + Json.field(r, "purchases")
                        + " spend=" + Json.field(r, "spend") + " converted=" + Json.field(r, "converted"));
            }
        }
        return new ArrayList<>(last.values());
    }

    private static List<String> lateForConversions(Path out) {
        return OutputFiles.jsonLines(out.resolve(OutputSinks.LATE)).stream()
                .filter(l -> Json.field(l, "analysis").equals(Conversions.ANALYSIS)).collect(Collectors.toList());
    }
}

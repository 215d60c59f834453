package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Setting;
import io.clickstream.config.Settings;
import io.clickstream.metrics.MetricNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Offline checks of infra/clickstream.yaml: it parses, its configuration is the application's, least privilege, encryption, alarms. */
class InfraTemplateTest {
    private static final Path TEMPLATE = Path.of("infra/clickstream.yaml");
    private static Map<String, Object> template;
    private static Map<String, Object> resources;

    @BeforeAll
    static void parse() throws Exception {
        try (Reader r = Files.newBufferedReader(TEMPLATE)) {
            template = new Yaml(new CloudFormationTags()).load(r);
        }
        resources = map(template.get("Resources"));
    }

    @Test
    void everyReferenceConditionAndSubstitutionResolves() {
        Set<String> names = new TreeSet<>(map(template.get("Parameters")).keySet());
        names.addAll(resources.keySet());
        Set<String> conditions = map(template.get("Conditions")).keySet();
        List<String> unresolved = new ArrayList<>();
        walk(template, node -> {
            if (!(node instanceof Map)) return;
            Map<String, Object> m = map(node);
            if (m.get("Ref") instanceof String && !names.contains(m.get("Ref")) && !((String) m.get("Ref")).startsWith("AWS::")) {
                unresolved.add("Ref " + m.get("Ref"));
            }
            if (m.containsKey("Fn::GetAtt") && !resources.containsKey(list(m.get("Fn::GetAtt")).get(0))) {
                unresolved.add("GetAtt " + m.get("Fn::GetAtt"));
            }
            if (m.containsKey("Fn::If") && !conditions.contains(list(m.get("Fn::If")).get(0))) {
                unresolved.add("If " + list(m.get("Fn::If")).get(0));
            }
            if (m.containsKey("Fn::Sub")) {
                Object sub = m.get("Fn::Sub");
                String text = sub instanceof String ? (String) sub : (String) list(sub).get(0);
                Set<String> local = sub instanceof String ? Set.of() : map(list(sub).get(1)).keySet();
                Matcher v = Pattern.compile("\\$\\{([^}!]+)}").matcher(text);
                while (v.find()) {
                    String name = v.group(1).split("\\.")[0];
                    if (!name.startsWith("AWS::") && !names.contains(name) && !local.contains(name)) {
                        unresolved.add("Sub ${" + v.group(1) + "}");
                    }
                }
            }
        });
        resources.forEach((id, r) -> {
            Object c = map(r).get("Condition");
            if (c != null && !conditions.contains(c)) unresolved.add(id + " Condition " + c);
        });
        assertThat(template.get("AWSTemplateFormatVersion")).isEqualTo("2010-09-09");
        assertThat(unresolved).as("references to nothing").isEmpty();
    }

    @Test
    void thePropertyGroupsAreTheApplicationsConfigurationAndPassItsValidation() {
        Map<String, Object> app = application();
        List<Object> groups = list(map(map(app.get("ApplicationConfiguration")).get("EnvironmentProperties")).get("PropertyGroups"));
        Map<String, Map<String, Setting>> schema = Settings.byGroup();
        Map<String, Properties> properties = new LinkedHashMap<>();
        for (Object entry : groups) {
            // A group present only under a condition ({Fn::If: [condition, group, AWS::NoValue]}): check the group.
            Object g = map(entry).containsKey("Fn::If") ? list(map(entry).get("Fn::If")).get(1) : entry;
            String id = (String) map(g).get("PropertyGroupId");
            assertThat(schema).as("property group %s", id).containsKey(id);
            Properties p = new Properties();
            map(map(g).get("PropertyMap")).forEach((key, value) -> {
                assertThat(schema.get(id)).as("key %s in group %s", key, id).containsKey(key);
                p.setProperty(key, value(value));
            });
            properties.put(id, p);
        }
        AppConfig config = AppConfig.fromProperties(properties).validate();   // the application's own checks
        for (Setting required : CloudJob.REQUIRED) {
            assertThat(config.isSet(required)).as("%s is set", required.qualifiedName()).isTrue();
        }
        assertThat(config.string(Settings.SOURCE_TYPE)).isEqualTo("kinesis");
        assertThat(config.string(Settings.OUTPUT_PATH)).startsWith("s3://");
        assertThat(config.string(Settings.KINESIS_ENDPOINT)).as("the real service, no local endpoint").isEmpty();
        assertThat(config.string(Settings.KINESIS_CREDENTIALS)).as("the role's credentials, no static keys").isEqualTo("default");
        assertThat(config.string(Settings.S3_ACCESS_KEY)).isEmpty();
    }

    @Test
    void theApplicationRunsFlink120WithCheckpointsSnapshotsAndOperatorMetrics() {
        Map<String, Object> app = application();
        assertThat(app.get("RuntimeEnvironment")).isEqualTo("FLINK-1_20");
        Map<String, Object> conf = map(app.get("ApplicationConfiguration"));
        Map<String, Object> flink = map(conf.get("FlinkApplicationConfiguration"));
        assertThat(map(flink.get("CheckpointConfiguration")).get("CheckpointingEnabled")).isEqualTo(true);
        // Custom metrics reach CloudWatch only at OPERATOR level (or finer).
        assertThat(map(flink.get("MonitoringConfiguration")).get("MetricsLevel")).isEqualTo("OPERATOR");
        assertThat(map(conf.get("ApplicationSnapshotConfiguration")).get("SnapshotsEnabled")).isEqualTo(true);
        assertThat(map(flink.get("ParallelismConfiguration"))).containsKeys("Parallelism", "ParallelismPerKPU", "AutoScalingEnabled");
        assertThat(map(map(map(conf.get("ApplicationCodeConfiguration")).get("CodeContent")).get("S3ContentLocation")).get("BucketARN"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("Bucket", "Arn")));
    }

    @Test
    void noIamStatementGrantsWildcardsWhereANarrowerOneExists() {
        List<String> problems = new ArrayList<>();
        int statements = 0;
        for (Map.Entry<String, Object> r : ofType("AWS::IAM::Role").entrySet()) {
            Map<String, Object> props = map(map(r.getValue()).get("Properties"));
            String trust = String.valueOf(props.get("AssumeRolePolicyDocument"));
            assertThat(trust).as("the trust policy names the service and the account").contains("kinesisanalytics.amazonaws.com", "aws:SourceAccount");
            List<Map<String, Object>> found = new ArrayList<>();
            walk(props.get("Policies"), n -> {
                if (n instanceof Map && map(n).containsKey("Effect") && map(n).containsKey("Action")) found.add(map(n));
            });
            for (Map<String, Object> s : found) {
                statements++;
                assertThat(s).as("no NotAction/NotResource").doesNotContainKeys("NotAction", "NotResource");
                List<Object> actions = s.get("Action") instanceof List ? list(s.get("Action")) : List.of(s.get("Action"));
                List<Object> res = s.get("Resource") instanceof List ? list(s.get("Resource")) : List.of(s.get("Resource"));
                for (Object a : actions) {
                    if (a.equals("*") || ((String) a).endsWith(":*")) problems.add(s.get("Sid") + ": action " + a);
                }
                boolean onlyDescribes = actions.stream().allMatch(a -> ((String) a).startsWith("ec2:Describe"));
                if (res.contains("*") && !onlyDescribes) problems.add(s.get("Sid") + ": resource * for " + actions);
            }
        }
        assertThat(statements).as("statements checked").isGreaterThan(8);
        assertThat(problems).isEmpty();
    }

    @Test
    void encryptionIsOnEverywhere() {
        ofType("AWS::Kinesis::Stream").forEach((id, r) -> assertThat(map(props(r).get("StreamEncryption")).get("EncryptionType"))
                .as(id).isEqualTo("KMS"));
        ofType("AWS::S3::Bucket").forEach((id, r) -> {
            Map<String, Object> rule = map(list(map(props(r).get("BucketEncryption")).get("ServerSideEncryptionConfiguration")).get(0));
            assertThat(map(rule.get("ServerSideEncryptionByDefault")).get("SSEAlgorithm")).as(id).isEqualTo("aws:kms");
            assertThat(map(props(r).get("PublicAccessBlockConfiguration"))).as(id + " public access blocked")
                    .containsEntry("BlockPublicAcls", true).containsEntry("BlockPublicPolicy", true)
                    .containsEntry("IgnorePublicAcls", true).containsEntry("RestrictPublicBuckets", true);
        });
        ofType("AWS::S3::BucketPolicy").forEach((id, r) -> assertThat(String.valueOf(props(r).get("PolicyDocument")))
                .as(id + " denies plain HTTP").contains("aws:SecureTransport"));
        ofType("AWS::Logs::LogGroup").forEach((id, r) -> assertThat(props(r)).as(id).containsKey("KmsKeyId"));
        ofType("AWS::KMS::Key").forEach((id, r) -> assertThat(props(r).get("EnableKeyRotation")).as(id).isEqualTo(true));
        assertThat(map(application().get("ApplicationConfiguration"))).containsKey("ApplicationEncryptionConfiguration");
        assertThat(ofType("AWS::Kinesis::Stream")).hasSize(2);
        assertThat(ofType("AWS::S3::Bucket")).hasSize(1);
    }

    @Test
    void theAlarmsWatchWhatThePlaybookNamesAndOurMetricsExist() throws Exception {
        Map<String, String> watched = new LinkedHashMap<>();
        ofType("AWS::CloudWatch::Alarm").forEach((id, r) -> watched.put(id, String.valueOf(props(r).get("Metrics"))));
        Set<String> ours = new TreeSet<>();
        for (Field f : MetricNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) ours.add((String) f.get(null));
        }
        assertThat(watched.values()).anyMatch(m -> m.contains("backPressuredTimeMsPerSecond"))
                .anyMatch(m -> m.contains("numberOfFailedCheckpoints"))
                .anyMatch(m -> m.contains("millisBehindLatest"))
                .anyMatch(m -> m.contains("fullRestarts"))
                .anyMatch(m -> m.contains("(" + MetricNames.WATERMARK_LAG_MS + ")"))
                .anyMatch(m -> m.contains("(" + MetricNames.INVALID + ")"))
                .anyMatch(m -> m.contains("(" + MetricNames.TOO_LATE + ")"));
        Map<String, Object> backpressure = props(ofType("AWS::CloudWatch::Alarm").get("BackpressureAlarm"));
        assertThat(backpressure).containsEntry("Threshold", 600).containsEntry("EvaluationPeriods", 5);
        assertThat(props(ofType("AWS::CloudWatch::Alarm").get("FailedCheckpointsAlarm"))).containsEntry("DatapointsToAlarm", 3);
        // Every metric an alarm or the dashboard queries by name that is not MSF's own is one of ours.
        Set<String> msf = Set.of("backPressuredTimeMsPerSecond", "millisBehindLatest");
        String all = String.valueOf(resources);
        Matcher q = Pattern.compile("SELECT (?:MAX|SUM)\\((\\w+)\\)").matcher(all);
        int queries = 0;
        while (q.find()) {
            queries++;
            if (!msf.contains(q.group(1))) assertThat(ours).as("metric %s", q.group(1)).contains(q.group(1));
        }
        assertThat(queries).isGreaterThan(8);
        assertThat(ofType("AWS::CloudWatch::Dashboard")).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> application() {
        Map<String, Object> apps = ofType("AWS::KinesisAnalyticsV2::Application");
        assertThat(apps).hasSize(1);
        return props(apps.values().iterator().next());
    }

    private static Map<String, Object> ofType(String type) {
        Map<String, Object> out = new LinkedHashMap<>();
        resources.forEach((id, r) -> {
            if (type.equals(map(r).get("Type"))) out.put(id, r);
        });
        return out;
    }

    private static Map<String, Object> props(Object resource) {
        return map(map(resource).get("Properties"));
    }

    /** A property value as the application would receive it: parameters at their defaults, other intrinsics as a name. */
    private String value(Object v) {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        Map<String, Object> fn = map(v);
        if (fn.containsKey("Ref")) {
            Object param = map(template.get("Parameters")).get(fn.get("Ref"));
            return param != null && map(param).containsKey("Default") ? String.valueOf(map(param).get("Default")) : "resolved-name";
        }
        if (fn.containsKey("Fn::Sub")) {
            return ((String) fn.get("Fn::Sub")).replaceAll("\\$\\{[^}]+}", "resolved");
        }
        throw new AssertionError("unexpected property value " + v);
    }

    private static void walk(Object node, Consumer<Object> visit) {
        visit.accept(node);
        if (node instanceof Map) map(node).values().forEach(c -> walk(c, visit));
        if (node instanceof List) list(node).forEach(c -> walk(c, visit));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** CloudFormation's short forms ({@code !Ref X}, {@code !Sub …}, {@code !GetAtt A.B}) as their long forms. */
    private static final class CloudFormationTags extends SafeConstructor {
        CloudFormationTags() {
            super(new LoaderOptions());
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    Object value = node instanceof ScalarNode ? constructScalar((ScalarNode) node)
                            : node instanceof SequenceNode ? constructSequence((SequenceNode) node)
                            : constructMapping((MappingNode) node);
                    if (tag.equals("GetAtt") && value instanceof String) {
                        value = List.of(((String) value).split("\\.", 2));
                    }
                    return Map.of(tag.equals("Ref") ? "Ref" : "Fn::" + tag, value);
                }
            });
        }
    }
}

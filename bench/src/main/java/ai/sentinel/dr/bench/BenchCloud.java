package ai.sentinel.dr.bench;

import ai.sentinel.dr.bench.Variant.Workload;
import ai.sentinel.dr.localcloud.LocalCloud;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.SourceType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/**
 * The benchmark's side of the local cloud: what the handlers read (RDS {@code sentinel-db}, a connections datapoint,
 * a state machine of one Succeed state), moto warmed, the warm JVM's floor under the "event" column, and the
 * environment every child gets.
 */
final class BenchCloud {
  static final String REGION = LocalCloud.REGION;
  static final String DB = "sentinel-db";
  /** The runbook scenario whose first steps are measured (its Diagnose, its alarm's responder). */
  static final String SCENARIO = "database-failure";
  static final String STATE_MACHINE = "bench-sentinel-dr-" + SCENARIO;

  /**
   * What was seeded.
   *
   * @param stateMachineArn the state machine the responder starts
   * @param floors          per workload, the median time of its calls from this warm JVM (microseconds)
   */
  record Seeded(String stateMachineArn, Map<Workload, Long> floors) {}

  private BenchCloud() {}

  /** The calls our Diagnose step makes: warm-up and the warm floor must be the same work. */
  private static void diagnoseCalls(RdsClient rds, CloudWatchClient cw) {
    rds.describeDBInstances(b -> b.dbInstanceIdentifier(DB));
    rds.describeEvents(b -> b.sourceIdentifier(DB).sourceType(SourceType.DB_INSTANCE).duration(60));
    cw.getMetricStatistics(b -> b.namespace("AWS/RDS").metricName("DatabaseConnections")
        .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(DB).build())
        .startTime(Instant.now().minusSeconds(3600)).endTime(Instant.now()).period(300)
        .statistics(Statistic.AVERAGE));
  }

  /** The calls our alarm responder makes after classifying: look for the execution, start it when absent. */
  private static void responderCalls(SfnClient sfn, String arn, String name) {
    try {
      sfn.describeExecution(b -> b.executionArn(arn.replace(":stateMachine:", ":execution:") + ":" + name));
    } catch (ExecutionDoesNotExistException expected) {
      sfn.startExecution(b -> b.stateMachineArn(arn).name(name).input("{}"));
    }
  }

  static Seeded seed(LocalCloud cloud) throws IOException, InterruptedException {
    // the execution of a started recovery is not what is measured: keep moto's engine from running it meanwhile
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> configured = http.send(HttpRequest.newBuilder(cloud.motoEndpoint().resolve("/moto-api/config"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"stepfunctions\":{\"execute_state_machine\":false}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (configured.statusCode() / 100 != 2) {
      throw new IOException("moto config answered " + configured.statusCode() + ": " + configured.body());
    }
    SdkHttpClient httpClient = UrlConnectionHttpClient.create();
    try (RdsClient rds = local(RdsClient.builder(), cloud, httpClient).build();
        SfnClient sfn = local(SfnClient.builder(), cloud, httpClient).build();
        CloudWatchClient cw = local(CloudWatchClient.builder(), cloud, httpClient).build()) {
      rds.createDBInstance(b -> b.dbInstanceIdentifier(DB).engine("postgres").engineVersion("15.4")
          .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername("sentinel")
          .masterUserPassword("bench-only-password").dbName("sentinel").multiAZ(true)
          .availabilityZone(REGION + "a").backupRetentionPeriod(7));
      cw.putMetricData(b -> b.namespace("AWS/RDS").metricData(d -> d.metricName("DatabaseConnections")
          .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(DB).build())
          .value(42.0).unit(StandardUnit.COUNT).timestamp(Instant.now().minusSeconds(600))));
      String arn = sfn.createStateMachine(b -> b.name(STATE_MACHINE)
          .roleArn("arn:aws:iam::" + LocalCloud.ACCOUNT_ID + ":role/bench-sfn")
          .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}")).stateMachineArn();
      // warm moto: the first request to each of its backends imports Python modules (hundreds of ms)
      for (int i = 0; i < 3; i++) {
        diagnoseCalls(rds, cw);
        sfn.listStateMachines();
        String name = "warmup-" + i;
        responderCalls(sfn, arn, name);
      }
      // the floor under the "event" column: the same calls from this warm JVM, through the same gateway
      List<Long> diagnose = new ArrayList<>();
      List<Long> responder = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        long t0 = System.nanoTime();
        diagnoseCalls(rds, cw);
        long t1 = System.nanoTime();
        String name = "floor-" + i;
        responderCalls(sfn, arn, name);
        long t2 = System.nanoTime();
        diagnose.add((t1 - t0) / 1_000);
        responder.add((t2 - t1) / 1_000);
      }
      Map<Workload, Long> floors = new LinkedHashMap<>();
      floors.put(Workload.DIAGNOSE, medianOf(diagnose));
      floors.put(Workload.RESPONDER, medianOf(responder));
      return new Seeded(arn, floors);
    } finally {
      httpClient.close();
    }
  }

  private static long medianOf(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B local(B builder,
      LocalCloud cloud, SdkHttpClient http) {
    return builder.region(Region.of(REGION)).endpointOverride(cloud.endpoint()).httpClient(http)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
  }

  /**
   * What every child gets, and nothing else from this process (no proxies, no JAVA_TOOL_OPTIONS, no real ~/.aws):
   * what Lambda sets that the SDK reads, plus the environment the CDK app gives our functions.
   */
  static Map<String, String> childEnv(URI endpoint, String stateMachineArn, Path home) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", home.toString());
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("AWS_REGION", REGION);
    env.put("AWS_DEFAULT_REGION", REGION);
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL", endpoint.toString());
    env.put("SENTINEL_ENV", "bench");
    // the naive baseline reads its instance directly; our responder reads the settings sections
    env.put("DB_INSTANCE_ID", DB);
    env.put("SETTINGS_DATABASE", "{\"instanceId\":\"" + DB + "\",\"secretId\":\"sentinel/database-url\"}");
    env.put("SETTINGS_ECS", "{\"cluster\":\"sentinel-production\","
        + "\"services\":[\"sentinel-api\",\"sentinel-celery\"]}");
    env.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:" + REGION + ":" + LocalCloud.ACCOUNT_ID + ":bench-notifications");
    env.put("STATE_MACHINE_ARNS", "{\"" + SCENARIO + "\":\"" + stateMachineArn + "\"}");
    // read by the responder's lock/budget code where present; with DRY_RUN it makes no call
    env.put("LOCK_TABLE", "bench-sentinel-dr-locks");
    // the responder's path is classify + DescribeExecution + StartExecution: a dry-run recovery, as in the drills
    env.put("DRY_RUN", "true");
    // the measured alarms are dated from an hour before the run (ColdStart.eventBase): not stale for the responder
    env.put("MAX_SIGNAL_AGE_SECONDS", Integer.toString(24 * 3600));
    return env;
  }
}

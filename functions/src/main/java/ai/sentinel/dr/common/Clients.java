package ai.sentinel.dr.common;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

/**
 * The one factory of AWS clients. Region from AWS_REGION; endpoint from AWS_ENDPOINT_URL when set (LocalStack, moto,
 * our local gateway), so the same code runs against any of them or real AWS. One url-connection HTTP client is shared
 * (Apache and Netty are excluded from the build: they cost cold-start time). Each client is built at most once;
 * handlers ask for theirs in their constructor, so nothing is built inside handleRequest. {@link #in(Region)} gives
 * the same factory for another region (a recovery that runs in the DR region), sharing the HTTP client, the
 * credentials and the endpoint, built once per region.
 */
public final class Clients {
  private final Region region;
  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient http;
  private final Map<Class<?>, Object> built = new ConcurrentHashMap<>();
  /** The factories of other regions, shared by every factory of the same origin (their map is this one). */
  private final Map<Region, Clients> regions;

  public Clients(Map<String, String> env) {
    String regionName = env.get("AWS_REGION");
    if (regionName == null || regionName.isBlank()) {
      regionName = env.getOrDefault("AWS_DEFAULT_REGION", "");
    }
    if (regionName.isBlank()) {
      throw new DrConfig.ConfigException("missing environment variable AWS_REGION");
    }
    this.region = Region.of(regionName);
    String url = env.get("AWS_ENDPOINT_URL");
    this.endpoint = url == null || url.isBlank() ? null : URI.create(url.trim());
    this.credentials = credentialsFrom(env);
    this.http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(30))
        .build();
    this.regions = new ConcurrentHashMap<>();
    regions.put(region, this);
  }

  /** The factory of {@code origin} for another region. */
  private Clients(Clients origin, Region region) {
    this.region = region;
    this.endpoint = origin.endpoint;
    this.credentials = origin.credentials;
    this.http = origin.http;
    this.regions = origin.regions;
  }

  private Clients(Region region, Map<Class<?>, Object> preset, Map<Region, Clients> regions) {
    this.region = region;
    this.endpoint = null;
    this.credentials = null;
    this.http = null;
    this.built.putAll(preset);
    this.regions = regions;
    regions.put(region, this);
  }

  /**
   * Clients given, not built: unit tests pass Mockito mocks keyed by their interface (e.g. RdsClient.class). Asking
   * for a client that was not given is an error rather than a silent real client.
   */
  public static Clients preset(Region region, Map<Class<?>, Object> clients) {
    return new Clients(region, clients, new ConcurrentHashMap<>());
  }

  /** Given clients for another region too (tests): {@link #in(Region)} answers with them. Returns this factory. */
  public Clients presetRegion(Region other, Map<Class<?>, Object> clients) {
    if (http != null) {
      throw new IllegalStateException("only a preset factory takes preset clients");
    }
    new Clients(other, clients, regions);
    return this;
  }

  /** Credentials named in the given environment win (in-process local runs); otherwise the default chain. */
  private static AwsCredentialsProvider credentialsFrom(Map<String, String> env) {
    String key = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (key != null && secret != null) {
      String token = env.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(token == null
          ? AwsBasicCredentials.create(key, secret)
          : AwsSessionCredentials.create(key, secret, token));
    }
    // In Lambda with SnapStart credentials come from the container endpoint, which the default chain covers
    return DefaultCredentialsProvider.builder().build();
  }

  public Region region() {
    return region;
  }

  /**
   * The clients of {@code other} region: same endpoint, credentials and HTTP client, each client built at most once
   * per region. This factory itself for its own region.
   */
  public Clients in(Region other) {
    Clients found = regions.get(other);
    if (found != null) {
      return found;
    }
    if (http == null) {
      throw new IllegalStateException("no preset clients for region " + other);
    }
    return regions.computeIfAbsent(other, r -> new Clients(this, r));
  }

  /** {@link #in(Region)} by the region's name, e.g. us-west-2. */
  public Clients in(String other) {
    if (other == null || other.isBlank()) {
      throw new IllegalArgumentException("no region named");
    }
    return in(Region.of(other.trim()));
  }

  public RdsClient rds() {
    return get(RdsClient.class, () -> configure(RdsClient.builder()).build());
  }

  public EcsClient ecs() {
    return get(EcsClient.class, () -> configure(EcsClient.builder()).build());
  }

  public SecretsManagerClient secrets() {
    return get(SecretsManagerClient.class, () -> configure(SecretsManagerClient.builder()).build());
  }

  public SfnClient sfn() {
    return get(SfnClient.class, () -> configure(SfnClient.builder()).build());
  }

  public LambdaClient lambda() {
    return get(LambdaClient.class, () -> configure(LambdaClient.builder()).build());
  }

  public SnsClient sns() {
    return get(SnsClient.class, () -> configure(SnsClient.builder()).build());
  }

  public CloudWatchClient cloudWatch() {
    return get(CloudWatchClient.class, () -> configure(CloudWatchClient.builder()).build());
  }

  public ElastiCacheClient elastiCache() {
    return get(ElastiCacheClient.class, () -> configure(ElastiCacheClient.builder()).build());
  }

  public ElasticLoadBalancingV2Client elbv2() {
    return get(ElasticLoadBalancingV2Client.class, () -> configure(ElasticLoadBalancingV2Client.builder()).build());
  }

  public CloudWatchLogsClient logs() {
    return get(CloudWatchLogsClient.class, () -> configure(CloudWatchLogsClient.builder()).build());
  }

  public S3Client s3() {
    return get(S3Client.class, () -> configure(S3Client.builder())
        // local clouds serve S3 by path, not by bucket host name
        .forcePathStyle(endpoint != null).build());
  }

  public DynamoDbClient dynamoDb() {
    return get(DynamoDbClient.class, () -> configure(DynamoDbClient.builder()).build());
  }

  public SsmClient ssm() {
    return get(SsmClient.class, () -> configure(SsmClient.builder()).build());
  }

  public Wafv2Client wafv2() {
    return get(Wafv2Client.class, () -> configure(Wafv2Client.builder()).build());
  }

  /** EventBridge Scheduler (one-time schedules). */
  public SchedulerClient scheduler() {
    return get(SchedulerClient.class, () -> configure(SchedulerClient.builder()).build());
  }

  /** Route 53 (a global service: its API answers from us-east-1 whatever region the client names). */
  public Route53Client route53() {
    return get(Route53Client.class, () -> configure(Route53Client.builder()).build());
  }

  /** CloudFront (global, like Route 53). */
  public CloudFrontClient cloudFront() {
    return get(CloudFrontClient.class, () -> configure(CloudFrontClient.builder()).build());
  }

  /**
   * EC2's DescribeAvailabilityZones, and nothing else of EC2: the EC2 SDK module alone is 24 MB (the jar would
   * double), for one read-only call. Same region, endpoint and credentials as every client here.
   */
  public AvailabilityZones availabilityZones() {
    return get(AvailabilityZones.class, () -> new AvailabilityZones.Query(region, endpoint, credentials));
  }

  /**
   * AWS Health's DescribeEvents, and nothing else of Health (a JSON call, as {@link #availabilityZones()}). Health is
   * global and answers in us-east-1: ask the factory of that region ({@code in("us-east-1")}).
   */
  public HealthEvents healthEvents() {
    return get(HealthEvents.class, () -> new HealthEvents.Api(region, endpoint, credentials));
  }

  /**
   * SES's SendTemplatedEmail, and nothing else of SES (a Query call, as {@link #availabilityZones()}: no SES module
   * in the functions jar). Same region, endpoint and credentials as every client here.
   */
  public TemplatedEmail templatedEmail() {
    return get(TemplatedEmail.class, () -> new TemplatedEmail.Query(TemplatedEmail.api(region, endpoint,
        credentials)));
  }

  /**
   * One cheap read-only call on one kind of client, for SnapStart priming.
   *
   * @param client the client interface, e.g. RdsClient.class
   * @param call   the call, on a resource the caller names
   */
  public record Priming<T>(Class<T> client, Consumer<? super T> call) {
    void run(Object built) {
      call.accept(client.cast(built));
    }
  }

  /**
   * The priming calls on the clients every function may use (Step Functions, the lock table, the on-call topic,
   * CloudWatch); the scenarios add theirs for the resources they protect.
   */
  public static List<Priming<?>> sharedPriming(DrConfig config) {
    List<Priming<?>> calls = new ArrayList<>();
    calls.add(new Priming<>(SfnClient.class, sfn -> sfn.listStateMachines(b -> b.maxResults(1))));
    if (config.lockTable() != null) {
      calls.add(new Priming<>(DynamoDbClient.class, ddb -> ddb.describeTable(b -> b.tableName(config.lockTable()))));
    }
    calls.add(new Priming<>(SnsClient.class, sns -> sns.getTopicAttributes(b -> b.topicArn(config.topicArn()))));
    // our own metrics' namespace (EMF): any namespace warms the path
    calls.add(new Priming<>(CloudWatchClient.class, cw -> cw.listMetrics(b -> b.namespace("SentinelDR"))));
    return calls;
  }

  /**
   * SnapStart priming: one cheap read-only call per client this function built (the first of {@code calls} for its
   * kind; clients it did not build are not built for this), so the snapshot holds an SDK whose request path
   * (marshalling, signing, HTTP, unmarshalling) has run once. Errors (AccessDenied, NotFound) are expected and
   * ignored: the path is warmed either way. Measured in bench/: a full event before the snapshot takes about three
   * quarters off the first event; class loading alone about a fifth.
   */
  public void prime(List<Priming<?>> calls) {
    for (Map.Entry<Class<?>, Object> client : built.entrySet()) {
      calls.stream().filter(p -> p.client().equals(client.getKey())).findFirst().ifPresent(p -> {
        try {
          p.run(client.getValue());
        } catch (RuntimeException e) {
          // a refused or failed call has still exercised the path we want in the snapshot
        }
      });
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T get(Class<T> type, Supplier<T> factory) {
    if (http == null && !built.containsKey(type)) {
      throw new IllegalStateException("no preset client for " + type.getSimpleName());
    }
    return (T) built.computeIfAbsent(type, t -> factory.get());
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder.region(region).credentialsProvider(credentials)
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            // standard mode retries throttling and 5xx with backoff, mutations excepted (OneAttempt); the state
            // machine retries beyond that
            .retryStrategy(OneAttempt.retryStrategy(AwsRetryStrategy.standardRetryStrategy()))
            .apiCallTimeout(Duration.ofSeconds(60))
            .build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
      sync.httpClient(http);
    }
    return builder;
  }
}

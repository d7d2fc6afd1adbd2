package ai.sentinel.dr.common;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one factory of AWS clients. Region from AWS_REGION; endpoint from AWS_ENDPOINT_URL when set (LocalStack, moto,
 * our local gateway), so the same code runs against any of them or real AWS. One url-connection HTTP client is shared
 * (Apache and Netty are excluded from the build: they cost cold-start time). Each client is built at most once;
 * handlers ask for theirs in their constructor, so nothing is built inside handleRequest.
 */
public final class Clients {
  private final Region region;
  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient http;
  private final Map<Class<?>, Object> built = new ConcurrentHashMap<>();

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
  }

  private Clients(Region region, Map<Class<?>, Object> preset) {
    this.region = region;
    this.endpoint = null;
    this.credentials = null;
    this.http = null;
    this.built.putAll(preset);
  }

  /**
   * Clients given, not built: unit tests pass Mockito mocks keyed by their interface (e.g. RdsClient.class). Asking
   * for a client that was not given is an error rather than a silent real client.
   */
  public static Clients preset(Region region, Map<Class<?>, Object> clients) {
    return new Clients(region, clients);
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

  /**
   * SnapStart priming: one cheap read-only call per client this function built, so the snapshot holds an SDK whose
   * request path (marshalling, signing, HTTP, unmarshalling) has run once. Errors (AccessDenied, NotFound) are
   * expected and ignored: the path is warmed either way. Measured in bench/: a full event before the snapshot takes
   * about three quarters off the first event; class loading alone about a fifth.
   */
  public void prime(DrConfig config) {
    for (Object client : built.values()) {
      try {
        if (client instanceof RdsClient rds) {
          rds.describeDBInstances(b -> b.dbInstanceIdentifier(config.dbInstanceId()));
        } else if (client instanceof SfnClient sfn) {
          sfn.listStateMachines(b -> b.maxResults(1));
        } else if (client instanceof EcsClient ecs) {
          ecs.describeClusters(b -> b.clusters(config.ecsCluster()));
        } else if (client instanceof SecretsManagerClient secrets) {
          secrets.describeSecret(b -> b.secretId(config.dbSecretId()));
        } else if (client instanceof DynamoDbClient ddb && config.lockTable() != null) {
          ddb.describeTable(b -> b.tableName(config.lockTable()));
        } else if (client instanceof SnsClient sns) {
          sns.getTopicAttributes(b -> b.topicArn(config.topicArn()));
        } else if (client instanceof ElastiCacheClient cache && config.redisClusterId() != null) {
          cache.describeCacheClusters(b -> b.cacheClusterId(config.redisClusterId()));
        } else if (client instanceof ElasticLoadBalancingV2Client elb) {
          elb.describeTargetGroups(b -> b.pageSize(1));
        } else if (client instanceof CloudWatchLogsClient logs) {
          logs.describeLogGroups(b -> b.limit(1));
        } else if (client instanceof CloudWatchClient cw) {
          cw.listMetrics(b -> b.namespace("AWS/RDS").metricName("DatabaseConnections"));
        }
      } catch (RuntimeException e) {
        // a refused or failed call has still exercised the path we want in the snapshot
      }
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

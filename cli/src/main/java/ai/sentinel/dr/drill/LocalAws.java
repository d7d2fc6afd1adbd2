package ai.sentinel.dr.drill;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

/**
 * SDK clients for the operator's side of a drill or test (seeding, injecting failures, reading results), pointed at
 * the local cloud's endpoint with the dummy credentials moto accepts.
 */
public final class LocalAws implements AutoCloseable {
  public static final Region REGION = Region.US_EAST_1;
  public static final String ACCOUNT = "123456789012";

  private final URI endpoint;
  /** The region every client signs for (a stack deployed in another region gets clients of its own). */
  public final Region region;
  private final SdkHttpClient http = UrlConnectionHttpClient.create();
  public final RdsClient rds;
  public final Ec2Client ec2;
  public final EcsClient ecs;
  public final SecretsManagerClient secrets;
  public final CloudWatchClient cloudWatch;
  public final SnsClient sns;
  public final SqsClient sqs;
  public final SfnClient sfn;
  public final LambdaClient lambda;
  public final DynamoDbClient dynamoDb;
  public final S3Client s3;
  public final ElastiCacheClient elastiCache;
  public final ElasticLoadBalancingV2Client elbv2;
  public final CloudWatchLogsClient logs;
  public final Wafv2Client waf;
  public final SchedulerClient scheduler;

  public LocalAws(String endpoint) {
    this(endpoint, REGION);
  }

  public LocalAws(String endpoint, Region region) {
    this.endpoint = URI.create(endpoint);
    this.region = region;
    this.rds = configure(RdsClient.builder()).httpClient(http).build();
    this.ec2 = configure(Ec2Client.builder()).httpClient(http).build();
    this.ecs = configure(EcsClient.builder()).httpClient(http).build();
    this.secrets = configure(SecretsManagerClient.builder()).httpClient(http).build();
    this.cloudWatch = configure(CloudWatchClient.builder()).httpClient(http).build();
    this.sns = configure(SnsClient.builder()).httpClient(http).build();
    this.sqs = configure(SqsClient.builder()).httpClient(http).build();
    this.sfn = configure(SfnClient.builder()).httpClient(http).build();
    this.s3 = configure(S3Client.builder()).httpClient(http).forcePathStyle(true).build();
    this.dynamoDb = configure(DynamoDbClient.builder()).httpClient(http).build();
    this.elastiCache = configure(ElastiCacheClient.builder()).httpClient(http).build();
    this.elbv2 = configure(ElasticLoadBalancingV2Client.builder()).httpClient(http).build();
    this.logs = configure(CloudWatchLogsClient.builder()).httpClient(http).build();
    this.waf = configure(Wafv2Client.builder()).httpClient(http).build();
    this.scheduler = configure(SchedulerClient.builder()).httpClient(http).build();
    this.lambda = configure(LambdaClient.builder()).httpClient(http)
        .overrideConfiguration(operator().apiCallTimeout(java.time.Duration.ofMinutes(2)).build()).build();
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    return builder.region(region).endpointOverride(endpoint)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .overrideConfiguration(operator().build());
  }

  /** The operator's side is exempt from injected faults (they test the responders) and retries hard anyway. */
  private static ClientOverrideConfiguration.Builder operator() {
    return ClientOverrideConfiguration.builder()
        .putHeader(ai.sentinel.dr.localcloud.Gateway.OPERATOR_HEADER, ai.sentinel.dr.localcloud.Gateway.OPERATOR)
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(10).build());
  }

  /** SES's Query API in this region (templates, identities; the cli has no SES module). */
  public ai.sentinel.dr.common.QueryApi ses() {
    return ai.sentinel.dr.common.TemplatedEmail.api(region, endpoint, StaticCredentialsProvider.create(
        AwsBasicCredentials.create("test", "test")));
  }

  /** The environment a deployed function would see, pointed at the local cloud. */
  public java.util.Map<String, String> functionEnvironment() {
    return java.util.Map.of("AWS_REGION", region.id(), "AWS_ENDPOINT_URL", endpoint.toString(),
        "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
  }

  @Override
  public void close() {
    rds.close();
    ec2.close();
    ecs.close();
    secrets.close();
    cloudWatch.close();
    sns.close();
    sqs.close();
    sfn.close();
    lambda.close();
    dynamoDb.close();
    s3.close();
    elastiCache.close();
    elbv2.close();
    logs.close();
    waf.close();
    scheduler.close();
    http.close();
  }
}

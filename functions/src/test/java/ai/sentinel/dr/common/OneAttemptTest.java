package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;

/** A mutation whose answer is lost must not be sent again by the SDK; reads keep their retries. */
class OneAttemptTest {
  private final AtomicInteger sent = new AtomicInteger();

  /** Answers every request with a 500, as when AWS applied it and the answer was lost on the way back. */
  private final SdkHttpClient failing = new SdkHttpClient() {
    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() {
          sent.incrementAndGet();
          byte[] body = "{\"__type\":\"ServerException\",\"message\":\"lost\"}".getBytes(StandardCharsets.UTF_8);
          return HttpExecuteResponse.builder()
              .response(SdkHttpResponse.builder().statusCode(500)
                  .putHeader("Content-Type", "application/x-amz-json-1.1").build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public void close() {}
  };

  private EcsClient ecs() {
    return EcsClient.builder().region(Region.US_EAST_1).httpClient(failing)
        .endpointOverride(URI.create("http://127.0.0.1:1"))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
        .overrideConfiguration(o -> o.retryStrategy(OneAttempt.retryStrategy(AwsRetryStrategy
            .standardRetryStrategy().toBuilder()
            .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(1))).build())))
        .build();
  }

  @Test
  void aMutationIsSentOnceAndItsFailureSurfacesForTheStateMachineToRetry() {
    try (EcsClient ecs = ecs()) {
      assertThrows(SdkException.class, () -> OneAttempt.call(() -> ecs.updateService(b -> b.cluster("c")
          .service("sentinel-api").forceNewDeployment(true))));
      assertEquals(1, sent.get(), "UpdateService sent once, not retried into a second deployment");
    }
  }

  @Test
  void readsKeepTheStandardRetries() {
    try (EcsClient ecs = ecs()) {
      assertThrows(SdkException.class, () -> ecs.describeServices(b -> b.cluster("c").services("sentinel-api")));
      assertEquals(AwsRetryStrategy.standardRetryStrategy().maxAttempts(), sent.get());
      sent.set(0);
      OneAttempt.call(() -> "nested calls restore the outer state");
      assertThrows(SdkException.class, () -> ecs.describeServices(b -> b.cluster("c").services("sentinel-api")));
      assertEquals(AwsRetryStrategy.standardRetryStrategy().maxAttempts(), sent.get());
    }
  }
}

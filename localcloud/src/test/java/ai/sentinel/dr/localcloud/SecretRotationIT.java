package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;

/**
 * The launcher's Secrets Manager rotation (F8, F9): RotateSecret answers at once and Secrets Manager's four
 * invocations reach the gateway's function, in order, with the secret's ARN and the token; the function's own
 * PutSecretValue and UpdateSecretVersionStage make the new version current (also for a GetSecretValue without a
 * stage); a function error ends the rotation with AWSCURRENT unmoved and the next RotateSecret refused.
 */
class SecretRotationIT {
  static final String ROTATOR = "arn:aws:lambda:us-east-1:123456789012:function:rotator:live";
  static final String FAILING = "arn:aws:lambda:us-east-1:123456789012:function:failing-rotator:live";
  private static LocalCloud cloud;
  private static SecretsManagerClient sm;

  @BeforeAll
  static void start() throws Exception {
    // the functions call back into the cloud: the gateway's endpoint is known only once it runs
    String[] endpoint = new String[1];
    cloud = LocalCloud.start(name -> java.util.Optional.ofNullable(switch (name) {
      case "rotator" -> new ReflectiveHandlerFunction("rotator", StagingRotator.class.getName(),
          Map.of("ENDPOINT", endpoint[0]));
      case "failing-rotator" -> new ReflectiveHandlerFunction("failing-rotator", StagingRotator.class.getName(),
          Map.of("ENDPOINT", endpoint[0], "FAIL_AT", "setSecret"));
      default -> null;
    }));
    endpoint[0] = cloud.endpoint().toString();
    sm = SecretsManagerClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint[0]))
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
  }

  @AfterAll
  static void stop() {
    if (sm != null) {
      sm.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  static String current(DescribeSecretResponse d) {
    return d.versionIdsToStages().entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT"))
        .map(Map.Entry::getKey).findFirst().orElse(null);
  }

  static DescribeSecretResponse waitFor(String secret, java.util.function.Predicate<DescribeSecretResponse> done)
      throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      DescribeSecretResponse d = sm.describeSecret(b -> b.secretId(secret));
      if (done.test(d)) {
        return d;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(secret + " never reached the expected state");
  }

  @Test
  void rotationRunsTheFourStepsThroughTheGatewayAndMovesAwsCurrent() throws Exception {
    String arn = sm.createSecret(b -> b.name("app/jwt").secretString("v1")).arn();
    sm.rotateSecret(b -> b.secretId("app/jwt").rotationLambdaARN(ROTATOR)
        .rotationRules(r -> r.automaticallyAfterDays(90L)).rotateImmediately(false));
    DescribeSecretResponse configured = sm.describeSecret(b -> b.secretId("app/jwt"));
    assertTrue(configured.rotationEnabled());
    assertEquals(ROTATOR, configured.rotationLambdaARN());
    assertTrue(StagingRotator.CALLS.stream().noneMatch(c -> c.contains(arn)), "attaching rotates nothing");

    String token = "11111111-2222-4333-8444-555555555555";
    assertEquals(token, sm.rotateSecret(b -> b.secretId("app/jwt").clientRequestToken(token)).versionId());
    waitFor("app/jwt", d -> token.equals(current(d)));
    assertEquals(List.of("createSecret " + arn + " " + token, "setSecret " + arn + " " + token,
        "testSecret " + arn + " " + token, "finishSecret " + arn + " " + token),
        StagingRotator.CALLS.stream().filter(c -> c.contains(arn)).toList());
    assertEquals("rotated-" + token, sm.getSecretValue(b -> b.secretId("app/jwt")).secretString(),
        "F9: the default version follows AWSCURRENT");
    assertEquals("v1", sm.getSecretValue(b -> b.secretId("app/jwt").versionStage("AWSPREVIOUS")).secretString());
  }

  @Test
  void aFailedRotationLeavesAwsCurrentAndRefusesTheNextUntilResolved() throws Exception {
    String arn = sm.createSecret(b -> b.name("app/db").secretString("v1")).arn();
    String before = current(sm.describeSecret(b -> b.secretId("app/db")));
    sm.rotateSecret(b -> b.secretId("app/db").rotationLambdaARN(FAILING)
        .rotationRules(r -> r.automaticallyAfterDays(90L)).rotateImmediately(false));
    String token = "66666666-2222-4333-8444-555555555555";
    sm.rotateSecret(b -> b.secretId("app/db").clientRequestToken(token));
    DescribeSecretResponse d = waitFor("app/db", x -> x.versionIdsToStages().getOrDefault(token, List.of())
        .contains("AWSPENDING") && StagingRotator.CALLS.contains("setSecret " + arn + " " + token));
    Thread.sleep(500);
    assertEquals(before, current(sm.describeSecret(b -> b.secretId("app/db"))), "AWSCURRENT did not move");
    assertTrue(StagingRotator.CALLS.stream().noneMatch(c -> c.startsWith("testSecret " + arn)), "stopped at setSecret");
    assertEquals("v1", sm.getSecretValue(b -> b.secretId("app/db")).secretString());
    assertThrows(InvalidRequestException.class, () -> sm.rotateSecret(b -> b.secretId("app/db")));
  }
}

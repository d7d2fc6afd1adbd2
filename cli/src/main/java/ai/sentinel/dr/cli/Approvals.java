package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Json;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.SfnClientBuilder;

/**
 * Answers an approval gate: {@code ./sentinel approve TOKEN --by NAME} and {@code ./sentinel reject TOKEN --reason
 * WHY}. The same calls as {@code aws stepfunctions send-task-success/-failure}, against whatever AWS_ENDPOINT_URL and
 * AWS_REGION name (real AWS by default, a drill's local cloud when set).
 */
public final class Approvals {
  /** The error a rejection raises in the state machine (its Catch sends it to NotifyFailure). */
  public static final String REJECTED = "Rejected";

  private Approvals() {}

  public static SfnClient client(Map<String, String> env) {
    SfnClientBuilder b = SfnClient.builder().httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"))));
    String endpoint = env.get("AWS_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint));
      if (!env.containsKey("AWS_ACCESS_KEY_ID")) {
        // local clouds accept any credentials; do not make a drill user configure some
        b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
      }
    } else {
      b.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return b.build();
  }

  /** The approver's answer, which the next step records in the recovery's timeline. */
  public static String approvalOutput(String by, String reason) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("decision", "approved");
    out.put("by", by);
    out.put("at", Instant.now().toString());
    if (reason != null) {
      out.put("reason", reason);
    }
    return Json.write(out);
  }

  public static void approve(SfnClient sfn, String token, String by, String reason) {
    sfn.sendTaskSuccess(b -> b.taskToken(token).output(approvalOutput(by, reason)));
  }

  public static void reject(SfnClient sfn, String token, String by, String reason) {
    String cause = "rejected by " + by + ": " + reason;
    sfn.sendTaskFailure(b -> b.taskToken(token).error(REJECTED).cause(cause.length() > 32768
        ? cause.substring(0, 32768) : cause));
  }
}

package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Json;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

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
    return client(SfnClient.builder(), env, region(env));
  }

  /**
   * A client of any service as the AWS CLI would reach it from {@code env}: the url-connection HTTP client, {@code
   * region}, {@link #credentials} and AWS_ENDPOINT_URL when set (a local cloud).
   */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
      Map<String, String> env, String region) {
    builder.httpClient(UrlConnectionHttpClient.create()).region(Region.of(region)).credentialsProvider(
        credentials(env));
    String endpoint = env.get("AWS_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  public static String region(Map<String, String> env) {
    return env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
  }

  /** The AWS CLI's credentials; a local cloud (AWS_ENDPOINT_URL) without any accepts test ones. */
  public static AwsCredentialsProvider credentials(Map<String, String> env) {
    String endpoint = env.get("AWS_ENDPOINT_URL");
    if (env.containsKey("AWS_ACCESS_KEY_ID") && env.containsKey("AWS_SECRET_ACCESS_KEY")) {
      String session = env.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(session == null || session.isBlank()
          ? AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))
          : AwsSessionCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"), session));
    }
    if (endpoint != null && !endpoint.isBlank()) {
      // local clouds accept any credentials; do not make a drill user configure some
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** The approver's answer, which the next step records in the recovery's timeline. */
  public static String approvalOutput(String by, String identity, String reason) {
    return approvalOutput(by, identity, reason, List.of());
  }

  /**
   * {@code choices}: options the gate offers beside the approval itself (its request lists them, e.g. Scenario 5's
   * {@code delete-clean-copy}), as {@code "choices": [...]}; the steps after the gate read them.
   */
  public static String approvalOutput(String by, String identity, String reason, List<String> choices) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("decision", "approved");
    out.put("by", by);
    if (identity != null) {
      out.put("identity", identity);
    }
    out.put("at", Instant.now().toString());
    if (reason != null) {
      out.put("reason", reason);
    }
    if (choices != null && !choices.isEmpty()) {
      out.put("choices", List.copyOf(choices));
    }
    return Json.write(out);
  }

  public static void approve(SfnClient sfn, String token, String by, String reason) {
    approve(sfn, token, by, null, reason);
  }

  /** {@code identity}: the caller's AWS identity (STS ARN), recorded beside the name typed (null: not known). */
  public static void approve(SfnClient sfn, String token, String by, String identity, String reason) {
    approve(sfn, token, by, identity, reason, List.of());
  }

  /** An approval with the gate's {@code choices} taken ({@code ./sentinel approve --choose}). */
  public static void approve(SfnClient sfn, String token, String by, String identity, String reason,
      List<String> choices) {
    sfn.sendTaskSuccess(b -> b.taskToken(token).output(approvalOutput(by, identity, reason, choices)));
  }

  public static void reject(SfnClient sfn, String token, String by, String reason) {
    reject(sfn, token, by, null, reason);
  }

  /** The rejection's cause reaches the Catch, the timeline and the report: who, as whom, and why. */
  public static void reject(SfnClient sfn, String token, String by, String identity, String reason) {
    String cause = "rejected by " + by + (identity == null ? "" : " (" + identity + ")") + ": " + reason;
    sfn.sendTaskFailure(b -> b.taskToken(token).error(REJECTED).cause(cause.length() > 32768
        ? cause.substring(0, 32768) : cause));
  }
}

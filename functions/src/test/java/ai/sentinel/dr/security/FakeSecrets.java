package ai.sentinel.dr.security;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.support.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretVersionStageRequest;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretVersionStageResponse;

/**
 * One secret's versions and staging labels with Secrets Manager's semantics as the rotation protocol uses them
 * (GetSecretValue by id and/or stage, PutSecretValue with a token, UpdateSecretVersionStage moving AWSCURRENT and
 * AWSPREVIOUS), behind a Mockito SDK mock.
 */
final class FakeSecrets {
  final SecretsManagerClient client = Fixtures.sdkMock(SecretsManagerClient.class);
  final String name;
  final Map<String, String> values = new LinkedHashMap<>();
  final Map<String, List<String>> stages = new LinkedHashMap<>();
  boolean rotationEnabled = true;

  FakeSecrets(String name, String current) {
    this.name = name;
    values.put("v1", current);
    stages.put("v1", new ArrayList<>(List.of("AWSCURRENT")));
    when(client.describeSecret(any(DescribeSecretRequest.class))).thenAnswer(i -> DescribeSecretResponse.builder()
        .name(name).rotationEnabled(rotationEnabled).versionIdsToStages(copy()).build());
    when(client.getSecretValue(any(GetSecretValueRequest.class))).thenAnswer(i -> {
      GetSecretValueRequest r = i.getArgument(0);
      String id = r.versionId() != null ? r.versionId() : version(r.versionStage() == null ? "AWSCURRENT"
          : r.versionStage());
      if (id == null || !values.containsKey(id) || r.versionStage() != null
          && !stages.get(id).contains(r.versionStage())) {
        throw ResourceNotFoundException.builder().message("no such version").build();
      }
      return GetSecretValueResponse.builder().name(name).versionId(id).secretString(values.get(id)).build();
    });
    when(client.putSecretValue(any(PutSecretValueRequest.class))).thenAnswer(i -> {
      PutSecretValueRequest r = i.getArgument(0);
      for (String stage : r.versionStages()) {
        stages.values().forEach(s -> s.remove(stage));
      }
      values.put(r.clientRequestToken(), r.secretString());
      stages.put(r.clientRequestToken(), new ArrayList<>(r.versionStages()));
      return PutSecretValueResponse.builder().versionId(r.clientRequestToken()).build();
    });
    when(client.updateSecretVersionStage(any(UpdateSecretVersionStageRequest.class))).thenAnswer(i -> {
      UpdateSecretVersionStageRequest r = i.getArgument(0);
      if (!stages.get(r.removeFromVersionId()).remove(r.versionStage())) {
        throw new IllegalStateException(r.versionStage() + " is not on " + r.removeFromVersionId());
      }
      stages.get(r.moveToVersionId()).add(r.versionStage());
      if (r.versionStage().equals("AWSCURRENT")) {
        stages.values().forEach(s -> s.remove("AWSPREVIOUS"));
        stages.get(r.removeFromVersionId()).add("AWSPREVIOUS");
        stages.get(r.moveToVersionId()).remove("AWSPENDING");
      }
      return UpdateSecretVersionStageResponse.builder().build();
    });
  }

  String version(String stage) {
    return stages.entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey).findFirst()
        .orElse(null);
  }

  String value(String stage) {
    return values.get(version(stage));
  }

  private Map<String, List<String>> copy() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    stages.forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.put(k, List.copyOf(v));
      }
    });
    return out;
  }

  /** Secrets Manager's four invocations of {@code rotator} for a rotation with {@code token}. */
  static void rotate(SecretRotator rotator, String secretId, String token) {
    for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
      invoke(rotator, step, secretId, token);
    }
  }

  static void invoke(SecretRotator rotator, String step, String secretId, String token) {
    String event = "{\"Step\":\"" + step + "\",\"SecretId\":\"" + secretId + "\",\"ClientRequestToken\":\"" + token
        + "\"}";
    try {
      rotator.handleRequest(new java.io.ByteArrayInputStream(event.getBytes()), new java.io.ByteArrayOutputStream(),
          null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

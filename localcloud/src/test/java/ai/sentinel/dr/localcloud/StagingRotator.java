package ai.sentinel.dr.localcloud;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Test rotation function: records each invocation, puts "rotated-&lt;token&gt;" as AWSPENDING in createSecret and moves
 * AWSCURRENT in finishSecret, as a real rotation function does; with FAIL_AT set, throws at that step.
 */
public class StagingRotator implements RequestStreamHandler {
  static final List<String> CALLS = new CopyOnWriteArrayList<>();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, String> environment;

  public StagingRotator(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = JSON.readTree(input);
    String step = event.path("Step").asText();
    String secret = event.path("SecretId").asText();
    String token = event.path("ClientRequestToken").asText();
    CALLS.add(step + " " + secret + " " + token);
    if (step.equals(environment.get("FAIL_AT"))) {
      throw new IllegalStateException("cannot " + step);
    }
    try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
        .endpointOverride(URI.create(environment.get("ENDPOINT"))).httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
      if (step.equals("createSecret")) {
        sm.putSecretValue(b -> b.secretId(secret).clientRequestToken(token).secretString("rotated-" + token)
            .versionStages("AWSPENDING"));
      } else if (step.equals("finishSecret")) {
        String current = sm.describeSecret(b -> b.secretId(secret)).versionIdsToStages().entrySet().stream()
            .filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey).findFirst().orElseThrow();
        sm.updateSecretVersionStage(b -> b.secretId(secret).versionStage("AWSCURRENT").moveToVersionId(token)
            .removeFromVersionId(current));
      }
    }
    output.write("{}".getBytes());
  }
}

package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.function.Consumer;

/** The repository's cdk.json environments for the configuration tests: as they are, edited, and refused. */
public final class CdkJson {
  private CdkJson() {}

  /** cdk.json's {@code context.environments}, as the repository has them. */
  public static JsonNode environments() throws IOException {
    return Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(RepoPaths.root()))).path("context")
        .path("environments");
  }

  /** A copy of the environments with {@code edit} applied to environment {@code env}'s object. */
  public static JsonNode with(String env, Consumer<ObjectNode> edit) throws IOException {
    JsonNode envs = environments().deepCopy();
    edit.accept((ObjectNode) envs.get(env));
    return envs;
  }

  /** The message EnvironmentConfig refuses {@code env} with once {@code edit} is applied to it (it must refuse). */
  public static String failure(String env, Consumer<ObjectNode> edit) throws IOException {
    JsonNode envs = with(env, edit);
    return assertThrows(EnvironmentConfig.InvalidConfigException.class, () -> EnvironmentConfig.load(envs, env))
        .getMessage();
  }
}

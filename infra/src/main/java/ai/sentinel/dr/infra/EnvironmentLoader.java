package ai.sentinel.dr.infra;

import ai.sentinel.dr.infra.EnvironmentConfig.InvalidConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import software.constructs.Node;

/** Finds an environment in cdk.json's {@code environments} context and hands it to {@link EnvironmentReader}. */
final class EnvironmentLoader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EnvironmentLoader() {}

  /**
   * The environment selected by {@code -c env=NAME}, from the {@code environments} context. The CDK CLI passes
   * cdk.json's context; when the app runs without the CLI (no {@code environments} context), the repository's
   * cdk.json is read instead.
   */
  static EnvironmentConfig fromContext(Node node, Path cdkJson) {
    Object selected = node.tryGetContext(EnvironmentConfig.ENV_CONTEXT);
    Object environments = node.tryGetContext(EnvironmentConfig.ENVIRONMENTS_CONTEXT);
    JsonNode envs = environments != null ? JSON.valueToTree(environments) : readContext(cdkJson);
    if (selected == null || selected.toString().isBlank()) {
      throw new InvalidConfigException("No environment selected: pass -c " + EnvironmentConfig.ENV_CONTEXT
          + "=NAME (known: " + names(envs) + ")");
    }
    return load(envs, selected.toString());
  }

  static EnvironmentConfig fromCdkJson(Path cdkJson, String name) {
    return load(readContext(cdkJson), name);
  }

  static EnvironmentConfig load(JsonNode environments, String name) {
    if (environments == null || !environments.isObject()) {
      throw new InvalidConfigException("cdk.json context has no \"" + EnvironmentConfig.ENVIRONMENTS_CONTEXT
          + "\" object");
    }
    JsonNode env = environments.get(name);
    if (env == null) {
      throw new InvalidConfigException("Unknown environment '" + name + "' (known: " + names(environments) + ")");
    }
    return EnvironmentReader.read(name, env);
  }

  private static JsonNode readContext(Path cdkJson) {
    try {
      return JSON.readTree(Files.readString(cdkJson)).path("context").path(EnvironmentConfig.ENVIRONMENTS_CONTEXT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + cdkJson, e);
    }
  }

  private static String names(JsonNode environments) {
    Set<String> names = new TreeSet<>();
    if (environments != null) {
      environments.fieldNames().forEachRemaining(names::add);
    }
    return String.join(", ", names);
  }
}

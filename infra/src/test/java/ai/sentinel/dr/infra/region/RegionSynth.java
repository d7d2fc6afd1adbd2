package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.infra.SentinelDrApp;
import ai.sentinel.dr.infra.Synth;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** The DR stacks of cdk.json's environments, synthesized once per test JVM, as SentinelDrApp builds them. */
final class RegionSynth {
  private static final Map<String, RegionSynth> CACHE = new ConcurrentHashMap<>();

  final EnvironmentConfig config;
  final App app;
  final RegionStack stack;
  final JsonNode json;

  private RegionSynth(String key, EnvironmentConfig config) {
    this.config = config;
    app = new App();
    SentinelDrApp.build(app, config, RepoPaths.lambdaJar(RepoPaths.root()));
    stack = app.getNode().getChildren().stream().filter(RegionStack.class::isInstance).map(RegionStack.class::cast)
        .findFirst().orElse(null);
    json = stack == null ? null : Synth.JSON.valueToTree(Template.fromStack(stack).toJSON());
    String out = System.getProperty("region.templates");
    if (out != null && json != null) {
      // for cfn-lint: mvn ... -Dtest=RegionStackTest -Dregion.templates=DIR, then cfn-lint DIR/*.json
      try {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(out));
        String file = key.equals(config.name()) ? stack.getStackName()
            : stack.getStackName() + "-" + key.replaceAll("[^A-Za-z0-9]+", "-");
        Synth.JSON.writeValue(java.nio.file.Path.of(out, file + ".json").toFile(), json);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  static synchronized RegionSynth of(String env) {
    return CACHE.computeIfAbsent(env, e -> new RegionSynth(e, Synth.load(e)));
  }

  /** A variant of a repository environment (an option no cdk.json environment sets), cached under {@code key}. */
  static synchronized RegionSynth of(String key, java.util.function.Supplier<EnvironmentConfig> config) {
    return CACHE.computeIfAbsent(key, k -> new RegionSynth(k, config.get()));
  }

  /** Every stack of the app. */
  List<Stack> stacks() {
    return app.getNode().getChildren().stream().filter(Stack.class::isInstance).map(Stack.class::cast).toList();
  }

  Map<String, JsonNode> resources(String type) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    json.path("Resources").fields().forEachRemaining(e -> {
      if (type.equals(e.getValue().path("Type").asText())) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  List<JsonNode> properties(String type) {
    return resources(type).values().stream().map(r -> r.path("Properties")).toList();
  }

  JsonNode function(String name) {
    return properties("AWS::Lambda::Function").stream().filter(p -> name.equals(p.path("FunctionName").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no function " + name));
  }

  /** The IAM statements of the policies whose logical id starts with {@code prefix}. */
  List<JsonNode> statements(String prefix) {
    List<JsonNode> out = new java.util.ArrayList<>();
    resources("AWS::IAM::Policy").forEach((id, p) -> {
      if (id.startsWith(prefix)) {
        p.path("Properties").path("PolicyDocument").path("Statement").forEach(out::add);
      }
    });
    return out;
  }

  /** The rendered resources of the statements allowing {@code action}. */
  List<String> resourcesOf(String prefix, String action) {
    return statements(prefix).stream().filter(s -> Synth.list(s, "Action").contains(action))
        .flatMap(s -> Synth.list(s, "Resource").stream()).toList();
  }
}

package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An existing stack updates in place: every environment's template keeps the resources it had (logical id, type and
 * physical name) and its outputs, as {@code src/test/resources/resources-<env>.txt} recorded them. A renamed
 * construct, a moved function or a new name is a replacement (or a failed deployment, for named resources) on a
 * deployed stack; such a change must be deliberate: regenerate with {@code -Dresources.update=true} and review the
 * fixture's diff.
 */
class TemplateResourcesTest {
  /** The properties that carry a resource's physical name, for the resources that have one. */
  private static final List<String> NAME_PROPERTIES = List.of("FunctionName", "StateMachineName", "TopicName",
      "TableName", "LogGroupName", "AlarmName", "SubscriptionName", "AliasName", "Name", "BucketName");

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", "local"})
  void everyResourceKeepsItsLogicalIdTypeAndName(String env) throws IOException {
    String actual = String.join("\n", resources(Synth.of(env).json)) + "\n";
    Path fixture = Path.of("src/test/resources/resources-" + env + ".txt");
    if (Boolean.getBoolean("resources.update")) {
      Files.writeString(fixture, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(fixture, StandardCharsets.UTF_8), actual,
        "the " + env + " template's resources changed: a deployed stack would replace them");
  }

  /** One line per resource and output, sorted: logical id, type, and physical name where the resource has one. */
  static List<String> resources(JsonNode template) {
    List<String> lines = new ArrayList<>();
    template.path("Resources").fields().forEachRemaining(e -> {
      JsonNode properties = e.getValue().path("Properties");
      StringBuilder line = new StringBuilder(logicalId(e.getKey())).append(' ')
          .append(e.getValue().path("Type").asText());
      for (String property : NAME_PROPERTIES) {
        if (properties.has(property) && properties.get(property).isValueNode()) {
          line.append(' ').append(property).append('=').append(properties.get(property).asText());
          break;
        }
      }
      lines.add(line.toString());
    });
    // outputs too: scripts and operators read them by name (ManualResponderFunction, AlarmTopicArn...)
    template.path("Outputs").fieldNames().forEachRemaining(id -> lines.add(id + " Output"));
    lines.sort(null);
    return lines;
  }

  /**
   * A function's published version is named after a hash of its code and configuration: a new version on every
   * deployment that changes the function is what SnapStart needs, not a replacement of the stack's resources.
   */
  private static String logicalId(String id) {
    return id.replaceAll("CurrentVersion[0-9A-Fa-f]{8}[0-9a-f]{32}$", "CurrentVersion<hash>");
  }
}

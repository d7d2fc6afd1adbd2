package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lambda refuses a function whose environment variables exceed 4 KB in total (keys and values): each function gets
 * only the settings sections it reads, and the largest of every environment's template must stay under the limit.
 */
class FunctionEnvironmentSizeTest {
  private static final int LAMBDA_LIMIT = 4096;
  // a reference resolved at deployment (a topic or state machine ARN, a table name) is counted as this many bytes:
  // the longest ARN these names can produce, checked below (about 115 with an 18-character environment name in the
  // longest partition and region); with one state machine ARN per scenario in the responders, a looser bound would
  // count hundreds of bytes that no deployment can use
  private static final int DEPLOYMENT_VALUE_BYTES = 128;
  private static final String LONGEST_ARN_HEAD = "arn:aws-us-gov:states:ap-southeast-5:123456789012:stateMachine:";

  @Test
  void everyReferenceFitsTheBoundItIsCountedAt() {
    String prefix = "a".repeat(EnvironmentConfig.ENV_NAME_MAX) + "-sentinel-dr";
    for (InfraScenario scenario : InfraScenarios.all()) {
      String arn = LONGEST_ARN_HEAD + Names.stateMachine(prefix, scenario.id());
      assertTrue(arn.length() <= DEPLOYMENT_VALUE_BYTES, arn + " is " + arn.length() + " bytes");
    }
    String topic = LONGEST_ARN_HEAD.replace(":states:", ":sns:").replace("stateMachine:", "")
        + Names.notificationsTopic(prefix);
    assertTrue(topic.length() <= DEPLOYMENT_VALUE_BYTES, topic);
    assertTrue((prefix + "-locks").length() <= DEPLOYMENT_VALUE_BYTES, "the lock table's name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", "local"})
  void theLargestFunctionEnvironmentFitsLambdasFourKilobytes(String env) {
    Synth synth = Synth.of(env);
    String largest = null;
    int largestBytes = 0;
    for (Map.Entry<String, JsonNode> fn : synth.resources("AWS::Lambda::Function").entrySet()) {
      JsonNode props = fn.getValue().path("Properties");
      int bytes = bytes(props.path("Environment").path("Variables"));
      if (bytes > largestBytes) {
        largestBytes = bytes;
        largest = props.path("FunctionName").asText();
      }
    }
    System.out.println("[" + env + "] largest function environment: " + largest + ", " + largestBytes
        + " bytes of Lambda's " + LAMBDA_LIMIT);
    assertTrue(largestBytes > 0 && largestBytes < LAMBDA_LIMIT, largest + " has " + largestBytes + " bytes");
  }

  /** Keys and values in UTF-8, references counted at their bound. */
  private static int bytes(JsonNode variables) {
    int total = 0;
    var fields = variables.fields();
    while (fields.hasNext()) {
      var variable = fields.next();
      total += variable.getKey().getBytes(StandardCharsets.UTF_8).length + valueBytes(variable.getValue());
    }
    return total;
  }

  private static int valueBytes(JsonNode value) {
    if (value.isTextual()) {
      return value.asText().getBytes(StandardCharsets.UTF_8).length;
    }
    if (value.has("Fn::Join")) {
      int total = 0;
      for (JsonNode part : value.path("Fn::Join").path(1)) {
        total += valueBytes(part);
      }
      return total;
    }
    return DEPLOYMENT_VALUE_BYTES;
  }
}

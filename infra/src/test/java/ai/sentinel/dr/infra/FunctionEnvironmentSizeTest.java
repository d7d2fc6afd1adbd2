package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lambda refuses a function whose environment variables exceed 4 KB in total (keys and values): each function gets
 * only the settings sections it reads, and the largest of every environment's template must stay under the limit.
 */
class FunctionEnvironmentSizeTest {
  private static final int LAMBDA_LIMIT = 4096;
  // a reference resolved at deployment (a topic or state machine ARN, a table name) is counted as this many bytes:
  // more than any ARN these names produce (a state machine ARN here is about 100)
  private static final int DEPLOYMENT_VALUE_BYTES = 256;

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

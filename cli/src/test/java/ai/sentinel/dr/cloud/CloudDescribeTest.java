package ai.sentinel.dr.cloud;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code cloud up} prints must work with the AWS CLI a user has: AWS CLI v2 before 2.13.0 (Debian 12's awscli
 * 2.9.19) and v1 before 1.29.0 ignore {@code AWS_ENDPOINT_URL} and call AWS itself ("Could not connect to the endpoint
 * URL: https://lambda.us-east-1.amazonaws.com/..."), so the output says so and gives the line that passes the
 * endpoint on every call.
 */
class CloudDescribeTest {
  private static final String ENDPOINT = "http://127.0.0.1:40123";

  @Test
  void tellsWhichCliVersionsFollowTheEndpointAndHowToPointOlderOnes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    CloudCommand command = new CloudCommand(Path.of("."), Path.of(".local", "cloud"), List.of("java"), out, out);
    command.describe(new CloudState(1, null, "local", ENDPOINT, "us-east-1", "http://127.0.0.1:40124", List.of(),
        Map.of("local-sentinel-dr-database-failure",
            "arn:aws:states:us-east-1:123456789012:stateMachine:local-sentinel-dr-database-failure"),
        List.of(), ENDPOINT + "/123456789012/local-oncall-inbox", 30));
    String text = bytes.toString(StandardCharsets.UTF_8);

    assertTrue(text.contains("  export AWS_ENDPOINT_URL=" + ENDPOINT + "\n"), text);
    assertTrue(text.contains("v2 from 2.13.0") && text.contains("v1 from 1.29.0"), text);
    // a shell function, so that the commands below, $(aws ...) included, stay as printed
    String function = "aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url \"$AWS_ENDPOINT_URL\"} \"$@\"; }";
    assertTrue(text.contains("\n  " + function + "\n"), text);
  }
}

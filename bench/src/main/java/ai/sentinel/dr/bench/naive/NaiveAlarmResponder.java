package ai.sentinel.dr.bench.naive;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/**
 * The same work as our {@code ai.sentinel.dr.trigger.AlarmResponder} on a CloudWatch alarm state change: classify
 * (ALARM on the protected instance's metric), execution name from the signal, DescribeExecution (already started?),
 * StartExecution. The state machine and dry-run come from the same environment variables ours reads.
 */
public class NaiveAlarmResponder implements RequestStreamHandler {

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode event = mapper.readTree(input);
    JsonNode detail = event.path("detail");
    String instance = System.getenv("DB_INSTANCE_ID");
    ObjectNode answer = mapper.createObjectNode();
    boolean ours = false;
    for (JsonNode m : detail.path("configuration").path("metrics")) {
      JsonNode metric = m.path("metricStat").path("metric");
      ours |= "AWS/RDS".equals(metric.path("namespace").asText())
          && instance.equals(metric.path("dimensions").path("DBInstanceIdentifier").asText());
    }
    if (!"CloudWatch Alarm State Change".equals(event.path("detail-type").asText())
        || !"ALARM".equals(detail.path("state").path("value").asText()) || !ours) {
      mapper.writeValue(output, answer.put("action", "ignore"));
      return;
    }
    String stateMachine = mapper.readTree(System.getenv("STATE_MACHINE_ARNS")).path("database-failure").asText();
    String dedupKey = "alarm:" + detail.path("alarmName").asText() + ":" + detail.path("state").path("timestamp")
        .asText();
    String name = "database-failure-" + instance + "-" + sha256(dedupKey).substring(0, 16);
    String executionArn = stateMachine.replace(":stateMachine:", ":execution:") + ":" + name;
    SfnClient sfn = SfnClient.create();
    try {
      try {
        sfn.describeExecution(r -> r.executionArn(executionArn));
        mapper.writeValue(output, answer.put("action", "ignore").put("reason", "duplicate"));
        return;
      } catch (ExecutionDoesNotExistException notYet) {
        // start it
      }
      ObjectNode recovery = mapper.createObjectNode().put("scenario", "database-failure").put("resource", instance)
          .put("executionName", name).put("environment", System.getenv("SENTINEL_ENV"));
      recovery.putObject("trigger").put("kind", "alarm").put("source", "eventbridge")
          .put("id", detail.path("alarmName").asText()).put("time", detail.path("state").path("timestamp").asText());
      recovery.putObject("options").put("snapshotId", "latest")
          .put("dryRun", Boolean.parseBoolean(System.getenv("DRY_RUN"))).put("pollSeconds", 30).put("maxPolls", 60);
      String started = sfn.startExecution(r -> r.stateMachineArn(stateMachine).name(name)
          .input(recovery.toString())).executionArn();
      mapper.writeValue(output, answer.put("action", "start").put("scenario", "database-failure")
          .put("resource", instance).put("dedupKey", dedupKey).put("executionArn", started));
    } finally {
      sfn.close();
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

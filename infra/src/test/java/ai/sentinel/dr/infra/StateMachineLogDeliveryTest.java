package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The state machines' log delivery (issue 10, IAM): CloudWatch Logs accepts deliveries into their log groups only from
 * this account and region (aws:SourceAccount, aws:SourceArn), and only into this environment's state machine log
 * groups; every state machine logs into one of them.
 */
class StateMachineLogDeliveryTest {

  /** The policy text with {@code Fn::Join}'s pseudo parameters written as ${AWS::AccountId}, then parsed. */
  private static JsonNode policy(JsonNode document) throws Exception {
    if (document.isTextual()) {
      return Synth.JSON.readTree(document.asText());
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : document.path("Fn::Join").get(1)) {
      text.append(part.isTextual() ? part.asText() : "${" + part.path("Ref").asText() + "}");
    }
    return Synth.JSON.readTree(text.toString());
  }

  @Test
  void onlyThisAccountsDeliveriesMayWriteAndOnlyToThisEnvironmentsStateMachineLogGroups() throws Exception {
    for (String env : List.of("dev", "prod")) {
      Synth s = Synth.of(env);
      List<JsonNode> policies = new ArrayList<>();
      s.json.path("Resources").forEach(r -> {
        if ("AWS::Logs::ResourcePolicy".equals(r.path("Type").asText())) {
          policies.add(r.path("Properties"));
        }
      });
      assertEquals(1, policies.size(), env + ": one resource policy for every state machine (10 per account)");
      JsonNode statements = policy(policies.get(0).path("PolicyDocument")).path("Statement");
      assertEquals(1, statements.size(), statements.toString());
      JsonNode st = statements.get(0);
      String logs = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}";
      assertEquals("Allow", st.path("Effect").asText());
      assertEquals("delivery.logs.amazonaws.com", st.path("Principal").path("Service").asText());
      assertEquals(Map.of("StringEquals", Map.of("aws:SourceAccount", "${AWS::AccountId}"),
          "ArnLike", Map.of("aws:SourceArn", logs + ":*")), Synth.JSON.convertValue(st.path("Condition"), Map.class),
          env + ": the confused-deputy conditions");
      assertEquals(List.of("logs:CreateLogStream", "logs:PutLogEvents"),
          Synth.JSON.convertValue(st.path("Action"), List.class));
      String groups = StateMachineLogDelivery.LOG_GROUP_PREFIX + s.config.prefix() + "-";
      assertEquals(logs + ":log-group:" + groups + "*:log-stream:*", st.path("Resource").asText());
      // every state machine logs into a group the policy covers, and nothing wider is granted
      List<String> named = new ArrayList<>();
      s.json.path("Resources").forEach(r -> {
        String name = r.path("Properties").path("LogGroupName").asText();
        if ("AWS::Logs::LogGroup".equals(r.path("Type").asText())
            && name.startsWith(StateMachineLogDelivery.LOG_GROUP_PREFIX)) {
          named.add(name);
        }
      });
      long machines = s.template.findResources("AWS::StepFunctions::StateMachine").size();
      assertEquals(machines, named.size(), named.toString());
      assertTrue(named.stream().allMatch(n -> n.startsWith(groups)), named.toString());
    }
  }
}

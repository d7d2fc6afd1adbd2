package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.localcloud.CloudTemplate.LambdaFunctionDef;
import ai.sentinel.dr.localcloud.CloudTemplate.RuleDef;
import ai.sentinel.dr.localcloud.CloudTemplate.StateMachineDef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CloudTemplateTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:";

  /** Physical ids as a local deployment would assign them. */
  private static final Map<String, String> REFS = Map.of(
      "AlertsTopic8F4E1B2C", "arn:aws:sns:us-east-1:123456789012:sentinel-dr-alerts",
      "StateTableA1B2C3D4", "sentinel-dr-state",
      "EchoFn5E6F7A8B", "sentinel-dr-echo",
      "EchoFnCurrentVersion9A8B7C6D0123456789abcdef", ARN + "sentinel-dr-echo:1",
      "FailFnC1D2E3F4", "fail",
      "RunbookF5A6B7C8", "arn:aws:states:us-east-1:123456789012:stateMachine:sentinel-dr-runbook",
      "Env", "staging");
  private static final Function<String, String> REF = REFS::get;
  private static final BiFunction<String, String, String> GET_ATT = (id, attribute) -> switch (attribute) {
    case "Arn" -> id.startsWith("FailFn") ? ARN + "fail" : "arn:aws:iam::123456789012:role/" + id;
    case "Endpoint.Address" -> id.toLowerCase() + ".cluster.local";
    default -> null;
  };

  private static CloudTemplate template;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = CloudTemplateTest.class.getResourceAsStream("cdk-stack.template.json")) {
      template = CloudTemplate.read(in);
    }
  }

  @Test
  void listsLambdaFunctions() {
    List<LambdaFunctionDef> functions = template.lambdaFunctions();
    assertEquals(List.of("EchoFn5E6F7A8B", "FailFnC1D2E3F4"),
        functions.stream().map(LambdaFunctionDef::logicalId).toList());
    LambdaFunctionDef echo = functions.get(0);
    assertEquals("sentinel-dr-echo", echo.functionName());
    assertEquals("ai.sentinel.dr.localcloud.EchoHandler::handleRequest", echo.handler());
    assertEquals("java17", echo.runtime());
    assertEquals("drill", echo.environment().get("MODE").asText());
    assertEquals("sentinel-dr-state", template.resolve(echo.environment().get("TABLE_NAME"), REF, GET_ATT).asText());
    LambdaFunctionDef fail = functions.get(1);
    assertNull(fail.functionName());
    assertTrue(fail.environment().isEmpty());
  }

  @Test
  void listsOtherResources() {
    assertEquals("sentinel-dr-alerts", template.topics().get(0).topicName());
    assertEquals("sentinel-dr-state", template.tables().get(0).tableName());
    StateMachineDef runbook = template.stateMachines().get(0);
    assertEquals("RunbookF5A6B7C8", runbook.logicalId());
    assertEquals("sentinel-dr-runbook", runbook.stateMachineName());
    assertTrue(runbook.definitionString().has("Fn::Join"));
    RuleDef rule = template.rules().get(0);
    assertEquals("aws.rds", rule.eventPattern().path("source").get(0).asText());
    assertNull(rule.scheduleExpression());
    assertEquals("RunbookF5A6B7C8", rule.targets().get(0).path("Arn").path("Ref").asText());
    assertEquals(2, template.resources("AWS::IAM::Role").size());
    assertEquals("AWS::Lambda::Version",
        template.resource("EchoFnCurrentVersion9A8B7C6D0123456789abcdef").orElseThrow().type());
    assertEquals(512, template.properties("EchoFn5E6F7A8B").path("MemorySize").asInt());
    assertFalse(template.resource("Nope").isPresent());
  }

  @Test
  void resolvesTheStateMachineDefinition() throws IOException {
    JsonNode asl = JSON.readTree(template.definition("RunbookF5A6B7C8", REF, GET_ATT));
    JsonNode states = asl.get("States");
    assertEquals("arn:aws:states:::lambda:invoke", states.at("/Echo/Resource").asText());
    assertEquals(ARN + "sentinel-dr-echo:1", states.at("/Echo/Parameters/FunctionName").asText());
    assertEquals(ARN + "fail", states.at("/Fail/Resource").asText());
    assertEquals("arn:aws:sns:us-east-1:123456789012:sentinel-dr-alerts",
        states.at("/Notify/Parameters/TopicArn").asText());
    assertEquals(300, asl.get("TimeoutSeconds").asInt());
  }

  @Test
  void resolvesRefsAndGetAttsInsideObjects() {
    JsonNode rule = template.resolve(template.properties("TriggerRule1A2B3C4D"), REF,
        (id, attribute) -> id.equals("RunbookRoleB1C2D3E4") ? "arn:aws:iam::123456789012:role/events" : null);
    assertEquals("arn:aws:iam::123456789012:role/events", rule.at("/Targets/0/RoleArn").asText());
    assertEquals(REFS.get("RunbookF5A6B7C8"), rule.at("/Targets/0/Arn").asText());
    assertEquals("RDS-EVENT-0069", rule.at("/EventPattern/detail/EventID/0").asText());
    JsonNode role = template.resolve(template.properties("EchoFnServiceRole1F2E3D4C"), REF, GET_ATT);
    assertEquals("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        role.at("/ManagedPolicyArns/0").asText());
  }

  @Test
  void subSupportsPseudoParametersVariablesAttributesAndEscapes() throws IOException {
    assertEquals("cdk-hnb659fds-assets-123456789012-us-east-1",
        template.resolve(template.properties("EchoFn5E6F7A8B").at("/Code/S3Bucket"), REF, GET_ATT).asText());
    assertEquals("arn:aws:sns:eu-west-1:111122223333:alerts-staging-x.amazonaws.com ${Literal}",
        resolve(template.withEnvironment("eu-west-1", "111122223333"),
            "{\"Fn::Sub\":\"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts-${Env}-x."
                + "${AWS::URLSuffix} ${!Literal}\"}"));
    assertEquals("db=db.cluster.local name=sentinel-dr-echo topic=t",
        resolve(template, "{\"Fn::Sub\":[\"db=${Db.Endpoint.Address} name=${EchoFn5E6F7A8B} topic=${T}\","
            + "{\"T\":{\"Fn::Select\":[0,{\"Fn::Split\":[\",\",\"t,u\"]}]}}]}"));
    assertEquals("arn:aws-cn:s3:::b.amazonaws.com.cn",
        resolve(template.withEnvironment("cn-north-1", "1"), "{\"Fn::Sub\":\"arn:${AWS::Partition}:s3:::b."
            + "${AWS::URLSuffix}\"}"));
  }

  @Test
  void getAttDottedFormJoinSelectSplitAndNoValue() throws IOException {
    assertEquals(ARN + "fail", resolve(template, "{\"Fn::GetAtt\":\"FailFnC1D2E3F4.Arn\"}"));
    assertEquals("db.cluster.local", resolve(template, "{\"Fn::GetAtt\":[\"Db\",\"Endpoint.Address\"]}"));
    assertEquals("b", resolve(template, "{\"Fn::Select\":[\"1\",[\"a\",\"b\"]]}"));
    assertEquals("a-b-c", resolve(template, "{\"Fn::Join\":[\"-\",{\"Fn::Split\":[\"/\",\"a/b/c\"]}]}"));
    JsonNode noValue = template.resolve(
        JSON.readTree("{\"A\":{\"Ref\":\"AWS::NoValue\"},\"B\":[1,{\"Ref\":\"AWS::NoValue\"}],\"C\":\"c\"}"), REF,
        GET_ATT);
    assertEquals(JSON.readTree("{\"B\":[1],\"C\":\"c\"}"), noValue);
  }

  @Test
  void unsupportedIntrinsicsAndUnknownReferencesFailClearly() {
    IllegalArgumentException unsupported = assertThrows(IllegalArgumentException.class,
        () -> resolve(template, "{\"Fn::If\":[\"IsProd\",\"a\",\"b\"]}"));
    assertTrue(unsupported.getMessage().contains("Unsupported intrinsic function Fn::If"),
        unsupported.getMessage());
    IllegalArgumentException ref = assertThrows(IllegalArgumentException.class,
        () -> resolve(template, "{\"Ref\":\"Missing\"}"));
    assertTrue(ref.getMessage().contains("Missing"));
    IllegalArgumentException att = assertThrows(IllegalArgumentException.class,
        () -> resolve(template, "{\"Fn::GetAtt\":[\"X\",\"Nope\"]}"));
    assertTrue(att.getMessage().contains("X.Nope"));
    assertThrows(IllegalArgumentException.class, () -> CloudTemplate.parse("{\"Outputs\":{}}"));
  }

  /**
   * A stack that references another stack's resource (CDK: an export there, {@code Fn::ImportValue} here) resolves
   * it from the exports it is deployed with, keeps them across withEnvironment, and names a missing one.
   */
  @Test
  void importValueReadsTheExportsOfTheStacksDeployedBefore() throws IOException {
    String json = "{\"Fn::Join\":[\"\",[\"arn:aws:s3:::\",{\"Fn::ImportValue\":\"local-sentinel-dr:ExportsOutputRef"
        + "Bucket\"},\"/reports/*\"]]}";
    CloudTemplate deployed = template.withImports(Map.of("local-sentinel-dr:ExportsOutputRefBucket", "reports-b"));
    assertEquals("arn:aws:s3:::reports-b/reports/*", resolve(deployed, json));
    assertEquals("arn:aws:s3:::reports-b/reports/*", resolve(deployed.withEnvironment("eu-west-1", "1"), json));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> resolve(template, json));
    assertTrue(missing.getMessage().contains("Cannot resolve Fn::ImportValue local-sentinel-dr:ExportsOutputRef"
        + "Bucket"), missing.getMessage());
  }

  private static String resolve(CloudTemplate t, String json) throws IOException {
    return t.resolve(JSON.readTree(json), REF, GET_ATT).asText();
  }
}

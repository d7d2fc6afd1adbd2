package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.localcloud.AwsRequests.Protocol;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsRequestsTest {

  private static final String SNS_AUTH = "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/sns/aws4_request, "
      + "SignedHeaders=amz-sdk-invocation-id;host;x-amz-date, Signature=abc123";

  @Test
  void serviceAndRegionComeFromTheCredentialScope() {
    assertEquals("sns", AwsRequests.service(SNS_AUTH, Map.of()));
    assertEquals("us-east-1", AwsRequests.region(SNS_AUTH));
    assertEquals("states", AwsRequests.service(
        "AWS4-HMAC-SHA256 Credential=ak/20261125/eu-west-1/states/aws4_request,SignedHeaders=host,Signature=x",
        Map.of()));
  }

  @Test
  void presignedRequestsCarryTheScopeInTheQuery() {
    assertEquals("s3", AwsRequests.service(null,
        AwsRequests.parseForm("X-Amz-Credential=test%2F20261125%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=60")));
  }

  @Test
  void unsignedRequestsAreUnknown() {
    assertEquals("unknown", AwsRequests.service(null, Map.of()));
    assertEquals("unknown", AwsRequests.service("Bearer x", Map.of()));
  }

  @Test
  void jsonProtocolActionIsTheTargetAfterTheDot() {
    assertEquals("StartExecution", AwsRequests.action("POST", "/", "AWSStepFunctions.StartExecution", Map.of()));
    assertEquals("PutItem", AwsRequests.action("POST", "/", "DynamoDB_20120810.PutItem", Map.of()));
    assertEquals(Protocol.JSON, AwsRequests.protocol("AWSStepFunctions.StartExecution", Map.of()));
  }

  @Test
  void queryProtocolActionComesFromTheFormBody() {
    byte[] body = "Action=CreateTopic&Name=alerts&Version=2010-03-31".getBytes(StandardCharsets.UTF_8);
    Map<String, String> params =
        AwsRequests.parameters(null, "application/x-www-form-urlencoded; charset=utf-8", body);
    assertEquals("CreateTopic", AwsRequests.action("POST", "/", null, params));
    assertEquals(Protocol.QUERY, AwsRequests.protocol(null, params));
  }

  @Test
  void queryProtocolActionMayBeInTheQueryString() {
    Map<String, String> params = AwsRequests.parameters("Action=DescribeInstances&Version=2016-11-15", null,
        new byte[0]);
    assertEquals("DescribeInstances", AwsRequests.action("GET", "/", null, params));
  }

  @Test
  void restCallsAreMethodAndPath() {
    Map<String, String> params = AwsRequests.parameters(null, "application/json", "{\"Action\":1}".getBytes());
    assertEquals("GET /2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f",
        AwsRequests.action("GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af", null,
            params));
    assertEquals(Protocol.REST, AwsRequests.protocol(null, params));
  }

  @Test
  void percentDecodingKeepsPlusAndBadEscapes() {
    assertEquals("a+b c%zz%", AwsRequests.percentDecode("a+b%20c%zz%"));
    assertEquals("é", AwsRequests.percentDecode("%C3%A9"));
    assertEquals("a b", AwsRequests.parseForm("x=a+b").get("x"));
  }

  @Test
  void mutatingHeuristic() {
    assertTrue(call("CreateTopic").mutating());
    assertTrue(call("Invoke:echo").mutating());
    assertTrue(call("POST /2015-03-31/functions").mutating());
    assertFalse(call("DescribeDBClusters").mutating());
    assertFalse(call("ListTopics").mutating());
    assertFalse(call("GET /2015-03-31/functions/").mutating());
  }

  private static CallRecord call(String action) {
    return new CallRecord(Instant.now(), "x", action, 200, false);
  }
}

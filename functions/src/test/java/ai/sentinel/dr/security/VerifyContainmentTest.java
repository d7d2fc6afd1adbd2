package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.IPSet;

/** VerifyContainment: each recorded containment read back from AWS; a missing one fails the verification. */
class VerifyContainmentTest {
  private Wafv2Client waf;
  private SecretsManagerClient secrets;
  private S3Client s3;
  private EcsClient ecs;
  private String current = "new-version";
  private int desired = 3;

  @BeforeEach
  void setUp() {
    waf = Fixtures.sdkMock(Wafv2Client.class);
    secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    s3 = Fixtures.sdkMock(S3Client.class);
    ecs = Fixtures.sdkMock(EcsClient.class);
    ipSet(List.of("192.0.2.200/32", "203.0.113.77/32"));
    when(secrets.describeSecret(any(DescribeSecretRequest.class))).thenAnswer(i -> DescribeSecretResponse.builder()
        .versionIdsToStages(current.equals("new-version")
            ? Map.of("new-version", List.of("AWSCURRENT"), "old-version", List.of("AWSPREVIOUS"))
            : Map.of("old-version", List.of("AWSCURRENT"), "new-version", List.of("AWSPENDING"))).build());
    when(s3.headObject(any(HeadObjectRequest.class))).thenReturn(HeadObjectResponse.builder().contentLength(812L)
        .build());
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(i -> DescribeServicesResponse.builder()
        .services(Service.builder().serviceName("sentinel-api").desiredCount(desired).runningCount(desired).build())
        .build());
  }

  private void ipSet(List<String> addresses) {
    when(waf.getIPSet(any(GetIpSetRequest.class))).thenReturn(GetIpSetResponse.builder().lockToken("t")
        .ipSet(IPSet.builder().name("sentinel-blocklist").addresses(addresses).build()).build());
  }

  private static Recovery contained(boolean dryRun) {
    Recovery r = IsolateTest.breach(dryRun);
    SecurityState s = r.part(SecurityState.PART)
        .withBlocks(new SecurityState.Blocks(List.of("203.0.113.77/32"), List.of(), "2026-01-18T10:05:00Z", 2, 1))
        .withIsolation(new SecurityState.Isolation("sentinel-production", "sentinel-api", 3, "2026-01-17T10:06:00Z"));
    RotationState rotation = new RotationState(Map.of("sentinel/jwt-secret", new RotationState.Secret("old-version",
        "new-version", "2026-01-17T10:05:10Z", "2026-01-17T10:05:30Z")), true, 2);
    EvidenceState evidence = new EvidenceState("dev-sentinel-dr-evidence-us-east-1", "incidents/x/", null, null, "e1",
        null, List.of(new EvidenceState.EvidenceObject("incidents/x/signal.json", 10, "ab")),
        "incidents/x/manifest.json", true, 1, null, 365);
    return r.with(SecurityState.PART, s).with(RotationState.PART, rotation).with(EvidenceState.PART, evidence);
  }

  private Recovery run(Recovery r) {
    return StepHarness.invoke(new VerifyContainment(Fixtures.deps(waf, secrets, s3, ecs)), r);
  }

  private static Result result(Recovery r, String name) {
    return r.verification().checks().stream().filter(c -> c.name().equals(name)).map(Check::result).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not checked: " + r.verification().checks()));
  }

  /** An unverified containment fails the step, naming each check that failed: the execution cannot succeed. */
  private String failure(Recovery r) {
    return assertThrows(VerificationFailedError.class, () -> run(r)).getMessage();
  }

  @Test
  void everyContainmentReadBackPassesAndTheVerifiedEntryEndsTheRto() {
    Recovery out = run(contained(false));
    assertTrue(out.verification().verified(), out.verification().toString());
    assertEquals(List.of("blocked at WAF", "rotated sentinel/jwt-secret", "evidence preserved", "service restored"),
        out.verification().checks().stream().map(Check::name).toList());
    var last = out.timeline().get(out.timeline().size() - 1);
    assertEquals("VerifyContainment", last.step());
    assertEquals("verified", last.event());
    assertTrue(new SecurityIncidentReport().verifySteps().contains(last.step()), "this entry ends the report's RTO");
  }

  @Test
  void aBlockThatIsNotInTheIpSetFails() {
    ipSet(List.of("192.0.2.200/32"));
    String why = failure(contained(false));
    assertTrue(why.contains("blocked at WAF: not in the IP set: [203.0.113.77/32]"), why);
    assertFalse(why.contains("rotated sentinel/jwt-secret"), "only what failed: " + why);
  }

  @Test
  void aSecretWhoseRotationStoppedWithAwsCurrentOnTheOldVersionFails() {
    current = "old-version";
    String why = failure(contained(false));
    assertTrue(why.contains("rotated sentinel/jwt-secret: AWSCURRENT is version old-version, expected new-version"),
        why);
  }

  @Test
  void aMissingManifestAndAServiceNotBackFail() {
    when(s3.headObject(any(HeadObjectRequest.class))).thenThrow(NoSuchKeyException.builder().statusCode(404)
        .message("missing").build());
    desired = 1;
    String why = failure(contained(false));
    assertTrue(why.contains("evidence preserved: manifest s3://dev-sentinel-dr-evidence-us-east-1/"
        + "incidents/x/manifest.json is missing"), why);
    assertTrue(why.contains("service restored: sentinel-api desired 1"), why);
    assertFalse(why.contains("blocked at WAF"), why);
  }

  @Test
  void nothingRecordedToVerifyIsNotASuccess() {
    String why = failure(IsolateTest.breach(false));
    assertTrue(why.contains("no containment was recorded"), why);
  }

  @Test
  void aDryRunReadsNothing() {
    Recovery out = run(contained(true));
    assertEquals(Result.SKIP, out.verification().checks().get(0).result());
    verify(waf, never()).getIPSet(any(GetIpSetRequest.class));
    verify(secrets, never()).describeSecret(any(DescribeSecretRequest.class));
  }
}

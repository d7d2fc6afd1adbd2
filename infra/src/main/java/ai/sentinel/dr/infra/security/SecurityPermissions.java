package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.security.SecuritySettings;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * IAM of the Scenario 6 step functions (Service Authorization Reference, AWS WAF V2): Assess reads only the recovery
 * document and gets nothing; BlockIps may GetIPSet and UpdateIPSet on the configured IP set only
 * ({@code <scope>/ipset/<name>/<id>}, the id a wildcard when cdk.json leaves it to be looked up) and ListIPSets,
 * which AWS authorizes on no resource, only when the id must be looked up. A CLOUDFRONT IP set is global: its ARN is
 * in us-east-1 with {@code global/}. RevokeApiKeys reads the application database's URL secret
 * ({@code security.apiKeys.secretId}) and nothing else in AWS.
 */
final class SecurityPermissions {
  private static final List<String> IP_SET = List.of("wafv2:GetIPSet", "wafv2:UpdateIPSet");

  private final SecuritySettings security;
  private final Arns arns;
  private final String ipSetArn;

  SecurityPermissions(Construct scope, EnvironmentConfig config) {
    this.security = config.require(SecuritySettings.class);
    this.arns = new Arns(scope);
    SecuritySettings.IpSet set = security.ipSet();
    boolean global = "CLOUDFRONT".equals(set.scope());
    this.ipSetArn = Stack.of(scope).formatArn(ArnComponents.builder().service("wafv2")
        .region(global ? "us-east-1" : null)
        .resource(global ? "global" : "regional")
        .resourceName("ipset/" + set.name() + "/" + (set.id() == null ? "*" : set.id()))
        .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  void grantBlockIps(RunbookFunction blockIps) {
    blockIps.allow(IP_SET, List.of(ipSetArn));
    if (security.ipSet().id() == null) {
      blockIps.allow(List.of("wafv2:ListIPSets"), List.of("*"));
      Nag.suppressFindings(blockIps.role(), Nag.IAM5, "security.ipSet.id is not configured: the IP set is found by "
          + "name with wafv2:ListIPSets, which supports no resource-level permission (read-only), and GetIPSet/"
          + "UpdateIPSet are scoped to the configured name with any id", "/^Resource::\\*$/",
          Nag.arnFinding("wafv2", "(regional|global)\\/ipset\\/" + Nag.literal(security.ipSet().name()) + "\\/\\*"));
    }
  }

  void grantRevokeApiKeys(RunbookFunction revokeApiKeys) {
    revokeApiKeys.allow(List.of("secretsmanager:GetSecretValue"), List.of(arns.secret(security.apiKeys().secretId())));
  }

  /**
   * RotateSecrets may start a rotation of the configured secrets (and pass their attached functions, which AWS checks
   * with lambda:InvokeFunction); WaitForRotation may only describe them.
   */
  void grantRotation(RunbookFunction rotate, RunbookFunction waitForRotation, RunbookFunction jwt,
      RunbookFunction database) {
    List<String> secrets = security.rotation().secretIds().stream().map(arns::secret).toList();
    rotate.allow(List.of("secretsmanager:DescribeSecret", "secretsmanager:RotateSecret"), secrets);
    rotate.allow(List.of("lambda:InvokeFunction"), List.of(jwt.live().getFunctionArn(),
        database.live().getFunctionArn()));
    waitForRotation.allow(List.of("secretsmanager:DescribeSecret"), secrets);
  }

  /**
   * PreserveEvidence: snapshot only the configured database as {@code <instance>-evidence-*}, export only the
   * configured log group, write only under incidents/ of the evidence bucket; WaitForEvidence: the same export (when
   * the account's one export slot was busy), describe the snapshot, list and read back the incident's objects to hash
   * them, write the manifest. CloudWatch Logs' DescribeExportTasks supports no resource: read-only, on '*'.
   */
  void grantEvidence(RunbookFunction preserve, RunbookFunction waitForEvidence, EvidenceBucket bucket,
      String dbInstance) {
    SecuritySettings.Evidence evidence = security.evidence();
    String snapshots = arns.colon("rds", "snapshot", dbInstance + "-evidence-*");
    String logGroup = arns.logGroup(evidence.logGroup());
    for (RunbookFunction fn : List.of(preserve, waitForEvidence)) {
      fn.allow(List.of("logs:CreateExportTask"), List.of(logGroup));
      fn.allow(List.of("logs:DescribeExportTasks"), List.of("*"));
      fn.allow(List.of("rds:DescribeDBSnapshots"), List.of(snapshots));
      fn.allow(List.of("s3:PutObject"), List.of(bucket.objects()));
      Nag.suppressFindings(fn.role(), Nag.IAM5, "Evidence is named per incident at run time: objects under "
          + "incidents/ of the evidence bucket, snapshots <instance>-evidence-<incident>, the configured log group's "
          + "streams; logs:DescribeExportTasks supports no resource-level permission (read-only)",
          "/^Resource::\\*$/", "/^Resource::<[A-Za-z0-9]+\\.Arn>\\/incidents\\/\\*$/",
          Nag.arnFinding("rds", "snapshot:" + Nag.literal(dbInstance) + "-evidence-\\*"),
          Nag.arnFinding("logs", "log-group:" + Nag.literal(evidence.logGroup()) + ":\\*"));
    }
    preserve.allow(List.of("rds:CreateDBSnapshot"), List.of(arns.colon("rds", "db", dbInstance), snapshots));
    preserve.allow(List.of("rds:AddTagsToResource"), List.of(snapshots));
    waitForEvidence.allow(List.of("s3:ListBucket"), List.of(bucket.bucket().getBucketArn()),
        Map.of("StringLike", Map.of("s3:prefix", List.of(EvidenceBucket.PREFIX + "*"))));
    waitForEvidence.allow(List.of("s3:GetObject"), List.of(bucket.objects()));
  }

  /**
   * VerifyContainment reads back: the IP set (GetIPSet; ListIPSets when its id is looked up), the rotated secrets'
   * versions, the evidence manifest, the isolated service's count. Nothing it may change.
   */
  void grantVerify(RunbookFunction verify, String cluster) {
    verify.allow(List.of("wafv2:GetIPSet"), List.of(ipSetArn));
    if (security.ipSet().id() == null) {
      verify.allow(List.of("wafv2:ListIPSets"), List.of("*"));
      Nag.suppressFindings(verify.role(), Nag.IAM5, "security.ipSet.id is not configured: the IP set is found by "
          + "name with wafv2:ListIPSets, which supports no resource-level permission (read-only), and GetIPSet is "
          + "scoped to the configured name with any id", "/^Resource::\\*$/",
          Nag.arnFinding("wafv2", "(regional|global)\\/ipset\\/" + Nag.literal(security.ipSet().name()) + "\\/\\*"));
    }
    if (security.rotation() != null) {
      verify.allow(List.of("secretsmanager:DescribeSecret"),
          security.rotation().secretIds().stream().map(arns::secret).toList());
    }
    if (security.isolation() != null) {
      verify.allow(List.of("ecs:DescribeServices"), List.of(arns.ecsService(cluster, security.isolation().service())));
    }
  }

  /** Grants VerifyContainment the read of the manifests in the evidence bucket. */
  void grantVerifyEvidence(RunbookFunction verify, EvidenceBucket bucket) {
    verify.allow(List.of("s3:GetObject"), List.of(bucket.objects()));
    Nag.suppressFindings(verify.role(), Nag.IAM5, "Evidence is named per incident at run time: the manifests under "
        + "incidents/ of the evidence bucket (read only)", "/^Resource::<[A-Za-z0-9]+\\.Arn>\\/incidents\\/\\*$/");
  }

  /**
   * Investigate reads the application database's URL secret and searches the API's log group (FilterLogEvents on its
   * streams); nothing it may change.
   */
  void grantInvestigate(RunbookFunction investigate) {
    investigate.allow(List.of("secretsmanager:GetSecretValue"), List.of(arns.secret(security.apiKeys().secretId())));
    if (security.evidence() != null) {
      investigate.allow(List.of("logs:FilterLogEvents"), List.of(arns.logGroup(security.evidence().logGroup())));
      Nag.suppressFindings(investigate.role(), Nag.IAM5, "FilterLogEvents reads the configured log group's streams "
          + "(read-only)", Nag.arnFinding("logs", "log-group:" + Nag.literal(security.evidence().logGroup()) + ":\\*"));
    }
  }

  /** Isolate changes the desired count of the isolated service only. */
  void grantIsolate(RunbookFunction isolate, String cluster) {
    isolate.allow(List.of("ecs:DescribeServices", "ecs:UpdateService"),
        List.of(arns.ecsService(cluster, security.isolation().service())));
  }

  /**
   * RestoreGradually changes the desired count of the isolated service only and reads its target group's health
   * (elasticloadbalancing:Describe* supports no resource).
   */
  void grantRestore(RunbookFunction restore, String cluster) {
    grantIsolate(restore, cluster);
    // the step's error rate: GetMetricData (and a load balancer named, not given as app/NAME/ID, looked up)
    restore.allow(List.of("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeLoadBalancers", "cloudwatch:GetMetricData"), List.of("*"));
    Nag.suppressFindings(restore.role(), Nag.IAM5, "elasticloadbalancing:DescribeTargetGroups/DescribeTargetHealth/"
        + "DescribeLoadBalancers and cloudwatch:GetMetricData support no resource-level permission (read-only)",
        "/^Resource::\\*$/");
  }
}

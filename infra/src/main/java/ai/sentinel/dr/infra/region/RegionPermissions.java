package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.region.RegionSettings;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/**
 * Scenario 4's IAM. The DR stack's functions act in two regions, so every ARN here names its region: the primary's
 * (read only) or the DR region's (where the failover creates and changes things).
 */
final class RegionPermissions {
  private final Stack stack;
  private final RegionSettings region;

  RegionPermissions(Stack stack, RegionSettings region) {
    this.stack = stack;
    this.region = region;
  }

  /** {@code arn:<partition>:<service>:<region>:<account>:<resource>:<name>} in {@code inRegion}. */
  String arn(String inRegion, String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().region(inRegion).service(service).resource(resource)
        .resourceName(name).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
  }

  /** {@code arn:<partition>:<service>:<region>:<account>:<resource>/<name>} in {@code inRegion}. */
  String slash(String inRegion, String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().region(inRegion).service(service).resource(resource)
        .resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  /**
   * CopySnapshots: reads the primary instance's snapshots, copies one into the DR region (tagged) with the DR key,
   * deletes only copies of its own name.
   */
  void copySnapshots(RunbookFunction fn) {
    String primary = region.primaryRegion();
    String dr = region.drRegion();
    String copies = arn(dr, "rds", "snapshot", region.copyPrefix() + "*");
    fn.allow(List.of("rds:DescribeDBSnapshots"), List.of(arn(primary, "rds", "db", region.sourceInstanceId()),
        arn(primary, "rds", "snapshot", "*"), arn(dr, "rds", "snapshot", "*")));
    fn.allow(List.of("rds:CopyDBSnapshot"), List.of(arn(primary, "rds", "snapshot", "*"), copies));
    fn.allow(List.of("rds:AddTagsToResource", "rds:DeleteDBSnapshot"), List.of(copies));
    // the copy is encrypted with the DR key: RDS uses it on the function's behalf, and only RDS in the DR region may
    fn.allow(List.of("kms:DescribeKey", "kms:CreateGrant"), List.of(slash(dr, "kms", "key", "*")),
        Map.of("StringEquals", Map.of("kms:ViaService", "rds." + dr + ".amazonaws.com")));
    Nag.suppressFindings(fn, Nag.IAM5, "DescribeDBSnapshots lists snapshots whose names are not known in advance "
        + "(automated rds:<instance>-<time>, manual ones) and CopyDBSnapshot reads the newest of them in the primary "
        + "region; writes and deletes are limited to the copies' own name prefix in the DR region; the DR key is "
        + "usable only through RDS in the DR region (kms:ViaService), and may be given by alias",
        Nag.arnFinding("rds", "snapshot:\\*"), Nag.arnFinding("rds", "snapshot:" + Nag.literal(region.copyPrefix())
            + "\\*"), Nag.arnFinding("kms", "key/\\*"));
  }
}

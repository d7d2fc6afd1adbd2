package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.security.SecuritySettings;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectLockRetention;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * Where a security incident's evidence is kept ({@code security.evidence.bucket}, {@code incidents/<execution>/}):
 * encrypted (SSE-S3, which CloudWatch Logs exports support), versioned, S3 Object Lock on every object for
 * {@code retentionDays} (governance mode), and a bucket policy that denies deleting any object or version and bypassing
 * the lock to every principal, this stack's included. CloudWatch Logs may write exports into it for this account only.
 * The bucket outlives the stack (retained), and its access is logged to a bucket of its own.
 */
final class EvidenceBucket extends Construct {
  static final String PREFIX = "incidents/";
  private final Bucket bucket;

  EvidenceBucket(Construct scope, String id, SecuritySettings.Evidence evidence) {
    super(scope, id);
    Bucket accessLogs = Bucket.Builder.create(this, "AccessLogs")
        .encryption(BucketEncryption.S3_MANAGED)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
        .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(365)).build()))
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    Nag.suppress(accessLogs, "AwsSolutions-S1", "This is the access-log bucket of the evidence bucket; logging it "
        + "to itself or a third bucket would only recurse");
    bucket = Bucket.Builder.create(this, "Bucket")
        .bucketName(evidence.bucket())
        .encryption(BucketEncryption.S3_MANAGED)
        .versioned(true)
        .objectLockEnabled(true)
        .objectLockDefaultRetention(ObjectLockRetention.governance(Duration.days(evidence.retentionDays())))
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .serverAccessLogsBucket(accessLogs)
        .serverAccessLogsPrefix("evidence-bucket/")
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    bucket.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("EvidenceIsNeverDeleted")
        .effect(Effect.DENY)
        .principals(List.of(new AnyPrincipal()))
        .actions(List.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention",
            "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration"))
        .resources(List.of(bucket.getBucketArn(), bucket.arnForObjects("*")))
        .build());
    String account = Stack.of(this).getAccount();
    ServicePrincipal logs = new ServicePrincipal("logs.amazonaws.com");
    bucket.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("CloudWatchLogsExportAcl")
        .principals(List.of(logs))
        .actions(List.of("s3:GetBucketAcl"))
        .resources(List.of(bucket.getBucketArn()))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", account)))
        .build());
    bucket.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("CloudWatchLogsExportWrite")
        .principals(List.of(logs))
        .actions(List.of("s3:PutObject"))
        .resources(List.of(bucket.arnForObjects(PREFIX + "*")))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", account,
            "s3:x-amz-acl", "bucket-owner-full-control")))
        .build());
  }

  Bucket bucket() {
    return bucket;
  }

  /** PutObject under incidents/ (the signal, the manifest). */
  String objects() {
    return bucket.arnForObjects(PREFIX + "*");
  }
}

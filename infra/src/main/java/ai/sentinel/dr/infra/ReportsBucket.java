package ai.sentinel.dr.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NoncurrentVersionTransition;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * Where every recovery's post-incident report lands ({@code reports/<scenario>/<execution>.md} and {@code .json}):
 * encrypted, versioned (a report is evidence: an overwrite keeps the earlier version), private, SSL only, access
 * logged, and aged to cheaper storage by a lifecycle rule.
 */
public final class ReportsBucket extends Construct {
  /** Key prefix the Report function writes under; its permission is scoped to it. */
  public static final String PREFIX = "reports/";

  /**
   * @param removalPolicy RETAIN in production (reports outlive the stack), DESTROY elsewhere
   */
  public record Props(RemovalPolicy removalPolicy) {}

  private final Bucket bucket;

  public ReportsBucket(Construct scope, String id, Props props) {
    super(scope, id);
    Bucket accessLogs = Bucket.Builder.create(this, "AccessLogs")
        .encryption(BucketEncryption.S3_MANAGED)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
        .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(365)).build()))
        .removalPolicy(props.removalPolicy())
        .autoDeleteObjects(false)
        .build();
    Nag.suppress(accessLogs, "AwsSolutions-S1", "This is the access-log bucket of the reports bucket; logging it "
        + "to itself or a third bucket would only recurse");
    bucket = Bucket.Builder.create(this, "Bucket")
        .encryption(BucketEncryption.S3_MANAGED)
        .versioned(true)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .serverAccessLogsBucket(accessLogs)
        .serverAccessLogsPrefix("reports-bucket/")
        .lifecycleRules(List.of(LifecycleRule.builder()
            .transitions(List.of(Transition.builder().storageClass(StorageClass.INFREQUENT_ACCESS)
                .transitionAfter(Duration.days(90)).build()))
            .noncurrentVersionTransitions(List.of(NoncurrentVersionTransition.builder()
                .storageClass(StorageClass.GLACIER).transitionAfter(Duration.days(30)).build()))
            .noncurrentVersionExpiration(Duration.days(365))
            .build()))
        .removalPolicy(props.removalPolicy())
        .autoDeleteObjects(false)
        .build();
  }

  public Bucket bucket() {
    return bucket;
  }

  /** Only what the Report function does: put objects under {@link #PREFIX}. */
  public void grantWriteReports(RunbookFunction function) {
    function.allow(List.of("s3:PutObject"), List.of(bucket.arnForObjects(PREFIX + "*")));
    Nag.suppressFindings(function, Nag.IAM5, "Report keys are named after each execution at run time "
        + "(reports/<scenario>/<execution>.md|json): the grant is PutObject under the reports/ prefix of this one "
        + "bucket", "/^Resource::<[A-Za-z0-9]+\\.Arn>\\/reports\\/\\*$/");
  }
}

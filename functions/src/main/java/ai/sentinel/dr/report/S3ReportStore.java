package ai.sentinel.dr.report;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Reports in an S3 bucket. Encryption at rest is the bucket's default encryption (set by the stack), so a KMS key
 * chosen there applies here too. Needs s3:PutObject on {@code <bucket>/reports/*} only.
 */
public final class S3ReportStore implements ReportStore {
  private final S3Client s3;
  private final String bucket;

  public S3ReportStore(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  @Override
  public String put(String key, byte[] body, String contentType) {
    s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(),
        RequestBody.fromBytes(body));
    return "s3://" + bucket + "/" + key;
  }

  public String bucket() {
    return bucket;
  }
}

package ai.sentinel.dr.report;

/** Where reports are kept. S3 in AWS ({@link S3ReportStore}); a fake in tests. */
public interface ReportStore {

  /**
   * Stores one object, replacing any object with the same key (a retried step writes the same report again).
   *
   * @return where it was stored, e.g. s3://bucket/key, for the timeline
   */
  String put(String key, byte[] body, String contentType);
}

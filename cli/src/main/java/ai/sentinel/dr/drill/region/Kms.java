package ai.sentinel.dr.drill.region;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * A KMS call signed for a region (the cli has no KMS module; the seed needs two JSON calls): moto checks that a
 * copy's KmsKeyId exists, as AWS does, so the DR region gets its key.
 */
final class Kms {
  private Kms() {}

  static String call(URI endpoint, String region, String target, String body) throws IOException,
      InterruptedException {
    var unsigned = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
        .putHeader("Content-Type", "application/x-amz-json-1.1").putHeader("X-Amz-Target", "TrentService." + target)
        .build();
    var signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsBasicCredentials.create("test", "test"))
        .request(unsigned).payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms").putProperty(AwsV4HttpSigner.REGION_NAME, region));
    var request = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString(body));
    signed.request().headers().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
        v.forEach(x -> request.header(k, x));
      }
    });
    HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("KMS " + target + " in " + region + ": HTTP " + response.statusCode() + " "
          + response.body());
    }
    return response.body();
  }
}

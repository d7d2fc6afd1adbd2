package ai.sentinel.dr.common;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;

/**
 * One POST signed with the SDK's SigV4 signer and sent with the JDK's HTTP client, for the few APIs whose SDK module
 * the jar does without (EC2's DescribeAvailabilityZones, SES, Health): bounded by a whole-call timeout, which a
 * failover's evidence needs when a region does not answer.
 */
public final class SignedPost {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // the JDK's client sets these itself (with the values signed) and refuses them as headers
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect");

  private SignedPost() {}

  /**
   * Signs {@code body} for {@code signingName} in {@code region} and sends it to {@code uri} with {@code headers}.
   *
   * @param what names the call in a client error ("DescribeEvents in us-east-1: ...")
   * @throws SdkClientException no answer within {@code timeout}, or none at all
   */
  public static HttpResponse<String> send(URI uri, Map<String, String> headers, String body, String signingName,
      Region region, AwsCredentialsProvider credentials, Duration timeout, String what) {
    SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(uri);
    headers.forEach(unsigned::putHeader);
    var signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
        .request(unsigned.build()).payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    signed.request().headers().forEach((name, values) -> {
      if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw SdkClientException.create(what + " in " + region.id() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SdkClientException.create(what + " in " + region.id() + " interrupted", e);
    }
  }
}

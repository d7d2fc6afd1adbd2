package ai.sentinel.dr.common;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

/**
 * EC2 DescribeAvailabilityZones of one region (the runbook's "aws ec2 describe-availability-zones"), built by
 * {@link Clients#availabilityZones()}. An interface so that unit tests give a mock, like any client.
 */
public interface AvailabilityZones {

  /** One zone: its name (us-east-1a) and state (available, information, impaired, unavailable). */
  record Zone(String name, String state) {}

  /**
   * The region's zones.
   *
   * @param timeout the whole call's limit
   * @throws AwsServiceException an error answer of EC2 (its code, its HTTP status)
   * @throws SdkClientException  no answer within {@code timeout}, or none at all
   */
  List<Zone> describe(Duration timeout);

  /** The Query API call, SigV4-signed with the SDK's signer and sent with the JDK's HTTP client. */
  final class Query implements AvailabilityZones {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String BODY = "Action=DescribeAvailabilityZones&Version=2016-11-15";
    private static final Pattern ITEM = Pattern.compile("<item>(.*?)</item>", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("<zoneName>([^<]*)</zoneName>");
    private static final Pattern STATE = Pattern.compile("<zoneState>([^<]*)</zoneState>");
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    // the JDK's client sets these itself (with the values signed) and refuses them as headers
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect");

    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;

    Query(Region region, URI endpoint, AwsCredentialsProvider credentials) {
      this.region = region;
      this.endpoint = endpoint != null ? endpoint : URI.create("https://ec2." + region.id() + ".amazonaws.com/");
      this.credentials = credentials;
    }

    @Override
    public List<Zone> describe(Duration timeout) {
      SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
          .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build();
      SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
          .request(unsigned).payload(ContentStreamProvider.fromUtf8String(BODY))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ec2")
          .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
      HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
          .POST(HttpRequest.BodyPublishers.ofString(BODY, StandardCharsets.UTF_8));
      signed.request().headers().forEach((name, values) -> {
        if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          values.forEach(v -> request.header(name, v));
        }
      });
      HttpResponse<String> response;
      try {
        response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw SdkClientException.create("DescribeAvailabilityZones in " + region.id() + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw SdkClientException.create("DescribeAvailabilityZones in " + region.id() + " interrupted", e);
      }
      String body = response.body();
      if (response.statusCode() != 200) {
        throw AwsServiceException.builder().statusCode(response.statusCode()).message(first(MESSAGE, body))
            .awsErrorDetails(AwsErrorDetails.builder().serviceName("EC2").errorCode(first(CODE, body))
                .errorMessage(first(MESSAGE, body)).build()).build();
      }
      List<Zone> zones = new ArrayList<>();
      Matcher item = ITEM.matcher(body);
      while (item.find()) {
        String name = first(NAME, item.group(1));
        if (name != null) {
          zones.add(new Zone(name, first(STATE, item.group(1))));
        }
      }
      return zones;
    }

    private static String first(Pattern pattern, String text) {
      Matcher m = pattern.matcher(text == null ? "" : text);
      return m.find() ? m.group(1) : null;
    }
  }
}

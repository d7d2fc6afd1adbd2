package ai.sentinel.dr.common;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
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
    private static final String BODY = "Action=DescribeAvailabilityZones&Version=2016-11-15";
    private static final Pattern ITEM = Pattern.compile("<item>(.*?)</item>", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("<zoneName>([^<]*)</zoneName>");
    private static final Pattern STATE = Pattern.compile("<zoneState>([^<]*)</zoneState>");
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

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
      HttpResponse<String> response = SignedPost.send(endpoint, Map.of("Content-Type",
          "application/x-www-form-urlencoded; charset=utf-8"), BODY, "ec2", region, credentials, timeout,
          "DescribeAvailabilityZones");
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

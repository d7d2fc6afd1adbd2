package ai.sentinel.dr.common;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * One call of an AWS Query API (form parameters in, XML out), SigV4-signed with the SDK's signer and sent with the
 * JDK's HTTP client: for the one or two calls of a service whose SDK module would weigh more than the functions jar
 * should (SES's SendTemplatedEmail, for one).
 *
 * @param service     the signing name and endpoint prefix (e.g. {@code email} for SES, signed as {@code ses})
 * @param signingName the SigV4 service name
 * @param version     the API version parameter
 */
public record QueryApi(String service, String signingName, String version, Region region, URI endpoint,
    AwsCredentialsProvider credentials) {
  private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  /** The endpoint AWS serves the API at in {@code region}, unless one is given (a local cloud). */
  public URI target() {
    return endpoint != null ? endpoint : URI.create("https://" + service + "." + region.id() + ".amazonaws.com/");
  }

  /**
   * Sends {@code Action} with {@code parameters} (in order) and returns the response's XML.
   *
   * @throws AwsServiceException an error answer (its code, its HTTP status)
   * @throws SdkClientException  no answer within {@code timeout}, or none at all
   */
  public String call(String action, Map<String, String> parameters, Duration timeout) {
    String body = "Action=" + encode(action) + "&Version=" + encode(version) + parameters.entrySet().stream()
        .map(e -> "&" + encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining());
    HttpResponse<String> response = SignedPost.send(target(), Map.of("Content-Type",
        "application/x-www-form-urlencoded; charset=utf-8"), body, signingName, region, credentials, timeout, action);
    String xml = response.body();
    if (response.statusCode() != 200) {
      throw AwsServiceException.builder().statusCode(response.statusCode()).message(first(MESSAGE, xml))
          .awsErrorDetails(AwsErrorDetails.builder().serviceName(signingName).errorCode(first(CODE, xml))
              .errorMessage(first(MESSAGE, xml)).build()).build();
    }
    return xml;
  }

  /** The first group of {@code pattern} in {@code text}, or null. */
  public static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text == null ? "" : text);
    return m.find() ? m.group(1) : null;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

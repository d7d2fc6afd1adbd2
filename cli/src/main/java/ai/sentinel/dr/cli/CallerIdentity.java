package ai.sentinel.dr.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Who is calling, as AWS sees it: STS GetCallerIdentity's ARN, recorded with an approval's answer so the audit trail
 * names the credentials that answered, not only the name typed after --by. A signed Query call made directly, since
 * the SDK's STS module is not among the project's dependencies; GetCallerIdentity needs no permission.
 */
public final class CallerIdentity {
  private static final Pattern ARN = Pattern.compile("<Arn>([^<]+)</Arn>");

  private CallerIdentity() {}

  /** The caller's ARN on the cloud {@code env} selects (AWS_ENDPOINT_URL, AWS_REGION, credentials). */
  public static String arn(Map<String, String> env) {
    String region = Approvals.region(env);
    String endpoint = env.get("AWS_ENDPOINT_URL");
    URI uri = URI.create(endpoint != null && !endpoint.isBlank() ? endpoint
        : "https://sts." + region + ".amazonaws.com/");
    if (uri.getPath() == null || uri.getPath().isEmpty()) {
      uri = uri.resolve("/");
    }
    AwsCredentialsProvider credentials = Approvals.credentials(env);
    byte[] body = "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8);
    SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(uri)
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .putHeader("Accept", "application/xml").build();
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
        .request(request).payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
      HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
          .contentStreamProvider(signed.payload().orElse(ContentStreamProvider.fromByteArray(body))).build()).call();
      String text;
      try (InputStream in = response.responseBody().map(InputStream.class::cast)
          .orElse(new ByteArrayInputStream(new byte[0]))) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Matcher m = ARN.matcher(text);
      if (response.httpResponse().isSuccessful() && m.find()) {
        return m.group(1);
      }
      Matcher code = Pattern.compile("<Code>([^<]+)</Code>").matcher(text);
      throw new IllegalStateException("STS GetCallerIdentity answered " + response.httpResponse().statusCode()
          + (code.find() ? " " + code.group(1) : ""));
    } catch (IOException e) {
      throw software.amazon.awssdk.core.exception.SdkClientException.create("STS GetCallerIdentity: " + e, e);
    }
  }
}

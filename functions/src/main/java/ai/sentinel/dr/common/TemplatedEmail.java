package ai.sentinel.dr.common;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SES's SendTemplatedEmail and nothing else of SES (built by {@link Clients#templatedEmail()}): an interface so that
 * unit tests give a mock, like any client.
 */
public interface TemplatedEmail {

  /**
   * Sends one templated message.
   *
   * @param source       the verified sender
   * @param to           the recipients
   * @param template     the SES template's name
   * @param templateData the template's variables, as a JSON object
   * @return SES's message id
   */
  String send(String source, List<String> to, String template, String templateData);

  /** The SES Query API (version 2010-12-01). */
  final class Query implements TemplatedEmail {
    private static final Pattern MESSAGE_ID = Pattern.compile("<MessageId>([^<]*)</MessageId>");
    private final QueryApi api;

    public Query(QueryApi api) {
      this.api = api;
    }

    @Override
    public String send(String source, List<String> to, String template, String templateData) {
      Map<String, String> p = new LinkedHashMap<>();
      p.put("Source", source);
      for (int i = 0; i < to.size(); i++) {
        p.put("Destination.ToAddresses.member." + (i + 1), to.get(i));
      }
      p.put("Template", template);
      p.put("TemplateData", templateData);
      return QueryApi.first(MESSAGE_ID, api.call("SendTemplatedEmail", p, Duration.ofSeconds(10)));
    }
  }

  /** The SES Query API of {@code region} as {@link Clients} would build it. */
  static QueryApi api(software.amazon.awssdk.regions.Region region, java.net.URI endpoint,
      software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
    return new QueryApi("email", "ses", "2010-12-01", region, endpoint, credentials);
  }
}

package ai.sentinel.dr.oncall;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PagerDuty as the on-call (cdk.json {@code pagerDuty}, optional: without it the SNS topic is the on-call). The
 * routing key (the Events API v2 integration key of the service) lives in Secrets Manager and is read at the first
 * page; it is never logged nor written into a recovery document.
 *
 * @param routingKeySecretId name of the secret holding the 32-character routing key
 * @param eventsUrl          base URL of the Events API (default https://events.pagerduty.com; a local stand-in)
 */
public record PagerDutySettings(String routingKeySecretId, String eventsUrl) implements Settings {
  public static final String DEFAULT_EVENTS_URL = "https://events.pagerduty.com";

  /** Not a scenario's section: read by the handlers that reach the on-call. */
  public static final SettingsSection<PagerDutySettings> SECTION = new SettingsSection<>("pagerDuty",
      PagerDutySettings.class, false, Set.of(), PagerDutySettings::read, null, List.of());

  private static final Set<String> FIELDS = Set.of("routingKeySecretId", "eventsUrl");
  private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.:\\[\\]-]+(/[A-Za-z0-9._/-]*)?");

  public PagerDutySettings {
    eventsUrl = eventsUrl == null || eventsUrl.isBlank() ? DEFAULT_EVENTS_URL : eventsUrl.replaceAll("/+$", "");
  }

  /** Paging changes no platform resource. */
  @Override
  public boolean allows(String service, String target) {
    return false;
  }

  static PagerDutySettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("pagerDuty must be an object {routingKeySecretId, eventsUrl}");
      return null;
    }
    config.unknownFields(node, "pagerDuty.", FIELDS);
    String secret = config.secretName(node, "pagerDuty.routingKeySecretId");
    String url = config.optionalText(node, "pagerDuty.eventsUrl", URL, "an http(s) URL such as "
        + DEFAULT_EVENTS_URL);
    return new PagerDutySettings(secret, url);
  }
}

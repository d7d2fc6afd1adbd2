package ai.sentinel.dr.region;

import ai.sentinel.dr.common.ConfigReader;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * cdk.json {@code dr.customerNotification}: the runbook's "backup email system" for the customer notice of a region
 * failover (SES templated email from the DR region, which still answers when the primary does not). The DR stack
 * creates the template; the sender must be an SES-verified identity in the DR region.
 *
 * @param template   the SES template's name (the DR stack creates it)
 * @param sender     the verified sender address
 * @param recipients who is told (a distribution list or the status-page's mail-in address), 1 to 50
 * @param statusText what the customers read (the template's {@code {{statusText}}})
 */
public record CustomerNotification(String template, String sender, List<String> recipients, String statusText) {
  static final Set<String> FIELDS = Set.of("template", "sender", "recipients", "statusText");
  private static final Pattern TEMPLATE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@([A-Za-z0-9](-?[A-Za-z0-9])*\\.)+"
      + "[A-Za-z]{2,63}");
  static final int MAX_RECIPIENTS = 50;
  static final int MAX_STATUS_TEXT = 2000;

  public CustomerNotification {
    recipients = recipients == null ? List.of() : List.copyOf(recipients);
  }

  /** Reads {@code dr.customerNotification}; null when absent (no customer notice is sent, the step says so). */
  static CustomerNotification read(JsonNode dr, ConfigReader config) {
    JsonNode n = config.optionalObject(dr, "dr.customerNotification", "{template, sender, recipients, statusText}: "
        + "the customers' notice by SES");
    if (n == null) {
      return null;
    }
    config.unknownFields(n, "dr.customerNotification.", FIELDS);
    String template = config.text(n, "dr.customerNotification.template", TEMPLATE, "an SES template name "
        + "(letters, digits, '-' or '_', at most 64)");
    String sender = config.text(n, "dr.customerNotification.sender", EMAIL, "an email address verified in SES");
    List<String> recipients = config.list(n, "dr.customerNotification.recipients", EMAIL, "email addresses",
        false);
    if (recipients != null && recipients.size() > MAX_RECIPIENTS) {
      config.problem("dr.customerNotification.recipients has " + recipients.size() + " addresses; at most "
          + MAX_RECIPIENTS + " per message (use a distribution list)");
    }
    JsonNode status = n.get("statusText");
    String text = status != null && status.isTextual() ? status.asText().strip() : null;
    if (text == null || text.isEmpty() || text.length() > MAX_STATUS_TEXT) {
      config.problem("dr.customerNotification.statusText must be the text customers read (1-" + MAX_STATUS_TEXT
          + " characters), got " + (status == null ? "nothing" : status.isTextual() ? text.length()
              + " characters" : status));
      text = null;
    }
    return new CustomerNotification(template, sender, recipients, text);
  }
}

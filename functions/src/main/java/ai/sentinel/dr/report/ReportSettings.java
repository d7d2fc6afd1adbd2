package ai.sentinel.dr.report;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How post-incident reports are filled (cdk.json {@code report}, optional: without it the defaults below apply and
 * the customer impact is not measured).
 *
 * @param owner         who owns the action items: the on-call role of the runbook's On-Call Rotation (default
 *                      "Primary On-Call"), never a person's name in the stack
 * @param actionDueDays days after the recovery's end an action item other than the review is due (default 14; the
 *                      review itself is due within 48 hours, as the runbook says)
 * @param loadBalancer  the API's Application Load Balancer whose RequestCount and 5XX counts measure the customer
 *                      impact: its name (sentinel-alb) or its metric dimension (app/sentinel-alb/0123456789abcdef);
 *                      null: not measured
 * @param exercise      set only where every recovery is an exercise (a local cloud): why; its reports are drills
 *                      ([DRILL], P4, no customer impact) whatever started them
 */
public record ReportSettings(String owner, Integer actionDueDays, String loadBalancer, String exercise)
    implements Settings {
  public static final String DEFAULT_OWNER = "Primary On-Call";
  public static final int DEFAULT_ACTION_DUE_DAYS = 14;
  /** No section: the defaults. */
  public static final ReportSettings DEFAULTS = new ReportSettings(null, null, null, null);

  /** Not a scenario's section: read by the Report step. */
  public static final SettingsSection<ReportSettings> SECTION = new SettingsSection<>("report",
      ReportSettings.class, false, Set.of(), ReportSettings::read, null, List.of());

  private static final Set<String> FIELDS = Set.of("owner", "actionDueDays", "loadBalancer", "exercise");
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9 ().,/&+-]{1,80}");
  /** An ALB name, or its CloudWatch dimension app/NAME/ID. */
  private static final Pattern LOAD_BALANCER =
      Pattern.compile("(app/)?[A-Za-z0-9][A-Za-z0-9-]{0,31}(/[0-9a-f]{1,32})?");
  private static final Pattern TEXT = Pattern.compile("[^\\p{Cntrl}]{1,200}");

  public ReportSettings {
    owner = owner == null || owner.isBlank() ? DEFAULT_OWNER : owner.trim();
    actionDueDays = actionDueDays == null || actionDueDays < 1 ? DEFAULT_ACTION_DUE_DAYS : actionDueDays;
    loadBalancer = loadBalancer == null || loadBalancer.isBlank() ? null : loadBalancer.trim();
    exercise = exercise == null || exercise.isBlank() ? null : exercise.trim();
  }

  /** Reports change no platform resource. */
  @Override
  public boolean allows(String service, String target) {
    return false;
  }

  static ReportSettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("report must be an object {owner, actionDueDays, loadBalancer, exercise}");
      return null;
    }
    config.unknownFields(node, "report.", FIELDS);
    String owner = config.optionalText(node, "report.owner", OWNER, "an on-call role such as \"Primary On-Call\"");
    int days = config.optionalPositive(node, "report.actionDueDays", DEFAULT_ACTION_DUE_DAYS, 365);
    String lb = config.optionalText(node, "report.loadBalancer", LOAD_BALANCER,
        "an ALB name or its metric dimension app/NAME/ID");
    String exercise = config.optionalText(node, "report.exercise", TEXT, "one line saying why every recovery here "
        + "is an exercise");
    return new ReportSettings(owner, days, lb, exercise);
  }
}

package ai.sentinel.dr.health;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * The scheduled health check of the runbook's appendix (cdk.json {@code healthCheck}, optional: without it nothing is
 * scheduled; {@code ./sentinel health} works either way, from the database, redis, ecs sections and healthUrl).
 *
 * @param schedule an EventBridge rate(...) or cron(...) expression, e.g. rate(5 minutes)
 */
public record HealthSettings(String schedule) implements Settings {

  /** Not a scenario's section: it deploys no recovery, and it is read only by the health check's function. */
  public static final SettingsSection<HealthSettings> SECTION = new SettingsSection<>("healthCheck",
      HealthSettings.class, false, Set.of(), HealthSettings::read, null, List.of());

  private static final Set<String> FIELDS = Set.of("schedule");

  /** The health check changes nothing: no target is ever allowed by this section. */
  @Override
  public boolean allows(String service, String target) {
    return false;
  }

  static HealthSettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("healthCheck must be an object {schedule}");
      return null;
    }
    config.unknownFields(node, "healthCheck.", FIELDS);
    String schedule = config.schedule(node, "healthCheck.schedule");
    if (schedule == null && !node.has("schedule")) {
      config.problem("healthCheck.schedule is missing: an EventBridge schedule expression like rate(5 minutes)");
    }
    return new HealthSettings(schedule);
  }
}

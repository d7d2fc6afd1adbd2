package ai.sentinel.dr.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How one scenario's settings are found, read and passed on: declared once by the settings record
 * ({@code DatabaseSettings.SECTION}) and listed in {@link SettingsSections#ALL}.
 *
 * @param name           the cdk.json field under {@code environments.<env>} (database, ecs...)
 * @param type           the record
 * @param required       an environment without the section is invalid
 * @param topLevelFields fields of the environment itself that belong to this scenario (cdk.json keeps them at the top
 *                       level for compatibility, e.g. verifyDbConnect), read by {@code reader}
 * @param reader         validates the section (every problem into the {@link ConfigReader}) and builds the record
 * @param drill          the scenario's entry of the Testing Schedule ({@code drills.<field>}), or null
 * @param recoveries     the runbook scenarios (ids) whose state machine an environment with this section deploys
 */
public record SettingsSection<T extends Settings>(String name, Class<T> type, boolean required,
    Set<String> topLevelFields, Reader<T> reader, Drill<T> drill, List<String> recoveries) {

  public SettingsSection {
    topLevelFields = Set.copyOf(topLevelFields);
    recoveries = List.copyOf(recoveries);
  }

  /** The function environment variable carrying this section as JSON: {@code SETTINGS_<NAME>}. */
  public String variable() {
    return variable(name);
  }

  /** The function environment variable of section {@code name}. */
  public static String variable(String name) {
    return "SETTINGS_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** Reads and validates a section that is present (an object, unless the reader reports otherwise). */
  @FunctionalInterface
  public interface Reader<T> {
    /**
     * @param section the section's value, never null
     * @param config  the environment being read: its problems, its root, its region
     * @return the settings, with null for fields that were reported; null when the section is not an object
     */
    T read(JsonNode section, ConfigReader config);
  }

  /**
   * A scheduled test of the runbook's Testing Schedule owned by this scenario: cdk.json {@code drills.<field>}.
   *
   * @param field  the field under {@code drills}
   * @param reader validates the entry against the section's settings (null when the section is absent)
   */
  public record Drill<T>(String field, DrillReader<T> reader) {}

  /** Reads one {@code drills} entry. */
  @FunctionalInterface
  public interface DrillReader<T> {
    /**
     * The scheduled test at {@code path} ({@code drills.<field>}) of the {@code drills} object, or null when it was
     * reported; {@code settings} is the section's, or null when it was not an object.
     */
    ScheduledTest read(JsonNode drills, String path, ConfigReader config, T settings);
  }

  /**
   * One scheduled test.
   *
   * @param schedule an EventBridge cron(...) or rate(...) expression
   * @param resource the resource it runs on, or null for the section's own (the protected instance or cache)
   */
  public record ScheduledTest(String schedule, String resource) {}
}

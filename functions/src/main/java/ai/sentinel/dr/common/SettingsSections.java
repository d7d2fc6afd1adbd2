package ai.sentinel.dr.common;

import ai.sentinel.dr.health.HealthSettings;
import ai.sentinel.dr.oncall.PagerDutySettings;
import ai.sentinel.dr.report.ReportSettings;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The scenarios' settings sections, in runbook order: the one list the shared configuration code loops over. */
public final class SettingsSections {
  /**
   * Every section a registered scenario declares ({@code Scenario.settings()}), then the sections of what is not a
   * scenario (the appendix's scheduled health check).
   */
  public static final List<SettingsSection<?>> ALL = Stream.concat(
      ScenarioRegistry.settingsSections().stream(), Stream.of(HealthSettings.SECTION, PagerDutySettings.SECTION,
          ReportSettings.SECTION))
      .toList();

  private SettingsSections() {}

  /**
   * {@code env} with {@code overrides} applied, as a local cloud adjusts a deployed function's environment: a plain
   * variable is replaced; a section variable ({@code SETTINGS_<NAME>}, a JSON object of some of its fields) is merged
   * field by field into the section the function has, and ignored by a function without that section.
   */
  public static Map<String, String> override(Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> out = new LinkedHashMap<>(env);
    Set<String> sectionVariables = ALL.stream().map(SettingsSection::variable).collect(Collectors.toSet());
    overrides.forEach((name, value) -> {
      if (!sectionVariables.contains(name)) {
        out.put(name, value);
      } else if (out.containsKey(name)) {
        ObjectNode merged = (ObjectNode) Json.tree(out.get(name));
        merged.setAll((ObjectNode) Json.tree(value));
        out.put(name, merged.toString());
      }
    });
    return out;
  }

  /** The section of settings record {@code type}. */
  @SuppressWarnings("unchecked")
  public static <T extends Settings> SettingsSection<T> of(Class<T> type) {
    return (SettingsSection<T>) ALL.stream().filter(s -> s.type() == type).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(type.getName() + " is not a registered settings section"));
  }

  /**
   * The sections {@code handler} reads: those its {@link UsesSettings} names, or else those declared in its own
   * package (a scenario's steps read their scenario's settings).
   */
  public static List<SettingsSection<?>> readBy(Class<?> handler) {
    UsesSettings uses = handler.getAnnotation(UsesSettings.class);
    if (uses != null) {
      // "all" is every scenario's section (the responders classify signals for every scenario) and the on-call's
      return uses.all() ? Stream.concat(ScenarioRegistry.settingsSections().stream(),
          Stream.of(PagerDutySettings.SECTION)).toList()
          : ALL.stream().filter(s -> Arrays.asList(uses.value()).contains(s.type())).toList();
    }
    return ALL.stream().filter(s -> s.type().getPackageName().equals(handler.getPackageName())).toList();
  }
}

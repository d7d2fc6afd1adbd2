package ai.sentinel.dr.report;

import java.util.Map;

/**
 * The report part of a scenario id no plug-in registers: a report is still made, from the envelope alone. The
 * runbook's Scenarios 4-6 have objectives and a severity before they have a plug-in; each entry here moves into its
 * scenario's own report part when that scenario is built.
 *
 * @param title    the scenario as the title names it: the runbook's name, else the id itself
 * @param severity the runbook's severity, else {@link Severity#UNCLASSIFIED}
 */
record UnregisteredScenario(String title, Severity severity) implements ReportPart {

  private static final Map<String, UnregisteredScenario> NOT_BUILT_YET = Map.of(
      "data-corruption", new UnregisteredScenario("Data corruption",
          new Severity("P1", "data corruption: data integrity at risk")),
      "security-incident", new UnregisteredScenario("Security incident",
          new Severity("P1", "security incident")));

  /** The part for {@code id} (null: no scenario in the document). */
  static UnregisteredScenario of(String id) {
    if (id == null) {
      return new UnregisteredScenario("Unknown scenario", Severity.UNCLASSIFIED);
    }
    return NOT_BUILT_YET.getOrDefault(id, new UnregisteredScenario(id, Severity.UNCLASSIFIED));
  }

  @Override
  public Severity severity(ReportFacts f) {
    return severity;
  }

  /** Nothing is known of its steps: the report does not say a diagnosis is missing. */
  @Override
  public boolean diagnoses() {
    return false;
  }
}

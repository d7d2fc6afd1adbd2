package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Data corruption: the signals that start it. A person, by hand ({@code runbook: data-corruption} with
 * {@code tables}, a structured {@code condition}, optionally {@code cleanTime} and {@code mode}); or an alarm on an
 * integrity metric the platform publishes, routed here by {@code alarmRoutes}. An alarm cannot say which rows are
 * wrong: its recovery diagnoses nothing it could act on and pages a human to invoke it with tables and condition
 * (never a guess at what to repair).
 */
final class DataCorruptionSignals implements SignalRules {

  private static DataCorruptionSettings settings(SignalContext context) {
    return context.config().settings(DataCorruptionSettings.class).orElse(null);
  }

  /** The recovery acts on the protected database instance (the lock's own resource). */
  private static String instance(SignalContext context) {
    return context.config().settings(DatabaseSettings.class).map(DatabaseSettings::instanceId).orElse(null);
  }

  @Override
  public AlarmTarget routedAlarm(SignalContext context, String alarmName, JsonNode detail, String why) {
    if (settings(context) == null || instance(context) == null) {
      throw new BadInput(context.scenario() + " is not deployed in this environment (no dataCorruption section)");
    }
    return new AlarmTarget(instance(context), why + ": an integrity alarm; a person names the tables and the "
        + "condition before anything is repaired");
  }

  @Override
  public Set<String> manualJsonFields() {
    return new LinkedHashSet<>(List.of("tables", "condition", "cleanTime", "mode"));
  }

  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    String scenario = request.runbook();
    for (String field : List.of("option", "snapshotId", "restoreTime")) {
      if (request.field(field) != null) {
        throw new BadInput(field + " does not apply to " + scenario + ": give tables, condition and optionally "
            + "cleanTime (the point in time of the clean copy) and mode");
      }
    }
    DataCorruptionSettings s = settings(context);
    String instance = instance(context);
    if (s == null || instance == null) {
      throw new BadInput(scenario + " is not deployed in this environment: it has no dataCorruption section");
    }
    if (request.resource() != null && !request.resource().equals(instance)) {
      throw new BadInput("resource " + Fields.quote(request.resource()) + " is not the protected database "
          + instance + ": " + scenario + " repairs that instance's tables only");
    }
    List<String> tables = CorruptionRequest.tables(json(request, "tables"), s);
    var conditions = CorruptionRequest.conditions(json(request, "condition"));
    Instant cleanTime = CorruptionRequest.instant(json(request, "cleanTime"), "cleanTime");
    JsonNode modeNode = json(request, "mode");
    String mode = CorruptionRequest.SELECTIVE;
    if (modeNode != null) {
      if (!modeNode.isTextual() || !List.of(CorruptionRequest.SELECTIVE, CorruptionRequest.FULL)
          .contains(modeNode.asText())) {
        throw new BadInput("mode must be selective (only the differing rows that match the condition) or full "
            + "(whole tables from the clean copy), got " + Fields.quote(modeNode));
      }
      mode = modeNode.asText();
    }
    String clean = cleanTime == null ? null : cleanTime.toString();
    CorruptionRequest parsed = new CorruptionRequest(tables, conditions, clean, mode);
    // the clean time is the restore time: the shared check refuses one in the future
    return new ManualTarget(instance, null, null, clean, Json.MAPPER.valueToTree(parsed));
  }

  private static JsonNode json(ManualRequest request, String field) {
    String text = request.field(field);
    return text == null ? null : Json.tree(text);
  }
}

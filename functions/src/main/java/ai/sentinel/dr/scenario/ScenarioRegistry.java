package ai.sentinel.dr.scenario;

import ai.sentinel.dr.common.Clients.Priming;
import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.corruption.DataCorruption;
import ai.sentinel.dr.database.DatabaseFailure;
import ai.sentinel.dr.database.DatabaseRestoreTest;
import ai.sentinel.dr.ecs.EcsServiceFailure;
import ai.sentinel.dr.redis.RedisFailure;
import ai.sentinel.dr.region.RegionFailback;
import ai.sentinel.dr.region.RegionFailure;
import ai.sentinel.dr.security.SecurityIncident;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every scenario the functions know, in runbook order: the one list a new scenario is added to. */
public final class ScenarioRegistry {
  private static final List<Scenario> ALL = List.of(
      new DatabaseFailure(), new RedisFailure(), new EcsServiceFailure(), new RegionFailure(), new RegionFailback(),
      new DataCorruption(),
      new SecurityIncident(),
      new DatabaseRestoreTest());

  private ScenarioRegistry() {}

  /** Every registered scenario and test, in runbook order. */
  public static List<Scenario> all() {
    return ALL;
  }

  /** Every scenario's settings sections, each once, in runbook order: what the shared configuration loops over. */
  public static List<SettingsSection<?>> settingsSections() {
    return ALL.stream().flatMap(s -> s.settings().stream()).distinct().toList();
  }

  /** The recovery scenarios (not the Testing Schedule's tests). */
  public static List<Scenario> recoveries() {
    return ALL.stream().filter(s -> !s.test()).toList();
  }

  /** The scenario with this id, if registered. */
  public static Optional<Scenario> find(String id) {
    return ALL.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The scenario with this id, or a clear error naming the ids there are. */
  public static Scenario get(String id) {
    return find(id).orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + id + "' (known: "
        + ALL.stream().map(Scenario::id).toList() + ")"));
  }

  /** SnapStart priming calls: the shared clients' first, then each scenario's, in runbook order. */
  public static List<Priming<?>> priming(DrConfig config) {
    List<Priming<?>> calls = new ArrayList<>(Clients.sharedPriming(config));
    ALL.forEach(s -> calls.addAll(s.priming(config)));
    return calls;
  }
}

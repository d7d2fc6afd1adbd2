package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.Deployment;
import ai.sentinel.dr.corruption.CorruptionState.Diagnosis;
import ai.sentinel.dr.corruption.sql.CorruptionTimeline;
import ai.sentinel.dr.corruption.sql.TableSpec;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.DiagnoseStep;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 5, "Diagnosis", read-only: the corruption timeline exactly as the runbook queries it ({@code SELECT
 * MIN(created_at), MAX(created_at) FROM t WHERE <condition>}, the condition checked against the catalog first and
 * its values bound), the rows affected per table, and the API service's recent deployments (createdAt, status), the
 * usual cause. Chooses the clean time: the operator's, else the first corrupted row less the margin; either must lie
 * in the instance's restorable window ({@link RestorableWindow}: the automated backups' earliest restore time, else
 * now minus the backup retention, to the latest restorable time); a clean time outside it is refused before anything
 * changes. The verdict: FAILED when rows
 * match the person's condition (the corruption is confirmed), HEALTHY when none does (nothing to repair: no action),
 * INCONCLUSIVE when no condition was given (an integrity alarm: a person must name tables and condition).
 */
@UsesSettings({DataCorruptionSettings.class, DatabaseSettings.class, EcsSettings.class})
public final class Diagnose extends DiagnoseStep {
  private final Databases databases;
  private final EcsClient ecs;
  private final RdsClient rds;

  public Diagnose() {
    this(Deps.fromProcessEnv());
  }

  public Diagnose(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Diagnose(Deps deps) {
    super(deps);
    this.databases = new Databases(deps);
    this.ecs = deps.clients().ecs();
    this.rds = deps.clients().rds();
  }

  @Override
  protected Finding diagnose(Recovery recovery) {
    CorruptionRequest request = request(recovery);
    if (request == null) {
      String why = "no tables and condition were given (an integrity alarm cannot say which rows are wrong): invoke "
          + DataCorruptionSettings.SCENARIO + " with tables and condition";
      return Finding.of(recovery.log(entry("diagnosed", why)), Verdict.INCONCLUSIVE, List.of(why));
    }
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    List<CorruptionTimeline> timelines = new ArrayList<>();
    try (Connection live = databases.live()) {
      live.setReadOnly(true);
      for (String table : request.tables()) {
        TableSpec spec = s.table(table);
        if (spec == null) {
          throw new StepFailedError("table " + table + " is not in dataCorruption.tables");
        }
        timelines.add(CorruptionTimeline.of(live, spec, request.conditions()));
      }
    } catch (SQLException e) {
      throw Databases.typed(name(), e);
    }
    long rows = timelines.stream().mapToLong(CorruptionTimeline::rows).sum();
    Instant first = timelines.stream().map(t -> parse(t.first())).filter(java.util.Objects::nonNull)
        .min(Comparator.naturalOrder()).orElse(null);
    List<Deployment> deployments = deployments(s);
    Deployment suspect = first == null ? null : deployments.stream()
        .filter(d -> d.createdAt() != null && !parse(d.createdAt()).isAfter(first)).findFirst().orElse(null);
    String resource = recovery.resource();
    DBInstance source = rds.describeDBInstances(b -> b.dbInstanceIdentifier(resource)).dbInstances()
        .stream().findFirst().orElseThrow(() -> new StepFailedError(resource + " not found"));
    RestorableWindow window = RestorableWindow.of(rds, source, Instant.now(deps.clock()));
    recovery = recovery.log(entry("restorable-window", recovery.resource() + " restorable " + window.earliest()
        + " .. " + window.latest() + " (earliest: " + window.earliestFrom() + ")"));
    String tables = String.join(", ", timelines.stream().map(t -> t.table() + ": " + t.rows() + " row(s)"
        + (t.rows() == 0 ? "" : " " + t.first() + " .. " + t.last())).toList());
    String cause = suspect == null ? "no deployment of " + s.service() + " before the first corrupted row"
        : "deployment " + suspect.id() + " (" + suspect.taskDefinition() + ", " + suspect.status() + ") created "
            + suspect.createdAt() + ", before the first corrupted row";
    if (rows == 0 && !recovery.dryRun()) {
      // nothing to repair: no action, and what was looked at is the evidence
      String none = "no row matches " + CorruptionRequest.describe(request.conditions()) + " (" + tables + ")";
      Diagnosis d = new Diagnosis(timelines, deployments, null, null, null, window.range(), none);
      return Finding.of(recovery.update(CorruptionState.PART, st -> base(st, request).withDiagnosis(d))
          .log(entry("diagnosed", none)), Verdict.HEALTHY, List.of(none));
    }
    Instant clean;
    String sourceOfTime;
    if (request.cleanTime() != null) {
      clean = Instant.parse(request.cleanTime());
      sourceOfTime = "operator";
    } else if (first != null) {
      clean = first.minus(Duration.ofMinutes(s.margin()));
      sourceOfTime = "proposed";
    } else {
      // a plan with nothing matching: the latest restorable time stands in
      clean = window.latest();
      sourceOfTime = "latest restorable (plan)";
    }
    String refused = window.refuse(clean, sourceOfTime, recovery.resource());
    if (refused != null) {
      throw new StepFailedError(refused);
    }
    if (first != null && clean.isAfter(first)) {
      throw new StepFailedError("clean time " + clean + " is after the first corrupted row (" + first + "): the "
          + "restored copy would hold corrupted rows; give an earlier cleanTime");
    }
    String finding = rows + " corrupted row(s) where " + CorruptionRequest.describe(request.conditions()) + " ("
        + tables + "); " + cause + "; clean time " + clean + " (" + sourceOfTime + ")";
    Diagnosis d = new Diagnosis(timelines, deployments, suspect, clean.toString(), sourceOfTime,
        window.range(), finding);
    return Finding.of(recovery.update(CorruptionState.PART, st -> base(st, request).withDiagnosis(d))
        .log(entry("diagnosed", finding)), rows == 0 ? Verdict.HEALTHY : Verdict.FAILED, timelines.stream()
        .map(t -> t.table() + ": " + t.rows() + " row(s) match" + (t.rows() == 0 ? "" : ", " + t.first() + " .. "
            + t.last())).toList());
  }

  private static CorruptionState base(CorruptionState st, CorruptionRequest request) {
    return (st == null ? new CorruptionState(null, null, null, null, null, null) : st).withRequest(request);
  }

  /** The request from the trigger (first run) or the state (a re-run, a hand-started copy). */
  static CorruptionRequest request(Recovery recovery) {
    CorruptionState st = recovery.part(CorruptionState.PART);
    if (st != null && st.request() != null) {
      return st.request();
    }
    if (recovery.trigger() == null || recovery.trigger().detail() == null
        || !recovery.trigger().detail().has("tables")) {
      return null;
    }
    return Json.convert(recovery.trigger().detail(), CorruptionRequest.class);
  }

  private List<Deployment> deployments(DataCorruptionSettings s) {
    String cluster = EcsSettings.of(deps.config()).cluster();
    List<Service> services = ecs.describeServices(b -> b.cluster(cluster).services(s.service())).services();
    List<Deployment> out = new ArrayList<>();
    for (Service service : services) {
      service.deployments().forEach(d -> out.add(new Deployment(d.id(), d.status(), d.taskDefinition(),
          d.createdAt() == null ? null : d.createdAt().toString())));
    }
    out.sort(Comparator.comparing((Deployment d) -> d.createdAt() == null ? "" : d.createdAt()).reversed());
    return out;
  }

  private static Instant parse(String iso) {
    return iso == null ? null : Instant.parse(iso);
  }
}

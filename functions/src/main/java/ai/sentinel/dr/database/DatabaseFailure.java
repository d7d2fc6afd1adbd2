package ai.sentinel.dr.database;

import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import java.util.List;

/** Runbook Scenario 1: Database Failure (Options A, B, C). */
public final class DatabaseFailure implements Scenario {
  public static final String ID = "database-failure";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Database failure";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.DATABASE_SINGLE_AZ, Objectives.DATABASE_COMPLETE);
  }

  @Override
  public ReportPart report() {
    return new DatabaseFailureReport();
  }

  @Override
  public SignalRules signals() {
    return new DatabaseFailureSignals();
  }
}

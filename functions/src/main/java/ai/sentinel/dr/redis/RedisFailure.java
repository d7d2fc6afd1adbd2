package ai.sentinel.dr.redis;

import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import java.util.List;

/** Runbook Scenario 2: Redis Failure. */
public final class RedisFailure implements Scenario {
  public static final String ID = "redis-failure";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Redis failure";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.REDIS);
  }

  @Override
  public ReportPart report() {
    return new RedisFailureReport();
  }

  @Override
  public SignalRules signals() {
    return new RedisFailureSignals();
  }
}

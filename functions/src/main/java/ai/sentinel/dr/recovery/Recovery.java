package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The document a recovery's state machine carries from step to step. Every step handler reads it whole and returns
 * it whole (ResultPath "$"), adding what it learned and a timeline entry; Choice states read its fields.
 *
 * <p>The envelope is common to every scenario; a scenario's own working state is a {@link Part} stored as a
 * top-level field of its own name ({@code database}, {@code cache}, {@code ecs}...), so the JSON paths the state
 * machines read do not depend on this class knowing the scenario.
 *
 * @param scenario      runbook scenario id (one of the registry's, see ai.sentinel.dr.scenario)
 * @param resource      the protected resource, e.g. sentinel-db
 * @param executionName the Step Functions execution name: dedup key and log correlation id
 * @param environment   SENTINEL_ENV of the deployment
 * @param trigger       what started it
 * @param options       choices made by the trigger or the operator
 * @param diagnosis     what Diagnose concluded and whether the recovery acts on it ({@link DiagnoseStep}), or null
 * @param parts         the scenarios' working states by field name (see {@link #part})
 * @param services      ECS services restarted and their stability
 * @param verification  checks run before success is declared
 * @param plan          calls recorded instead of sent (dry-run)
 * @param timeline      every step, decision and outcome with its time
 * @param error         set by a Catch: {"Error": ..., "Cause": ...}
 * @param approval      set by an approval gate: the approver's answer ({"decision", "by", "at", "reason"})
 * @param repointedAt   when the recovery repointed the platform's secret (database or cache URL), or null
 */
public record Recovery(
    String scenario,
    String resource,
    String executionName,
    String environment,
    Trigger trigger,
    Options options,
    Health diagnosis,
    @JsonAnySetter @JsonIgnore Map<String, JsonNode> parts,
    ServicesState services,
    Verification verification,
    List<PlannedCall> plan,
    List<TimelineEntry> timeline,
    JsonNode error,
    JsonNode approval,
    String repointedAt) {

  /** The timeline event of a poll that found the awaited state not reached yet. */
  public static final String WAITING = "waiting";

  public Recovery {
    parts = parts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    plan = plan == null ? List.of() : List.copyOf(plan);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
  }

  /** A new recovery: the envelope only, no working state yet. */
  public static Recovery start(String scenario, String resource, String executionName, String environment,
      Trigger trigger, Options options) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, null, null, null, null,
        null, null, null, null, null);
  }

  /** The scenario parts as top-level fields of the document. */
  @JsonAnyGetter
  Map<String, JsonNode> partsJson() {
    return parts;
  }

  public boolean dryRun() {
    return options != null && options.dryRun();
  }

  /** A planned exercise, not a production incident: a dry-run or a drill's trigger (reported as P4). */
  public boolean drill() {
    return dryRun() || trigger != null && "drill".equalsIgnoreCase(trigger.kind());
  }

  /** The working state stored under {@code part}, or null when no step has written it yet. */
  public <T> T part(Part<T> part) {
    JsonNode node = parts.get(part.name());
    return node == null || node.isNull() ? null : Json.convert(node, part.type());
  }

  /** This recovery with {@code value} as the working state under {@code part} (null removes it). */
  public <T> Recovery with(Part<T> part, T value) {
    Map<String, JsonNode> next = new LinkedHashMap<>(parts);
    if (value == null) {
      next.remove(part.name());
    } else {
      next.put(part.name(), Json.MAPPER.valueToTree(value));
    }
    return copy().parts(next).build();
  }

  /** This recovery with the working state under {@code part} changed by {@code change} (which sees null if unset). */
  public <T> Recovery update(Part<T> part, java.util.function.UnaryOperator<T> change) {
    return with(part, change.apply(part(part)));
  }

  /**
   * When the scenario's secret was repointed, or null: services whose newest deployment is younger already run
   * with the new value.
   */
  public java.time.Instant repointedInstant() {
    return repointedAt == null ? null : java.time.Instant.parse(repointedAt);
  }

  public Recovery withRepointedAt(String value) {
    return copy().repointedAt(value).build();
  }

  /** The same working state under another envelope (a hand-started copy, a renamed execution, other options). */
  public Recovery withEnvelope(String scenario, String resource, String executionName, String environment,
      Trigger trigger, Options options) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, diagnosis, parts,
        services, verification, plan, timeline, error, approval, repointedAt);
  }

  public Recovery withDiagnosis(Health value) {
    return copy().diagnosis(value).build();
  }

  public Recovery withTimeline(List<TimelineEntry> value) {
    return copy().timeline(value).build();
  }

  public Recovery withServices(ServicesState value) {
    return copy().services(value).build();
  }

  public Recovery withVerification(Verification value) {
    return copy().verification(value).build();
  }

  public Recovery withError(JsonNode value) {
    return copy().error(value).build();
  }

  public Recovery withApproval(JsonNode value) {
    return copy().approval(value).build();
  }

  public Recovery withPlanned(PlannedCall call) {
    List<PlannedCall> next = new ArrayList<>(plan);
    next.add(call);
    return copy().plan(next).build();
  }

  /**
   * This recovery with {@code entry} appended to the timeline. Consecutive "waiting" polls of one step collapse into
   * one entry (the time the wait began, the latest poll's detail): a wait of 1000 polls must not grow the document
   * towards Step Functions' 256 KB state limit.
   */
  public Recovery log(TimelineEntry entry) {
    List<TimelineEntry> next = new ArrayList<>(timeline);
    TimelineEntry last = next.isEmpty() ? null : next.get(next.size() - 1);
    if (last != null && WAITING.equals(entry.event()) && WAITING.equals(last.event())
        && java.util.Objects.equals(last.step(), entry.step())) {
      next.set(next.size() - 1, new TimelineEntry(last.at(), entry.step(), WAITING, entry.detail()));
    } else {
      next.add(entry);
    }
    return copy().timeline(next).build();
  }

  private Copy copy() {
    return new Copy(this);
  }

  /** The one place that lists every field: each wither changes one and keeps the rest. */
  private static final class Copy {
    private final Recovery r;
    private Health diagnosis;
    private Map<String, JsonNode> parts;
    private ServicesState services;
    private Verification verification;
    private List<PlannedCall> plan;
    private List<TimelineEntry> timeline;
    private JsonNode error;
    private JsonNode approval;
    private String repointedAt;

    Copy(Recovery r) {
      this.r = r;
      diagnosis = r.diagnosis;
      parts = r.parts;
      services = r.services;
      verification = r.verification;
      plan = r.plan;
      timeline = r.timeline;
      error = r.error;
      approval = r.approval;
      repointedAt = r.repointedAt;
    }

    Copy diagnosis(Health v) {
      diagnosis = v;
      return this;
    }

    Copy parts(Map<String, JsonNode> v) {
      parts = v;
      return this;
    }

    Copy services(ServicesState v) {
      services = v;
      return this;
    }

    Copy verification(Verification v) {
      verification = v;
      return this;
    }

    Copy plan(List<PlannedCall> v) {
      plan = v;
      return this;
    }

    Copy timeline(List<TimelineEntry> v) {
      timeline = v;
      return this;
    }

    Copy error(JsonNode v) {
      error = v;
      return this;
    }

    Copy approval(JsonNode v) {
      approval = v;
      return this;
    }

    Copy repointedAt(String v) {
      repointedAt = v;
      return this;
    }

    Recovery build() {
      return new Recovery(r.scenario, r.resource, r.executionName, r.environment, r.trigger, r.options, diagnosis,
          parts, services, verification, plan, timeline, error, approval, repointedAt);
    }
  }
}

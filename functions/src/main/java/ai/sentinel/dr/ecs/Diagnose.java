package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Redaction;
import ai.sentinel.dr.ecs.EcsState.Diagnosis;
import ai.sentinel.dr.ecs.EcsState.StoppedTask;
import ai.sentinel.dr.ecs.EcsServices.Revision;
import ai.sentinel.dr.ecs.EcsState.TargetHealth;
import ai.sentinel.dr.recovery.DiagnoseStep;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Scenario 3 Diagnosis, the runbook's three commands for the failing service: {@code describe-services} (counts and
 * deployments), {@code list-tasks --desired-status STOPPED} + {@code describe-tasks} (why tasks stopped), and
 * {@code logs tail --since 30m}. Read-only. The logs are context, not evidence the recovery depends on: a missing
 * log group or an unreadable one leaves an empty tail with a note, never a failed step.
 *
 * <p>The verdict ({@link DiagnoseStep}): HEALTHY when the service runs its desired count (at least one task) in one
 * completed deployment and its ALB target group has a healthy target and no unhealthy one (a service without a target
 * group: the counts alone); FAILED when tasks are missing, a rollout failed or the targets are unhealthy;
 * INCONCLUSIVE when the service is asked to run nothing (desired 0: scaled down on purpose, or not).
 */
public final class Diagnose extends DiagnoseStep {
  /** Stopped tasks kept in the state (newest first); ECS keeps stopped tasks for about an hour. */
  static final int STOPPED_SHOWN = 5;
  /** Log lines kept: the tail an SRE reads first. */
  static final int LOG_LINES = 20;
  /** The runbook's {@code --since 30m}. */
  static final Duration LOG_SINCE = Duration.ofMinutes(30);
  /**
   * FilterLogEvents returns the oldest events of a range first, so the tail is read newest window first and the
   * older windows only while lines are missing: a chatty service costs one minute of logs, not thirty.
   */
  private static final List<Duration> LOG_WINDOWS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), LOG_SINCE);
  private static final int PAGES_PER_WINDOW = 10;
  /** The state document travels between states (256 KB limit): one line is context, not a stack dump. */
  private static final int LINE_CHARS = 400;

  private final EcsClient ecs;
  private final CloudWatchLogsClient logs;

  public Diagnose() {
    this(Deps.fromProcessEnv());
  }

  public Diagnose(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Diagnose(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
    this.logs = deps.clients().logs();
  }

  @Override
  protected Finding diagnose(Recovery recovery) {
    String name = EcsServices.protectedService(deps.config(), recovery, name());
    String cluster = EcsSettings.of(deps.config()).cluster();
    Service service = EcsServices.describe(ecs, cluster, name);
    List<StoppedTask> stopped = stoppedTasks(cluster, name, service);
    String group = EcsSettings.of(deps.config()).logGroupPrefix() + name;
    LogTail tail = logTail(group);
    List<String> deployments = service.deployments().stream().map(Diagnose::describe).toList();
    Diagnosis diagnosis = new Diagnosis(service.taskDefinition(), service.desiredCount(), service.runningCount(),
        service.pendingCount() == null ? 0 : service.pendingCount(), deployments,
        stopped.stream().limit(STOPPED_SHOWN).toList(), tail.lines(), finding(name, service, stopped), now(),
        tail.note());
    EcsState state = recovery.part(EcsState.PART) == null ? EcsState.diagnosed(cluster, name, diagnosis)
        : recovery.part(EcsState.PART).withDiagnosis(diagnosis);
    String detail = diagnosis.finding() + "; deployments: " + deployments + "; "
        + (tail.note() != null ? tail.note() : tail.lines().size() + " log line(s) from " + group + " (last "
            + LOG_SINCE.toMinutes() + " min)");
    Recovery out = recovery.with(EcsState.PART, state).log(entry("diagnosed", detail));
    return verdict(out, name, service);
  }

  /** At its desired count in one completed deployment, and its targets healthy: nothing to recover. */
  private Finding verdict(Recovery out, String name, Service service) {
    List<String> evidence = new ArrayList<>();
    evidence.add(name + ": " + EcsServices.status(service) + " on "
        + EcsServices.shortName(EcsServices.runningRevision(service)));
    Deployment primary = EcsServices.primary(service);
    if (primary != null && "FAILED".equals(primary.rolloutStateAsString())) {
      evidence.add("deployment " + primary.id() + " FAILED");
      return Finding.of(out, Verdict.FAILED, evidence);
    }
    if (service.desiredCount() == null || service.desiredCount() < 1) {
      evidence.add("desired count 0: asked to run nothing, which a recovery would override; a human must judge");
      return Finding.of(out, Verdict.INCONCLUSIVE, evidence);
    }
    if (!EcsServices.stable(service)) {
      evidence.add("not at its desired count in one completed deployment");
      return Finding.of(out, Verdict.FAILED, evidence);
    }
    List<TargetHealth> targets = new ArrayList<>();
    // the load balancer client is needed only for a service that looks healthy by its counts
    Check check = TargetGroups.check(deps.config(), deps.clients().elbv2(), name, service, targets);
    evidence.add("target health: " + check.result() + " (" + check.detail() + ")");
    return Finding.of(out, check.result() == Result.FAIL ? Verdict.FAILED : Verdict.HEALTHY, evidence);
  }

  /** "PRIMARY IN_PROGRESS sentinel-api:9 0/3 running, 5 failed (ecs-svc/123)". */
  private static String describe(Deployment d) {
    String rollout = d.rolloutStateAsString() == null ? "-" : d.rolloutStateAsString();
    int failed = d.failedTasks() == null ? 0 : d.failedTasks();
    return d.status() + " " + rollout + " " + EcsServices.shortName(d.taskDefinition()) + " " + d.runningCount() + "/"
        + d.desiredCount() + " running" + (failed > 0 ? ", " + failed + " failed" : "") + " (" + d.id() + ")";
  }

  /** Stopped tasks of the service, newest first. */
  private List<StoppedTask> stoppedTasks(String cluster, String name, Service service) {
    List<String> arns = ecs.listTasks(b -> b.cluster(cluster).serviceName(name).desiredStatus(DesiredStatus.STOPPED)
        .maxResults(100)).taskArns();
    if (arns.isEmpty()) {
      return List.of();
    }
    String family = EcsServices.revision(service.taskDefinition()).map(Revision::family).orElse(null);
    return ecs.describeTasks(b -> b.cluster(cluster).tasks(arns)).tasks().stream()
        .filter(t -> belongsTo(t, name, family))
        .sorted(Comparator.comparing((Task t) -> t.stoppedAt() != null ? t.stoppedAt() : t.createdAt(),
            Comparator.nullsLast(Comparator.reverseOrder())))
        .map(t -> new StoppedTask(t.taskArn(), t.taskDefinitionArn(), Redaction.redact(t.stoppedReason()),
            t.stopCodeAsString(),
            t.stoppedAt() == null ? null : t.stoppedAt().toString(), containers(t)))
        .toList();
  }

  /**
   * ECS filters ListTasks by serviceName itself; this guards against local clouds that ignore the filter. A task of
   * a service is in group "service:NAME"; a task without one (group "family:F") counts when it runs the service's
   * task definition family.
   */
  private static boolean belongsTo(Task task, String name, String family) {
    String group = task.group();
    if (group != null && group.startsWith("service:")) {
      return group.equals("service:" + name);
    }
    return family != null && EcsServices.revision(task.taskDefinitionArn()).map(Revision::family)
        .map(family::equals).orElse(false);
  }

  /** "app: exit 137, OutOfMemoryError: Container killed due to memory usage" for each container that says why. */
  private static List<String> containers(Task task) {
    List<String> out = new ArrayList<>();
    for (Container c : task.containers()) {
      List<String> parts = new ArrayList<>();
      if (c.exitCode() != null) {
        parts.add("exit " + c.exitCode());
      }
      if (c.reason() != null && !c.reason().isBlank()) {
        parts.add(Redaction.redact(c.reason().strip()));
      }
      if (!parts.isEmpty()) {
        out.add(c.name() + ": " + String.join(", ", parts));
      }
    }
    return out;
  }

  /** Why one task stopped, in one line: its stoppedReason, stopCode and its containers' reasons. */
  private static String why(StoppedTask t) {
    StringBuilder s = new StringBuilder(t.stoppedReason() == null ? "no stoppedReason" : t.stoppedReason());
    if (t.stopCode() != null) {
      s.append(" (").append(t.stopCode()).append(")");
    }
    // a container reason that only repeats the task's stoppedReason adds nothing to the line
    List<String> own = t.containers().stream()
        .filter(c -> t.stoppedReason() == null || !c.endsWith(": " + t.stoppedReason().strip())).toList();
    if (!own.isEmpty()) {
      s.append("; ").append(String.join("; ", own));
    }
    return s.toString();
  }

  /** "sentinel-api: 0/3 running, 5 task(s) stopped: CannotPullContainerError: ... (TaskFailedToStart)". */
  private static String finding(String name, Service service, List<StoppedTask> stopped) {
    StringBuilder f = new StringBuilder(name + ": " + service.runningCount() + "/" + service.desiredCount()
        + " running");
    if (service.pendingCount() != null && service.pendingCount() > 0) {
      f.append(" (").append(service.pendingCount()).append(" pending)");
    }
    if (stopped.isEmpty()) {
      f.append(", no stopped tasks listed");
    } else {
      Set<String> reasons = new LinkedHashSet<>();
      stopped.forEach(t -> reasons.add(why(t)));
      String newest = why(stopped.get(0));
      f.append(", ").append(stopped.size()).append(" task(s) stopped: ").append(newest);
      if (reasons.size() > 1) {
        f.append(" (newest; ").append(reasons.size() - 1).append(" other reason(s))");
      }
    }
    Deployment primary = EcsServices.primary(service);
    if (primary != null && "FAILED".equals(primary.rolloutStateAsString())) {
      f.append("; deployment ").append(primary.id()).append(" FAILED")
          .append(primary.rolloutStateReason() == null ? "" : ": " + Redaction.redact(primary.rolloutStateReason()));
    }
    return f.toString();
  }

  /** The last lines of the log group, oldest first, or none and why. */
  private LogTail logTail(String group) {
    Instant now = Instant.now(deps.clock());
    try {
      List<String> collected = new ArrayList<>();
      boolean truncated = false;
      Instant windowEnd = now;
      for (Duration back : LOG_WINDOWS) {
        Instant windowStart = now.minus(back);
        Window window = lastLines(group, windowStart, windowEnd, LOG_LINES - collected.size());
        collected.addAll(0, window.lines());
        truncated |= window.truncated();
        if (collected.size() >= LOG_LINES) {
          break;
        }
        // both ends of FilterLogEvents' range are inclusive: the next (older) window stops just before this one
        windowEnd = windowStart.minusMillis(1);
      }
      String note = truncated ? "more than " + PAGES_PER_WINDOW + " pages of log events in one window of " + group
          + ": the tail may miss the very last lines"
          : collected.isEmpty() ? "no log events in " + group + " in the last " + LOG_SINCE.toMinutes() + " min"
          : null;
      return new LogTail(List.copyOf(collected), note);
    } catch (ResourceNotFoundException e) {
      return new LogTail(List.of(), "log group " + group + " not found: no log tail");
    } catch (SdkException e) {
      String code = e instanceof AwsServiceException a && a.awsErrorDetails() != null
          ? a.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
      return new LogTail(List.of(), "log group " + group + " not read (" + code + "): no log tail");
    }
  }

  /** The last {@code wanted} lines of [start, end], reading at most {@link #PAGES_PER_WINDOW} pages. */
  private Window lastLines(String group, Instant start, Instant end, int wanted) {
    Deque<String> last = new ArrayDeque<>();
    String token = null;
    int pages = 0;
    do {
      String next = token;
      FilterLogEventsResponse page = logs.filterLogEvents(b -> b.logGroupName(group)
          .startTime(start.toEpochMilli()).endTime(end.toEpochMilli()).nextToken(next));
      for (FilteredLogEvent e : page.events()) {
        last.addLast(line(e));
        if (last.size() > wanted) {
          last.removeFirst();
        }
      }
      // an unchanged token means the end of the range (the API may repeat it rather than omit it)
      token = Objects.equals(page.nextToken(), token) ? null : page.nextToken();
      pages++;
    } while (token != null && pages < PAGES_PER_WINDOW);
    return new Window(List.copyOf(last), token != null);
  }

  private static String line(FilteredLogEvent e) {
    // application logs may print credentials (a connection URL, a token): they never enter the recovery record
    String message = e.message() == null ? "" : Redaction.redact(e.message().strip());
    if (message.length() > LINE_CHARS) {
      message = message.substring(0, LINE_CHARS) + "...";
    }
    return (e.timestamp() == null ? "?" : Instant.ofEpochMilli(e.timestamp()).toString()) + " " + message;
  }

  private record LogTail(List<String> lines, String note) {}

  private record Window(List<String> lines, boolean truncated) {}
}

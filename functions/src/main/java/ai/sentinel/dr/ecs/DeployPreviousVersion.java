package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.ecs.EcsServices.Revision;
import ai.sentinel.dr.ecs.EcsState.Rollback;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Scenario 3 steps 2-3: the forced deployment did not stabilise, so deploy the previous version: the highest ACTIVE
 * revision of the same family below the one that failed ({@code update-service --task-definition family:PREVIOUS}).
 * Deregistered (INACTIVE) revisions are never picked: someone retired them. Running it twice sends once: a service
 * already running the chosen revision as PRIMARY is left alone.
 */
public final class DeployPreviousVersion extends Step {
  static final String PHASE = "rollback";

  private final EcsClient ecs;

  public DeployPreviousVersion() {
    this(Deps.fromProcessEnv());
  }

  public DeployPreviousVersion(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public DeployPreviousVersion(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
  }

  @Override
  public String name() {
    return "DeployPreviousVersion";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String name = EcsServices.protectedService(deps.config(), recovery, name());
    EcsState state = recovery.part(EcsState.PART);
    if (state == null || !state.rollbackDue()) {
      throw new StepFailedError("DeployPreviousVersion runs only when WaitForStability decided a rollback is due");
    }
    String cluster = EcsSettings.of(deps.config()).cluster();
    Service service = EcsServices.describe(ecs, cluster, name);
    // the revision that failed is the one the forced deployment ran, not whatever runs now (a retried rollback
    // already runs the previous one, and "the one below it" would roll back twice)
    String from = failedRevision(state, service);
    Revision failing = revisionOf(from);
    String previous = previousActive(failing);
    if (previous == null) {
      throw new StepFailedError("no previous ACTIVE revision of family " + failing.family() + " to roll back to "
          + "(below revision " + failing.number() + "): a human must pick a task definition");
    }
    String reason = (state.decision() == null ? EcsServices.shortName(from) + " did not stabilise" : state.decision())
        + "; previous ACTIVE revision of " + failing.family() + " is " + EcsServices.shortName(previous);
    Rollback rollback = new Rollback(from, previous, reason);
    Recovery out = recovery.log(entry("decided", "roll back " + name + " from " + EcsServices.shortName(from)
        + " to " + EcsServices.shortName(previous) + ": " + reason));

    Deployment primary = EcsServices.primary(service);
    if (primary != null && EcsServices.revision(EcsServices.runningRevision(service))
        .equals(EcsServices.revision(previous))) {
      EcsState.Deployment kept = new EcsState.Deployment(primary.id(), previous,
          primary.createdAt() == null ? now() : primary.createdAt().toString());
      return out.with(EcsState.PART, state.started(PHASE, kept).withRollback(rollback)).log(entry("skipped", name
          + " already runs " + EcsServices.shortName(previous) + " as PRIMARY (deployment " + primary.id()
          + "): not sent again"));
    }
    UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(cluster).service(name)
        .taskDefinition(previous).build();
    Mutation<UpdateServiceResponse> sent = mutate(out, "ecs", "UpdateService", EcsServices.target(cluster, name),
        request, () -> ecs.updateService(request));
    Deployment now = sent.sent() && sent.response().service() != null
        ? EcsServices.primary(sent.response().service()) : null;
    EcsState.Deployment started = new EcsState.Deployment(now == null ? null : now.id(), previous,
        now == null || now.createdAt() == null ? now() : now.createdAt().toString());
    return sent.recovery().with(EcsState.PART, state.started(PHASE, started).withRollback(rollback))
        .log(entry(sent.sent() ? "rolling-back" : "would-roll-back", "deployed " + EcsServices.shortName(previous)
            + " to " + name + (started.id() == null ? "" : " (deployment " + started.id() + ")")
            + ": runbook step 3, previous version"));
  }

  private static String failedRevision(EcsState state, Service service) {
    if (state.deployment() != null && state.deployment().taskDefinition() != null) {
      return state.deployment().taskDefinition();
    }
    if (state.diagnosis() != null && state.diagnosis().taskDefinition() != null) {
      return state.diagnosis().taskDefinition();
    }
    String running = EcsServices.runningRevision(service);
    if (running == null) {
      throw new StepFailedError("cannot tell which task definition " + service.serviceName() + " failed with");
    }
    return running;
  }

  /** Family and revision from the ARN, or from the runbook's {@code describe-task-definition} when it is not one. */
  private Revision revisionOf(String taskDefinition) {
    return EcsServices.revision(taskDefinition).orElseGet(() -> {
      TaskDefinition td = ecs.describeTaskDefinition(b -> b.taskDefinition(taskDefinition)).taskDefinition();
      if (td == null || td.family() == null || td.revision() == null) {
        throw new StepFailedError("task definition " + taskDefinition + " has no family and revision");
      }
      return new Revision(td.family(), td.revision());
    });
  }

  /** ARN of the highest ACTIVE revision of the family below the failing one, or null. */
  private String previousActive(Revision failing) {
    String best = null;
    int bestNumber = 0;
    String token = null;
    do {
      String next = token;
      ListTaskDefinitionsResponse page = ecs.listTaskDefinitions(b -> b.familyPrefix(failing.family())
          .status(TaskDefinitionStatus.ACTIVE).sort(SortOrder.DESC).nextToken(next));
      for (String arn : page.taskDefinitionArns()) {
        // familyPrefix is a prefix: "sentinel-api" also lists "sentinel-api-canary"
        Revision r = EcsServices.revision(arn).orElse(null);
        if (r != null && r.family().equals(failing.family()) && r.number() < failing.number()
            && r.number() > bestNumber) {
          best = arn;
          bestNumber = r.number();
        }
      }
      token = page.nextToken();
    } while (token != null);
    return best;
  }
}

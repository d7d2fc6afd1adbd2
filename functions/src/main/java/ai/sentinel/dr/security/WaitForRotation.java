package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.wait.Awaited;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * One poll of the rotations RotateSecrets started ({@code DescribeSecret}): a secret is rotated when the version its
 * rotation created holds AWSCURRENT. When every one is, {@code $.rotation.done} lets the state machine go on (the
 * services are then restarted onto the new values: the recovery's repoint time is set). A rotation function that
 * fails leaves its version AWSPENDING and AWSCURRENT where it was: after {@code maxPolls} checks the recovery stops
 * with the secret named (the function's log says why). A dry-run has nothing to wait for.
 */
public final class WaitForRotation extends Step {
  public WaitForRotation() {
    this(Deps.fromProcessEnv());
  }

  public WaitForRotation(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForRotation(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "WaitForRotation";
  }

  /**
   * What Secrets Manager says when a rotation's finishSecret moves AWSCURRENT to the new version (its "Secret Label
   * Updated" event), for each secret not yet seen rotated: it wakes "Wait for rotation"; the poll decides.
   */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    RotationState state = recovery.part(RotationState.PART);
    if (state == null || state.done()) {
      return List.of();
    }
    return state.secrets().entrySet().stream().filter(e -> e.getValue().rotatedAt() == null)
        .map(e -> Awaited.secretCurrentMoved(e.getKey())).toList();
  }

  @Override
  protected Recovery run(Recovery recovery) {
    RotationState state = recovery.part(RotationState.PART);
    if (state == null) {
      throw new StepFailedError("WaitForRotation needs RotateSecrets' result");
    }
    if (state.done()) {
      return recovery;
    }
    if (recovery.dryRun()) {
      return recovery.with(RotationState.PART, new RotationState(state.secrets(), true, state.polls()))
          .log(entry("skipped", "dry-run: no rotation was started, nothing to wait for"));
    }
    SecretsManagerClient secrets = deps.clients().secrets();
    Map<String, RotationState.Secret> next = new LinkedHashMap<>();
    List<String> waiting = new ArrayList<>();
    Recovery out = recovery;
    for (var e : state.secrets().entrySet()) {
      RotationState.Secret s = e.getValue();
      if (s.rotatedAt() != null) {
        next.put(e.getKey(), s);
        continue;
      }
      Map<String, List<String>> versions = secrets.describeSecret(b -> b.secretId(e.getKey())).versionIdsToStages();
      String current = RotateSecrets.current(versions);
      if (s.token().equals(current)) {
        next.put(e.getKey(), new RotationState.Secret(s.previousVersion(), s.token(), s.requestedAt(), now()));
        out = out.log(entry("rotated", e.getKey() + ": version " + s.token() + " is AWSCURRENT (was "
            + s.previousVersion() + ")"));
      } else {
        next.put(e.getKey(), s);
        List<String> stages = versions.getOrDefault(s.token(), List.of());
        waiting.add(e.getKey() + (stages.isEmpty() ? " (new version not created yet)" : " (new version " + stages
            + ")"));
      }
    }
    int polls = state.polls() + 1;
    if (waiting.isEmpty()) {
      out = out.with(RotationState.PART, new RotationState(next, true, polls));
      if (out.repointedAt() == null) {
        out = out.withRepointedAt(now());
      }
      return out.log(entry("verified", "every rotated secret has a new AWSCURRENT version: " + next.keySet()));
    }
    if (polls >= recovery.options().maxPolls()) {
      throw new TimedOutError("rotation of " + waiting + " not finished after " + polls + " polls: AWSCURRENT is "
          + "unchanged; see the rotation function's log");
    }
    return out.with(RotationState.PART, new RotationState(next, false, polls))
        .log(entry(Recovery.WAITING, "rotating: " + waiting + " (poll " + polls + ")"));
  }
}

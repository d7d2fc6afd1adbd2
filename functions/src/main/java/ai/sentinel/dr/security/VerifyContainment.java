package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Scenario 6's "success only after verification": every containment the recovery recorded is read back from AWS
 * before the incident is reported contained. The blocked ranges are in the WAF IP set; each rotated secret's
 * AWSCURRENT is the version this recovery's rotation created (not the one before); the evidence manifest exists; an
 * isolated service is back at its remembered count. Revoked keys are the one check taken from the step's own record:
 * RevokeApiKeys re-read the table in the same transaction and fails unless every key was revoked (this function is
 * not in the database's VPC). A containment that did not apply is not checked; a dry-run verifies nothing. Any
 * check that fails fails the step ({@link VerificationFailedError}): the execution never succeeds unverified, and the
 * report's RTO ends at this step's "verified" entry.
 */
@UsesSettings(SecuritySettings.class)
public final class VerifyContainment extends Step {
  public VerifyContainment() {
    this(Deps.fromProcessEnv());
  }

  public VerifyContainment(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyContainment(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "VerifyContainment";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    if (recovery.dryRun()) {
      Verification skipped = Verification.of(List.of(new Check("all", Result.SKIP, "dry-run: nothing was changed")));
      return recovery.withVerification(skipped).log(entry("skipped", "dry-run: verification not run"));
    }
    SecurityState state = recovery.part(SecurityState.PART);
    List<Check> checks = new ArrayList<>();
    if (state != null && state.blocks() != null) {
      checks.add(blocks(state.blocks()));
    }
    if (state != null && state.revocation() != null) {
      SecurityState.Revocation r = state.revocation();
      checks.add(new Check("API keys revoked", r.unknown().isEmpty() ? Result.PASS : Result.FAIL,
          "RevokeApiKeys read the table back: revoked " + r.revoked() + ", revoked before " + r.alreadyRevoked()
          + (r.unknown().isEmpty() ? "" : ", not in the table " + r.unknown())));
    }
    RotationState rotation = recovery.part(RotationState.PART);
    if (rotation != null) {
      rotation.secrets().forEach((id, s) -> checks.add(rotated(id, s)));
    }
    EvidenceState evidence = recovery.part(EvidenceState.PART);
    if (evidence != null) {
      checks.add(evidence(evidence));
    }
    if (state != null && state.isolation() != null) {
      checks.add(restored(state.isolation()));
    }
    if (checks.isEmpty()) {
      checks.add(new Check("containment", Result.FAIL, "no containment was recorded: nothing to verify"));
    }
    Verification verification = Verification.of(checks);
    if (!verification.verified()) {
      // no success without every containment read back: the execution fails and the on-call is paged with why
      throw new VerificationFailedError("containment not verified: " + checks.stream()
          .filter(c -> c.result() == Result.FAIL).map(c -> c.name() + ": " + c.detail()).toList());
    }
    String summary = checks.stream().map(c -> c.name() + " " + c.result()).toList().toString();
    // the report's RTO ends here (SecurityIncidentReport#verifySteps): containment verified, not merely sent
    return recovery.withVerification(verification).log(entry("verified", summary));
  }

  private Check blocks(SecurityState.Blocks blocks) {
    List<String> wanted = Stream.concat(blocks.added().stream(), blocks.alreadyBlocked().stream()).toList();
    IpSets.Snapshot set = new IpSets(deps.clients(), SecuritySettings.of(deps.config()).ipSet()).read();
    List<String> missing = wanted.stream().filter(c -> !set.entries().containsKey(c)).toList();
    return new Check("blocked at WAF", missing.isEmpty() ? Result.PASS : Result.FAIL, missing.isEmpty()
        ? wanted.size() + " range(s) in the IP set " + SecuritySettings.of(deps.config()).ipSet().name() + ": " + wanted
        : "not in the IP set: " + missing);
  }

  private Check rotated(String secretId, RotationState.Secret s) {
    String current = RotateSecrets.current(deps.clients().secrets().describeSecret(b -> b.secretId(secretId))
        .versionIdsToStages());
    boolean ok = s.token().equals(current) && !current.equals(s.previousVersion());
    return new Check("rotated " + secretId, ok ? Result.PASS : Result.FAIL, "AWSCURRENT is version " + current
        + (ok ? " (new; was " + s.previousVersion() + ")" : ", expected " + s.token()));
  }

  private Check evidence(EvidenceState e) {
    if (e.manifestKey() == null) {
      return new Check("evidence preserved", Result.FAIL, "no manifest was written");
    }
    try {
      long size = deps.clients().s3().headObject(b -> b.bucket(e.bucket()).key(e.manifestKey())).contentLength();
      return new Check("evidence preserved", Result.PASS, "s3://" + e.bucket() + "/" + e.manifestKey() + " ("
          + size + " bytes) lists " + e.objects().size() + " object(s) with SHA-256");
    } catch (NoSuchKeyException ex) {
      return new Check("evidence preserved", Result.FAIL, "manifest s3://" + e.bucket() + "/" + e.manifestKey()
          + " is missing");
    } catch (software.amazon.awssdk.services.s3.model.S3Exception ex) {
      if (ex.statusCode() == 404) {
        return new Check("evidence preserved", Result.FAIL, "manifest s3://" + e.bucket() + "/" + e.manifestKey()
            + " is missing");
      }
      throw ex;
    }
  }

  private Check restored(SecurityState.Isolation isolation) {
    Service service = deps.clients().ecs().describeServices(b -> b.cluster(isolation.cluster())
        .services(isolation.service())).services().stream().findFirst().orElse(null);
    Integer desired = service == null ? null : service.desiredCount();
    boolean ok = desired != null && desired.equals(isolation.previousDesired());
    return new Check("service restored", ok ? Result.PASS : Result.FAIL, isolation.service() + " desired "
        + desired + ", running " + (service == null ? null : service.runningCount()) + " (before isolation "
        + isolation.previousDesired() + ")");
  }
}

package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.common.OneAttempt;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.wait.TaskTokens;
import ai.sentinel.dr.wait.WaitTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Base of every runbook step handler: reads the recovery document, runs the step, appends to the timeline, writes the
 * document back. AWS errors become typed errors the state machine understands: throttling, 5xx and client-side I/O
 * failures are {@link RetryableStepError}; the rest are {@link StepFailedError}.
 */
public abstract class Step implements RequestStreamHandler, Resource {
  /** The wait state's payload: the document, and the task token to register ({@link #awaits}). */
  public static final String RECOVERY = "recovery";
  public static final String AWAIT = "await";
  /** The field of a schedule's input ({@link #scheduled}). */
  public static final String SCHEDULED = "scheduled";
  protected final Deps deps;

  protected Step(Deps deps) {
    this.deps = deps;
    Core.getGlobalContext().register(this);
  }

  /** Runbook step name as it appears in state names, logs and the timeline. */
  public abstract String name();

  /** Does the step's work. Must be safe to run twice with the same input (the state machine retries). */
  protected abstract Recovery run(Recovery recovery);

  /**
   * What this poll step waits for, when AWS sends an event once it is there ({@link ai.sentinel.dr.wait.ReadyEvents}):
   * the state machine then waits for that event (or {@code pollSeconds}) instead of sleeping. Empty (the default):
   * no such event, the loop only polls.
   */
  public List<Awaited> awaits(Recovery recovery) {
    return List.of();
  }

  /**
   * The clients of the region where this step's state machine and its wait table are (they are registered and
   * answered there: a task token is only known to its own region's Step Functions). The function's own region by
   * default; the DR stack's steps name the DR region explicitly, whatever else they read.
   */
  protected Clients waitClients() {
    return deps.clients();
  }

  /**
   * The input of a one-time schedule this step created ({@code {"scheduled": {...}}}, e.g. the end of something it
   * started), answered by the step's own function so that it needs no function of its own; refused by default.
   */
  protected Object scheduled(JsonNode input) {
    throw new IllegalArgumentException(name() + " runs no scheduled work");
  }

  private String functionArn;

  /** The running function's ARN (Lambda's context), or null outside Lambda or before the first invocation. */
  protected String functionArn() {
    return functionArn;
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    // one invocation at a time per instance: the ARN of this one, for links to its execution (oncall.ConsoleLinks)
    functionArn = context == null ? null : context.getInvokedFunctionArn();
    JsonNode root = Json.MAPPER.readTree(input);
    if (root != null && root.has(SCHEDULED)) {
      Json.MAPPER.writeValue(output, scheduled(root.get(SCHEDULED)));
      return;
    }
    if (root != null && root.has(AWAIT) && root.has(RECOVERY)) {
      Json.MAPPER.writeValue(output, await(Json.MAPPER.treeToValue(root.get(RECOVERY), Recovery.class),
          root.get(AWAIT).path("token").asText()));
      return;
    }
    Recovery in = Json.MAPPER.treeToValue(root, Recovery.class);
    String correlation = in.executionName();
    Log.info(correlation, "step.started", Map.of("step", name(), "scenario", String.valueOf(in.scenario()),
        "resource", String.valueOf(in.resource()), "dryRun", in.dryRun()));
    if (in.approval() != null && !in.approval().path("recorded").asBoolean(false)) {
      // the approver's answer is the audit record of the gate just passed
      in = in.withApproval(((com.fasterxml.jackson.databind.node.ObjectNode) in.approval().deepCopy())
          .put("recorded", true)).log(entry("approved", in.approval().path("decision").asText("approved") + " by "
          + in.approval().path("by").asText("unknown")
          + (in.approval().hasNonNull("identity") ? " (" + in.approval().get("identity").asText() + ")" : "")
          + " at " + in.approval().path("at").asText("?")
          + (in.approval().hasNonNull("reason") ? ": " + in.approval().get("reason").asText() : "")
          + (in.approval().path("choices").size() > 0 ? "; chose " + in.approval().get("choices") : "")));
    }
    Recovery out;
    try {
      out = run(in);
    } catch (AwsServiceException e) {
      RuntimeException typed = classify(e);
      logFailure(correlation, typed);
      throw typed;
    } catch (SdkClientException e) {
      RuntimeException typed = new RetryableStepError(name() + ": " + e.getMessage(), e);
      logFailure(correlation, typed);
      throw typed;
    } catch (RuntimeException e) {
      logFailure(correlation, e);
      throw e;
    }
    Log.info(correlation, "step.finished", Map.of("step", name()));
    Json.MAPPER.writeValue(output, out);
  }

  /**
   * The wait state before this poll ({@code {"recovery": ..., "await": {"token": ...}}}, a {@code .waitForTaskToken}
   * task timing out after {@code pollSeconds}): registers the token against what this step {@link #awaits}, so that
   * the event saying it is ready wakes the wait; then polls once more, since the event may have come before the token
   * was registered, and answers the token itself when the poll would not wait (ready, decided, failed or timed out:
   * the poll after the wait says which). The document is not changed here; a registration that fails only leaves the
   * wait to its timeout, i.e. a poll interval.
   */
  private Map<String, Object> await(Recovery in, String token) {
    List<Awaited> awaited = awaits(in);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("step", name());
    fields.put("awaits", awaited.stream().map(Awaited::key).toList());
    String table = deps.config().waitTable();
    if (!awaited.isEmpty() && table != null && !in.dryRun()) {
      try {
        Duration ttl = Duration.ofSeconds(in.options().pollSeconds() + 300L);
        new WaitTokens(waitClients().dynamoDb(), table, deps.clock()).register(awaited, in.executionName(), token,
            ttl);
        fields.put("registered", true);
      } catch (RuntimeException e) {
        fields.put("registered", false);
        fields.put("error", String.valueOf(e.getMessage()));
      }
    }
    boolean waiting;
    try {
      waiting = stillWaiting(in);
    } catch (RuntimeException e) {
      waiting = false; // the poll after the wait raises it where the state machine catches it
    }
    boolean answered = !waiting && TaskTokens.answer(waitClients().sfn(), token,
        Json.write(Map.of("wokenBy", name())));
    fields.put("ready", !waiting);
    fields.put("answered", answered);
    Log.info(in.executionName(), "wait.registered", fields);
    return fields;
  }

  /**
   * Whether the poll would still wait, asked by the wait state right after it registered its token (its answer is
   * discarded: the poll after the wait runs for real). By default the poll itself, which must then change nothing; a
   * poll step that acts once what it waits for is there (e.g. sets the next restore step) overrides it with a check
   * that only reads.
   */
  protected boolean stillWaiting(Recovery in) {
    List<TimelineEntry> timeline = run(in).timeline();
    TimelineEntry last = timeline.isEmpty() ? null : timeline.get(timeline.size() - 1);
    return last != null && Recovery.WAITING.equals(last.event()) && name().equals(last.step());
  }

  private RuntimeException classify(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String message = name() + ": " + code + " " + e.getMessage();
    if (e.isThrottlingException() || e.statusCode() >= 500) {
      return new RetryableStepError(message, e);
    }
    return new StepFailedError(message, e);
  }

  private void logFailure(String correlation, RuntimeException e) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("step", name());
    fields.put("errorType", e.getClass().getName());
    fields.put("message", String.valueOf(e.getMessage()));
    Log.error(correlation, "step.failed", fields);
  }

  /** Timeline entry stamped now, for this step. */
  protected TimelineEntry entry(String event, String detail) {
    return new TimelineEntry(now(), name(), event, detail);
  }

  protected String now() {
    return Instant.now(deps.clock()).toString();
  }

  /**
   * Sends a mutating call, or in a dry-run records it in the plan and sends nothing. The target must be one the
   * environment config names; anything else is refused before any request leaves.
   */
  protected <T> Mutation<T> mutate(Recovery recovery, String service, String api, String target, Object request,
      Supplier<T> call) {
    if (!deps.config().allows(service, target)) {
      throw new OutsideBlastRadiusError(name() + " refused " + service + ":" + api + " on '" + target
          + "': not a resource named in the " + deps.config().environment() + " environment config");
    }
    if (recovery.dryRun()) {
      PlannedCall planned = new PlannedCall(name(), service, api, target, String.valueOf(request));
      Log.info(recovery.executionName(), "step.planned", Map.of("step", name(), "service", service, "api", api,
          "target", target));
      return new Mutation<>(null, recovery.withPlanned(planned)
          .log(entry("planned", service + ":" + api + " on " + target + " (dry-run, not sent)")));
    }
    T result = OneAttempt.call(call);
    Log.info(recovery.executionName(), "step.mutated", Map.of("step", name(), "service", service, "api", api,
        "target", target));
    return new Mutation<>(result, recovery.log(entry("requested", service + ":" + api + " on " + target)));
  }

  /** Result of {@link #mutate}: the SDK response (null in a dry-run) and the recovery with its audit entry. */
  public record Mutation<T>(T response, Recovery recovery) {
    public boolean sent() {
      return response != null;
    }
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    // SnapStart: load Jackson's and our model's classes before the snapshot so the first real event does not pay
    Recovery sample = Recovery.start("prime", "prime", "prime", "prime",
        new Trigger("manual", "manual", "prime", "1970-01-01T00:00:00Z", "prime"),
        new Options(null, "latest", null, true, 1, 1));
    Json.read(Json.bytes(sample), Recovery.class);
    deps.clients().prime(ScenarioRegistry.priming(deps.config()));
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // nothing to refresh: clients resolve credentials per call
  }
}

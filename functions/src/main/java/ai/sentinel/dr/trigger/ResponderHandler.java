package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import ai.sentinel.dr.safety.RecoveryLocks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import org.crac.Core;
import org.crac.Resource;

/**
 * Base of the responder Lambdas. Raw bytes in (so malformed, oversize or mistyped payloads get a clear rejection
 * instead of a deserialisation stack trace), the responder's JSON answer out. Rejections are answered, not thrown:
 * retrying bad input cannot help, and an answer is what a person invoking by hand needs to see.
 */
@UsesSettings(all = true)
public abstract class ResponderHandler implements RequestStreamHandler, Resource {
  private final Responder responder;
  private final Set<String> accepted;
  private final Deps deps;

  protected ResponderHandler(Deps deps, Set<String> accepted) {
    this.responder = new Responder(deps.config(), deps.clients().sfn(), new RecoveryLocks(deps.clients().dynamoDb(),
        deps.config().requireLockTable(), deps.clock(), Duration.ofSeconds(deps.config().lockLeaseSeconds())),
        OnCall.of(deps), deps.clock());
    this.accepted = accepted;
    this.deps = deps;
    Core.getGlobalContext().register(this);
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    // read one byte past the limit: enough to know it is too big without holding an unbounded payload
    byte[] raw = input.readNBytes(EventClassifier.MAX_BYTES + 1);
    if (raw.length > EventClassifier.MAX_BYTES) {
      raw = new byte[EventClassifier.MAX_BYTES + 1];
    }
    Responder.Response response = responder.handle(raw, accepted, getClass().getSimpleName(),
        context == null ? null : context.getAwsRequestId());
    Json.MAPPER.writeValue(output, response);
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    // SnapStart: run the classifier once so Jackson and event-ruler classes are loaded before the snapshot
    responder.classifier().classify("{\"runbook\":\"prime\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    deps.clients().prime(ScenarioRegistry.priming(deps.config()));
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // nothing to refresh
  }
}

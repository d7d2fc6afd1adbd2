package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.wait.TaskTokens;
import ai.sentinel.dr.wait.WaitTokens;
import ai.sentinel.dr.wait.WaitTokens.Waiter;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The responder of the ready events ({@link ai.sentinel.dr.wait.ReadyEvents}: an RDS instance created or restored, an
 * ECS deployment completed or service in steady state, an ElastiCache cluster provisioned, a manual DB snapshot
 * created, a secret's AWSCURRENT label moved): wakes every recovery
 * whose wait loop registered a task token for that resource (SendTaskSuccess), then forgets the token. It starts
 * nothing. The event is matched by the classifier's event-ruler against the deployed rules (so it is given every
 * settings section, as the responders are), and the woken wait polls the resource itself before anything goes on.
 */
@UsesSettings(all = true)
public final class WaitResponder implements RequestStreamHandler {
  private final EventClassifier classifier;
  private final WaitTokens tokens;
  private final SfnClient sfn;

  public WaitResponder() {
    this(Deps.fromProcessEnv());
  }

  public WaitResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitResponder(Deps deps) {
    this.classifier = new EventClassifier(deps.config(), deps.clock());
    this.tokens = deps.config().waitTable() == null ? null
        : new WaitTokens(deps.clients().dynamoDb(), deps.config().waitTable(), deps.clock());
    this.sfn = deps.clients().sfn();
  }

  /**
   * What the responder did.
   *
   * @param action   "woke" when a waiting recovery was answered, else "ignore"
   * @param awaited  what the event says is ready
   * @param woken    the executions this event woke
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Answer(String action, List<String> awaited, List<String> woken, String reason) {}

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] raw = input.readNBytes(EventClassifier.MAX_BYTES + 1);
    Json.MAPPER.writeValue(output, handle(raw));
  }

  /** Wakes the recoveries waiting for what {@code raw} says is ready. */
  public Answer handle(byte[] raw) {
    List<Awaited> ready = classifier.awaited(raw);
    if (ready.isEmpty()) {
      return new Answer("ignore", List.of(), List.of(), "not a ready event of this stack");
    }
    List<String> keys = ready.stream().map(Awaited::key).toList();
    if (tokens == null) {
      return new Answer("ignore", keys, List.of(), "no wait table configured: waits only poll");
    }
    List<String> woken = new ArrayList<>();
    for (Awaited awaited : ready) {
      for (Waiter waiter : tokens.waiting(awaited)) {
        if (TaskTokens.answer(sfn, waiter.token(), Json.write(Map.of("wokenBy", awaited.key())))) {
          woken.add(waiter.execution());
        }
        // answered now, or before (timed out, or woken by another event): either way nobody waits on it any more
        tokens.forget(awaited, waiter);
      }
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("awaited", keys);
    fields.put("woken", woken);
    Log.info(null, "wait.woken", fields);
    return new Answer(woken.isEmpty() ? "ignore" : "woke", keys, woken, woken.isEmpty()
        ? "routine event: no recovery waits for " + String.join(", ", keys) : "woke " + woken.size() + " wait(s)");
  }
}

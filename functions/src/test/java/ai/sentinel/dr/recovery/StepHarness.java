package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs a step the way Lambda does: the recovery document as JSON bytes in, JSON bytes out (so every test also proves
 * the state survives serialization between states). Also captures the structured log lines.
 */
public final class StepHarness {
  private StepHarness() {}

  /** handleRequest with byte streams; returns the document the step wrote, or throws what the step threw. */
  public static Recovery invoke(Step step, Recovery in) {
    return Json.read(invokeRaw(step, in), Recovery.class);
  }

  /** As {@link #invoke} but returns the exact bytes written (for "does the output contain X" checks). */
  public static byte[] invokeRaw(Step step, Recovery in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      step.handleRequest(new ByteArrayInputStream(Json.bytes(in)), out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The step invoked as the wait state before its poll ({"recovery": in, "await": {"token": token}}): what it answered
   * (ready, registered, answered).
   */
  public static com.fasterxml.jackson.databind.JsonNode awaitInvoke(Step step, Recovery in, String token) {
    com.fasterxml.jackson.databind.node.ObjectNode payload = Json.object();
    payload.set(Step.RECOVERY, Json.tree(Json.write(in)));
    payload.putObject(Step.AWAIT).put("token", token);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      step.handleRequest(new ByteArrayInputStream(payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Json.tree(out.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Sends every log line to the returned list until {@link #releaseLogs()}. */
  public static List<String> captureLogs() {
    List<String> lines = new CopyOnWriteArrayList<>();
    Log.setSink(lines::add);
    return lines;
  }

  public static void releaseLogs() {
    Log.setSink(System.out::println);
  }

  /** Timeline entries of one step with one event, in order. */
  public static List<TimelineEntry> entries(Recovery r, String step, String event) {
    return r.timeline().stream().filter(e -> e.step().equals(step) && e.event().equals(event)).toList();
  }

  /** The only entry of one step with one event; fails when there is not exactly one. */
  public static TimelineEntry only(Recovery r, String step, String event) {
    List<TimelineEntry> found = entries(r, step, event);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + step + "/" + event + " entry, timeline: " + r.timeline());
    }
    return found.get(0);
  }
}

package ai.sentinel.dr.bench.runner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The child JVM of the cold-start benchmark: what the Lambda Java runtime does for a first event, and nothing else.
 * Instantiates the handler class with its public no-arg constructor (as Lambda does), optionally primes it the way
 * SnapStart would ({@code beforeCheckpoint}), hands it one event, and writes its timings to a result file; then exits
 * at once. Lambda itself also hands the event over as a stream and passes a Context; no handler measured here uses
 * the Context, so it is null.
 *
 * <p>Usage: {@code FirstEvent <result file> [--prime | --second] (<handler class> <event file> <output file>)+}.
 * Only the first event is timed; more are for training runs (an AppCDS archive covering several handlers). With
 * {@code --second} the first event is handled untimed and the second one (same handler instance) is timed: the best a
 * snapshot primed by a full event could do.
 *
 * <p>This class has no dependencies and is put first on the classpath, in its own jar, so the jar under test is
 * exactly the deployed one. It avoids java.lang.management and logging: every class it loads counts.
 */
public final class FirstEvent {

  private FirstEvent() {}

  public static void main(String[] args) throws Exception {
    long mainNanos = System.nanoTime();
    Instant main = Instant.now();
    Path resultFile = Path.of(args[0]);
    int next = 1;
    boolean prime = false;
    boolean second = false;
    if ("--prime".equals(args[next])) {
      prime = true;
      next++;
    } else if ("--second".equals(args[next])) {
      second = true;
      next++;
    }
    StringBuilder result = new StringBuilder("mainMicros=").append(micros(main));
    boolean first = true;
    Object previous = null;
    try {
      for (; next + 2 < args.length; next += 3) {
        long t0 = System.nanoTime();
        Object handler = second && previous != null ? previous
            : Class.forName(args[next]).getConstructor().newInstance();
        long t1 = System.nanoTime();
        if (prime) {
          prime(handler);
        }
        long primed = System.nanoTime();
        if (second && previous == null) {
          // the priming event: handled, not timed
          ByteArrayOutputStream output = new ByteArrayOutputStream();
          handle(handler, new ByteArrayInputStream(Files.readAllBytes(Path.of(args[next + 1]))), output);
          Files.write(Path.of(args[next + 2]), output.toByteArray());
          previous = handler;
          continue;
        }
        byte[] event = Files.readAllBytes(Path.of(args[next + 1]));
        long t2 = System.nanoTime();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handle(handler, new ByteArrayInputStream(event), output);
        long t3 = System.nanoTime();
        Instant end = Instant.now();
        Files.write(Path.of(args[next + 2]), output.toByteArray());
        if (first) {
          result.append(" beforeInitNanos=").append(t0 - mainNanos)
              .append(" initNanos=").append(t1 - t0)
              .append(" primeNanos=").append(primed - t1)
              .append(" handleNanos=").append(t3 - t2)
              .append(" endMicros=").append(micros(end))
              .append(" outputBytes=").append(output.size());
          first = false;
        }
      }
      Files.writeString(resultFile, result.append('\n').toString(), StandardCharsets.UTF_8);
    } catch (Throwable e) {
      Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
      cause.printStackTrace();
      System.exit(1);
    }
    // exit now, as Lambda freezes the sandbox: no waiting for non-daemon threads of a client's pool
    System.exit(0);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private static void handle(Object handler, InputStream in, OutputStream out) throws Exception {
    for (Method m : handler.getClass().getMethods()) {
      if (m.getName().equals("handleRequest") && m.getParameterCount() == 3
          && m.getParameterTypes()[0] == InputStream.class && m.getParameterTypes()[1] == OutputStream.class) {
        m.invoke(handler, in, out, null);
        return;
      }
    }
    throw new IllegalArgumentException(handler.getClass() + " is not a RequestStreamHandler");
  }

  /** SnapStart runs the registered org.crac Resources' beforeCheckpoint before it takes the snapshot. */
  private static void prime(Object handler) throws Exception {
    for (Method m : handler.getClass().getMethods()) {
      if (m.getName().equals("beforeCheckpoint") && m.getParameterCount() == 1) {
        m.invoke(handler, new Object[] {null});
        return;
      }
    }
  }
}

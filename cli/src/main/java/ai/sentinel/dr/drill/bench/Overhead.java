package ai.sentinel.dr.drill.bench;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.ExecutionWatcher;
import ai.sentinel.dr.drill.LocalEventBus;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.StatePath;
import ai.sentinel.dr.localcloud.CloudTemplate;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * bench/overhead.sh: what a recovery adds on top of the AWS operations it waits for, with waits that end on AWS's
 * event and with polling only. Each drill runs on its own fresh local cloud whose operations take a configured time
 * (moto_launcher.py E1-E3: restore, rollout, cache creation) at a {@code pollSeconds} of 10; the two modes alternate.
 * In polling-only runs the events are still recorded, at the moment AWS would send them, but reach no function.
 *
 * <p>Per wait loop that ended on its resource being ready: the AWS operation's time is from the loop's first poll to
 * the moment the resource was ready (its event), the wait's overhead from that moment to the poll that found it. Per
 * drill: the operations' time, the runbook's patience (loops the step ended without the resource getting ready: the
 * ECS drill's broken deployment, given stablePolls polls before the rollback, the same in both modes), the recovery's
 * total (execution start to end), the overhead (total minus operations and patience: the steps' own time and the
 * waits' overhead), the waits' overhead alone, and the rest split by {@link OverheadBreakdown} into the steps' Lambda
 * invocations and the Step Functions engine's own time (per state in each run's states.tsv, every history event in
 * history.tsv). A benchmark, not a test: it prints, it asserts nothing but that every drill verified.
 */
public final class Overhead {
  private Overhead() {}

  /** One drill's measurements. */
  record Measured(String scenario, boolean events, boolean verified, double total, double operations,
      double patience, int waits, double waitOverhead, OverheadBreakdown.Split split) {
    double overhead() {
      return total - operations - patience;
    }

    /** The Step Functions engine's share: the overhead that is neither the waits' nor the steps' invocations. */
    double engine() {
      return overhead() - waitOverhead - split.invocations();
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    double restore = number("RESTORE_SECONDS", 20);
    double rollout = number("ROLLOUT_SECONDS", 10);
    double cache = number("CACHE_SECONDS", 20);
    int poll = (int) number("POLL_SECONDS", 10);
    int rounds = (int) number("ROUNDS", 1);
    List<String> scenarios = List.of(System.getenv().getOrDefault("SCENARIOS",
        "database-failure,redis-failure,ecs-service-failure").split(","));
    Path work = Files.createDirectories(root.resolve("bench/target/overhead"));
    System.out.printf(Locale.ROOT, "overhead: restore %.0f s, rollout %.0f s, cache creation %.0f s (each plus a "
        + "random part of a poll interval), pollSeconds %d, %d round(s), logs in %s%n", restore, rollout, cache, poll,
        rounds, work);
    // both stacks of local (the DR stack in eu-west-1): region-failure runs in the DR stack, the others in the first
    List<CloudTemplate> template = Templates.stacks(root, "local", List.of());
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("POLL_SECONDS", Integer.toString(poll));
    // the ECS drill's broken deployment is given 2 polls before the rollback (the same in both modes)
    overrides.put("SETTINGS_ECS", "{\"stablePolls\":2}");
    // the first drill in a JVM loads and compiles the classes of every step (the cold start bench/coldstart.sh
    // measures): counted, it made whichever mode ran first look 1-1.5 s slower in its steps alone
    if (!"0".equals(System.getenv("WARMUP"))) {
      Measured w = run(template, overrides, work, scenarios.get(0), true, 0, 0, 0);
      System.out.printf(Locale.ROOT, "  warm-up (not counted): %s, total %.1f s%s%n", scenarios.get(0), w.total(),
          w.verified() ? "" : "  NOT VERIFIED");
    }
    List<Measured> all = new ArrayList<>();
    java.util.Random random = new java.util.Random(Long.parseLong(System.getenv().getOrDefault("SEED", "15")));
    for (int round = 0; round < rounds; round++) {
      for (String scenario : scenarios) {
        boolean eventsFirst = (round + all.size() / 2) % 2 == 0;
        // AWS's operations do not end on a poll's beat: each takes its time plus a random part of a poll interval,
        // drawn once per pair so that both modes wait for the same operations
        double r = restore + random.nextDouble() * poll;
        double o = rollout + random.nextDouble() * poll;
        double c = cache + random.nextDouble() * poll;
        for (boolean events : new boolean[] {eventsFirst, !eventsFirst}) {
          Measured m = run(template, overrides, work, scenario, events, r, o, c);
          all.add(m);
          System.out.printf(Locale.ROOT, "  %-20s %-13s total %6.1f s, operations %5.1f s, patience %4.1f s, waits %d, "
              + "wait overhead %5.1f s, steps' invocations %4.1f s, engine %4.1f s%s%n", scenario,
              events ? "event-driven" : "polling-only", m.total(), m.operations(), m.patience(), m.waits(),
              m.waitOverhead(), m.split().invocations(), m.engine(), m.verified() ? "" : "  NOT VERIFIED");
        }
      }
    }
    print(all, scenarios);
    if (all.stream().anyMatch(m -> !m.verified())) {
      System.exit(1);
    }
  }

  private static Measured run(List<CloudTemplate> template, Map<String, String> overrides, Path work, String scenario,
      boolean events, double restore, double rollout, double cache) throws Exception {
    Path dir = Files.createTempDirectory(work, scenario + (events ? "-events-" : "-polling-"));
    try (LocalSentinel sentinel = LocalSentinel.start(template, overrides, dir);
        OutputStream log = Files.newOutputStream(dir.resolve("drill.log"))) {
      sentinel.cloud.setReadiness(restore, rollout, cache, true);
      // the failback's snapshot copy (launcher E9) takes as long as a restore: its own draw would shift the others'
      sentinel.cloud.setReadiness(Map.of("rdsCopySeconds", restore));
      sentinel.events.setDelivering(events);
      Drill.Result result = Drill.of(sentinel, scenario, new PrintStream(log, true, StandardCharsets.UTF_8))
          .run(false);
      // the execution's own region's Step Functions (region-failure's is the DR region's)
      String region = result.executionArn().split(":")[3];
      software.amazon.awssdk.services.sfn.SfnClient sfn = sentinel.stacks.stream().map(s -> s.aws())
          .filter(a -> a.region.id().equals(region)).findFirst().orElse(sentinel.aws).sfn;
      List<HistoryEvent> history = ExecutionWatcher.history(sfn, result.executionArn());
      OverheadBreakdown.writeHistory(history, dir.resolve("history.tsv"));
      String definition = sfn.describeStateMachine(b -> b.stateMachineArn(result.execution().stateMachineArn()))
          .definition();
      List<Instant> ready = sentinel.events.deliveries().stream().filter(d -> d.via().contains("ready-")
          || d.via().contains("elasticache")).map(LocalEventBus.Delivery::at).sorted().toList();
      Measured m = measure(scenario, events, result, history, StatePath.of(definition), ready);
      Files.write(dir.resolve("states.tsv"), m.split().states());
      return m;
    }
  }

  /** The loops of poll and wait states in the history, each ended by its resource's ready event or not. */
  static Measured measure(String scenario, boolean events, Drill.Result result, List<HistoryEvent> history,
      StatePath path, List<Instant> ready) {
    List<HistoryEvent> tasks = history.stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED)
        .toList();
    double operations = 0;
    double overhead = 0;
    int waits = 0;
    Instant loopStart = null;
    Instant readyAt = null;
    Instant foundAt = null;
    boolean waited = false;
    double patience = 0;
    // what is not overhead (the operations, the patience) and the waits' own overhead, as intervals
    List<Instant[]> excluded = new ArrayList<>();
    List<Instant[]> waitGaps = new ArrayList<>();
    for (int i = 0; i <= tasks.size(); i++) {
      String name = i < tasks.size() ? tasks.get(i).stateEnteredEventDetails().name() : null;
      boolean wait = name != null && path.isWait(name);
      boolean pollAfterWait = name != null && i > 0 && path.isWait(tasks.get(i - 1).stateEnteredEventDetails().name());
      if (!wait && !pollAfterWait) {
        // a step that is not the poll after a wait: the loop before it is over; its last readiness counts
        if (readyAt != null && loopStart != null) {
          waits++;
          operations += seconds(loopStart, readyAt);
          overhead += seconds(readyAt, foundAt);
          excluded.add(new Instant[] {loopStart, readyAt});
          waitGaps.add(new Instant[] {readyAt, foundAt});
        } else if (waited && loopStart != null && name != null) {
          // polled until the step decided without the resource getting ready (the ECS drill's broken deployment,
          // given stablePolls polls before the rollback): the runbook's patience, the same in both modes
          patience += seconds(loopStart, tasks.get(i).timestamp());
          excluded.add(new Instant[] {loopStart, tasks.get(i).timestamp()});
        }
        loopStart = name == null ? null : tasks.get(i).timestamp();
        readyAt = null;
        waited = false;
        continue;
      }
      if (!wait || i + 1 >= tasks.size() || i == 0) {
        continue;
      }
      waited = true;
      // the wait between the poll before it and the poll after it: ended by readiness if a ready event came then
      Instant before = tasks.get(i - 1).timestamp();
      Instant after = tasks.get(i + 1).timestamp();
      Instant at = ready.stream().filter(t -> t.isAfter(before) && !t.isAfter(after)).reduce((x, y) -> y)
          .orElse(null);
      if (at != null) {
        readyAt = at;
        foundAt = after;
      }
    }
    double total = seconds(result.execution().startDate(), result.execution().stopDate());
    excluded.addAll(waitGaps);
    return new Measured(scenario, events, result.passed(), total, operations, patience, waits, overhead,
        OverheadBreakdown.split(history, excluded));
  }

  private static void print(List<Measured> all, List<String> scenarios) {
    System.out.println();
    System.out.println("| scenario | mode | AWS operations | runbook patience | total | overhead (total - operations "
        + "- patience) | waits | wait overhead | per wait | steps' Lambda invocations | Step Functions engine |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (String scenario : scenarios) {
      for (boolean events : new boolean[] {true, false}) {
        List<Measured> ms = all.stream().filter(m -> m.scenario().equals(scenario) && m.events() == events).toList();
        if (ms.isEmpty()) {
          continue;
        }
        double waits = avg(ms, Measured::waits);
        double waitOverhead = avg(ms, Measured::waitOverhead);
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f s | %.1f s | %.1f s | %.1f s | %.0f | %.1f s | %.2f s "
            + "| %.1f s | %.1f s |%n", scenario, events ? "event-driven" : "polling-only",
            avg(ms, Measured::operations),
            avg(ms, Measured::patience), avg(ms, Measured::total), avg(ms, Measured::overhead), waits, waitOverhead,
            waits == 0 ? 0 : waitOverhead / waits, avg(ms, m -> m.split().invocations()),
            avg(ms, Measured::engine));
      }
    }
    System.out.println();
    for (String scenario : scenarios) {
      List<Measured> ev = all.stream().filter(m -> m.scenario().equals(scenario) && m.events()).toList();
      List<Measured> po = all.stream().filter(m -> m.scenario().equals(scenario) && !m.events()).toList();
      if (ev.isEmpty() || po.isEmpty()) {
        continue;
      }
      System.out.printf(Locale.ROOT, "%s: polling/event-driven: overhead %.1fx, wait overhead %.1fx%n", scenario,
          avg(po, Measured::overhead) / Math.max(0.001, avg(ev, Measured::overhead)),
          avg(po, Measured::waitOverhead) / Math.max(0.001, avg(ev, Measured::waitOverhead)));
    }
  }

  private static double avg(List<Measured> ms, java.util.function.ToDoubleFunction<Measured> f) {
    return ms.stream().mapToDouble(f).average().orElse(0);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static double number(String name, double fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Double.parseDouble(value);
  }
}

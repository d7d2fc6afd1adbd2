package ai.sentinel.dr.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One configuration measured: a handler (ours or a naive baseline) doing one workload, with its JVM flags and the way
 * its timed event is reached.
 *
 * @param baseline the naive variant of its workload, the denominator of its ratios
 */
record Variant(String id, String label, Workload workload, boolean ours, String handler, List<String> flags,
    boolean baseline, Mode mode) {
  static final String OURS_DIAGNOSE = "ai.sentinel.dr.database.Diagnose";
  static final String OURS_RESPONDER = "ai.sentinel.dr.trigger.AlarmResponder";
  static final String C1 = "-XX:TieredStopAtLevel=1";

  /** What one event costs, in work: the same for a baseline and the variants compared with it. */
  enum Workload {
    RDS_SFN("rds+sfn", "DescribeDBInstances + ListStateMachines"),
    DIAGNOSE("diagnose", "DescribeDBInstances + DescribeEvents + GetMetricStatistics"),
    RESPONDER("responder", "classify + DescribeExecution + StartExecution");

    final String id;
    final String calls;

    Workload(String id, String calls) {
      this.id = id;
      this.calls = calls;
    }
  }

  /** How the timed event is reached. */
  enum Mode {
    /** fresh JVM, construct, first event: a cold start without SnapStart */
    COLD,
    /** fresh JVM, construct, beforeCheckpoint, first event: what a SnapStart restore is left with (event column) */
    PRIMED,
    /** fresh JVM, construct, one untimed event, then the timed one: what priming with a whole event could reach */
    SECOND
  }

  boolean cold() {
    return mode == Mode.COLD;
  }

  /** The handlers one child runs: the timed one, after an untimed first event in {@link Mode#SECOND}. */
  List<String> handlers() {
    return mode == Mode.SECOND ? List.of(handler, handler) : List.of(handler);
  }

  /** Every variant, in report order; {@code archive} is the AppCDS archive the training run writes. */
  static List<Variant> all(Path archive) {
    List<String> none = List.of();
    List<String> c1 = List.of(C1);
    List<String> cds = List.of("-XX:SharedArchiveFile=" + archive);
    List<String> cdsC1 = List.of("-XX:SharedArchiveFile=" + archive, C1);
    String naiveDiagnose = "ai.sentinel.dr.bench.naive.NaiveDiagnose";
    String naiveResponder = "ai.sentinel.dr.bench.naive.NaiveAlarmResponder";
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("naive-rds-sfn", "naive RDS+SFN (charter baseline)", Workload.RDS_SFN, false,
        "ai.sentinel.dr.bench.naive.NaiveRdsSfn", none, true, Mode.COLD));
    for (Workload w : List.of(Workload.DIAGNOSE, Workload.RESPONDER)) {
      String naive = w == Workload.DIAGNOSE ? naiveDiagnose : naiveResponder;
      String ours = w == Workload.DIAGNOSE ? OURS_DIAGNOSE : OURS_RESPONDER;
      String p = w.id;
      v.add(new Variant("naive-" + p, "(a) naive baseline", w, false, naive, none, true, Mode.COLD));
      v.add(new Variant("naive-" + p + "-c1", "(a') naive + C1", w, false, naive, c1, false, Mode.COLD));
      v.add(new Variant("ours-" + p, "(b) ours, shaded jar", w, true, ours, none, false, Mode.COLD));
      v.add(new Variant("ours-" + p + "-cds", "(c) ours + AppCDS", w, true, ours, cds, false, Mode.COLD));
      v.add(new Variant("ours-" + p + "-c1", "(d) ours + C1", w, true, ours, c1, false, Mode.COLD));
      v.add(new Variant("ours-" + p + "-cds-c1", "(e) ours + AppCDS + C1", w, true, ours, cdsC1, false, Mode.COLD));
      v.add(new Variant("ours-" + p + "-primed", "(f) ours, beforeCheckpoint", w, true, ours, none, false,
          Mode.PRIMED));
      v.add(new Variant("ours-" + p + "-second", "(g) ours, after one event", w, true, ours, none, false,
          Mode.SECOND));
    }
    return v;
  }
}

package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.sql.Condition;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.support.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Scenario 5 test documents: a manual request as the responder shapes it, and the dev environment. */
final class Cases {
  static final String EXECUTION = "data-corruption-sentinel-db-0123456789abcdef";
  static final CorruptionRequest REQUEST = new CorruptionRequest(List.of("audit_logs"),
      List.of(new Condition(null, "WINDOW", Arrays.asList("2026-01-17T08:40:00Z", null))), null, "selective");

  private Cases() {}

  static Recovery recovery(boolean dryRun) {
    return recovery(dryRun, REQUEST);
  }

  static Recovery recovery(boolean dryRun, CorruptionRequest request) {
    return Recovery.start("data-corruption", "sentinel-db", EXECUTION, "dev",
        new Trigger("manual", "manual", "INC-1", "2026-01-17T10:01:00Z", "manual invoke",
            Json.MAPPER.valueToTree(request)),
        new Options(null, "latest", request.cleanTime(), dryRun, 30, 5));
  }

  static Map<String, String> env(Consumer<ObjectNode> edit) {
    return Fixtures.withSection(Fixtures.env(), "dataCorruption", edit);
  }

  static Deps deps(Object... clients) {
    return Fixtures.deps(clients);
  }

  static Deps deps(Map<String, String> env, Object... clients) {
    return Fixtures.deps(DrConfig.fromEnv(env), clients);
  }

  /** The document after Diagnose, with its state. */
  static Recovery with(Recovery r, CorruptionState state) {
    return r.with(CorruptionState.PART, state);
  }
}

package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Recovery;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one reader refuses JSON whose meaning is ambiguous: a key given twice, or more than one document. */
class JsonTest {
  @Test
  void aDuplicateKeyIsRefusedByEveryReader() {
    String twice = "{\"runbook\":\"database-failure\",\"dryRun\":true,\"dryRun\":false}";
    assertThrows(UncheckedIOException.class, () -> Json.tree(twice));
    assertThrows(UncheckedIOException.class, () -> Json.read(twice.getBytes(StandardCharsets.UTF_8), Recovery.class));
    assertThrows(UncheckedIOException.class, () -> Json.tree("{\"a\":{\"b\":1,\"b\":2}}"), "nested objects too");
  }

  @Test
  void trailingContentIsRefusedByEveryReader() {
    assertThrows(UncheckedIOException.class, () -> Json.tree("{\"runbook\":\"x\"} {\"runbook\":\"y\"}"));
    assertThrows(UncheckedIOException.class, () -> Json.tree("{\"runbook\":\"x\"}garbage"));
    assertThrows(UncheckedIOException.class, () -> Json.read("{} {}".getBytes(StandardCharsets.UTF_8),
        Recovery.class));
    assertEquals("x", Json.tree("  {\"runbook\":\"x\"}\n\t ").get("runbook").asText(), "whitespace is not content");
  }
}

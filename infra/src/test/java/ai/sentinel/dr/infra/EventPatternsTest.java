package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.event.ruler.Machine;

/**
 * The repository's sample events (events/index.json) against the EventBridge rules as deployed: every EventBridge
 * sample must match exactly the rules its index entry lists, judged by AWS's own matcher (event-ruler) loaded with
 * the patterns of the synthesized dev template.
 */
class EventPatternsTest {
  /** events/ of the repository; tests run from infra/. */
  private static final Path EVENTS = Path.of("..", "events");

  private static Machine machine;
  private static Set<String> ruleIds;

  @BeforeAll
  static void loadDeployedRules() throws Exception {
    Synth dev = Synth.of("dev");
    machine = new Machine();
    ruleIds = new TreeSet<>();
    for (JsonNode rule : dev.properties("AWS::Events::Rule")) {
      if (!rule.has("EventPattern")) {
        continue; // a Testing Schedule rule: a schedule, no pattern
      }
      String id = Names.ruleId(dev.config.prefix(), rule.path("Name").asText());
      assertNotNull(id, "rule name carries its id: " + rule.path("Name"));
      machine.addRule(id, rule.path("EventPattern").toString());
      ruleIds.add(id);
    }
    assertFalse(ruleIds.isEmpty());
  }

  @TestFactory
  Stream<DynamicTest> eventBridgeSamplesMatchExactlyTheirListedRules() throws Exception {
    Path index = EVENTS.resolve("index.json");
    assertTrue(Files.isRegularFile(index), "sample index not found: " + index.toAbsolutePath());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode entry : Synth.JSON.readTree(Files.readString(index))) {
      if (!"eventbridge".equals(entry.path("envelope").asText())) {
        continue;
      }
      String file = entry.path("file").asText();
      Set<String> expected = new TreeSet<>();
      entry.path("rules").forEach(r -> expected.add(r.asText()));
      tests.add(DynamicTest.dynamicTest(file, () -> {
        assertTrue(ruleIds.containsAll(expected), file + " lists unknown rules " + expected + " (deployed: "
            + ruleIds + ")");
        String event = Files.readString(EVENTS.resolve(file));
        assertEquals(expected, new TreeSet<>(machine.rulesForJSONEvent(event)), file);
      }));
    }
    assertFalse(tests.isEmpty(), "events/index.json has no eventbridge sample");
    return tests.stream();
  }
}

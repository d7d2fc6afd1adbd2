package ai.sentinel.dr.support;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/** Classifies the events/ samples (and variants of them) as the responders do, in the test environment. */
public final class Signals {
  private final EventClassifier classifier;

  public Signals(EventClassifier classifier) {
    this.classifier = classifier;
  }

  /** The classifier of the test environment ({@link Fixtures#env()}). */
  public static Signals standard() {
    return new Signals(new EventClassifier(Fixtures.config(), Fixtures.CLOCK));
  }

  /** The classifier of the test environment changed by {@code env}. */
  public static Signals with(Map<String, String> env) {
    return new Signals(new EventClassifier(DrConfig.fromEnv(env), Fixtures.CLOCK));
  }

  public EventClassifier classifier() {
    return classifier;
  }

  /** The sample events/{@code file}. */
  public Classification classify(String file) {
    return classifier.classify(read(file));
  }

  public Classification classifyText(String json) {
    return classifier.classify(json.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] read(String file) {
    try {
      return Files.readAllBytes(Fixtures.events().resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String file) {
    return new String(read(file), StandardCharsets.UTF_8);
  }

  /** The test environment with one variable set. */
  public static Map<String, String> withEnv(String key, String value) {
    Map<String, String> env = Fixtures.env();
    env.put(key, value);
    return env;
  }

  /** An SNS delivery (the ElastiCache sample's envelope) carrying {@code message}. */
  public static String snsWith(String message) {
    JsonNode tree = Json.tree(text("elasticache-sns-snapshot-complete.json"));
    ObjectNode sns = (ObjectNode) tree.get("Records").get(0).get("Sns");
    sns.put("Message", message);
    // delivered a minute before the tests' clock: fresh
    sns.put("Timestamp", Fixtures.NOW.minusSeconds(60).toString());
    return Json.write(tree);
  }
}

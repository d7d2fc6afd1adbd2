package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Fuzzing the responders' input: every sample in events/, mutated thousands of ways (fields dropped, retyped, nested
 * deeper, truncated, bytes flipped). Whatever arrives, the responder answers (no unhandled exception), and whenever it
 * answers reject or ignore it has made no AWS call at all. Seeded, so a failure is reproducible.
 */
class ResponderFuzzTest {
  private static final int CASES = 4000;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
  private final DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final Responder responder = new Responder(allScenarios(), sfn, new RecoveryLocks(ddb,
      "dev-sentinel-dr-locks", Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK);

  /** Every scenario with a state machine, so mutated ECS and Redis signals go all the way to a start. */
  private static ai.sentinel.dr.common.DrConfig allScenarios() {
    java.util.Map<String, String> env = Fixtures.env();
    String machine = "arn:aws:states:us-east-1:123456789012:stateMachine:dev-sentinel-dr-";
    env.put("STATE_MACHINE_ARNS", Json.write(java.util.Map.of("database-failure", machine + "database-failure",
        "redis-failure", machine + "redis-failure", "ecs-service-failure", machine + "ecs-service-failure")));
    return ai.sentinel.dr.common.DrConfig.fromEnv(env);
  }

  @org.junit.jupiter.api.BeforeEach
  void quiet() {
    // thousands of rejections would bury the build log
    ai.sentinel.dr.common.Log.setSink(line -> { });
  }

  @org.junit.jupiter.api.AfterEach
  void loud() {
    ai.sentinel.dr.common.Log.setSink(System.out::println);
  }

  @Test
  void noPayloadCrashesTheResponderAndNoRejectedOneReachesAws() throws Exception {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build());
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().build());
    List<byte[]> seeds = new ArrayList<>();
    try (Stream<Path> files = Files.list(Fixtures.events())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.endsWith("index.json")).toList()) {
        seeds.add(Files.readAllBytes(f));
      }
    }
    Random random = new Random(20260117L);
    int rejected = 0;
    int started = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] payload = mutate(seeds.get(random.nextInt(seeds.size())), random);
      clearInvocations(sfn, ddb, sns);
      Responder.Response r;
      try {
        r = responder.handle(payload, Set.of("alarm", "rds-event", "ecs-event", "elasticache-event", "manual",
            "drill"), "Fuzz");
      } catch (RuntimeException e) {
        fail("case " + i + " threw " + e + " for payload: " + new String(payload, StandardCharsets.UTF_8));
        return;
      }
      assertNotNull(r.action(), "case " + i);
      assertNotNull(r.reason(), "case " + i);
      if (!"start".equals(r.action())) {
        if (r.reason().contains("as evidence")) {
          // a routine event reads whether a recovery runs, to join it; it writes nothing when none does
          verifyNoInteractions(sfn, sns);
          verify(ddb, never()).putItem(any(PutItemRequest.class));
          verify(ddb, never()).deleteItem(any(DeleteItemRequest.class));
        } else if (!r.reason().startsWith("duplicate") && !r.reason().startsWith("joined")) {
          verifyNoInteractions(sfn, ddb, sns);
        }
        rejected += "reject".equals(r.action()) ? 1 : 0;
      } else {
        started++;
      }
    }
    // the mutations must exercise both sides, or the test proves nothing
    assertTrue(rejected > CASES / 10, "rejected " + rejected);
    assertTrue(started > CASES / 20, "started " + started);
  }

  private static byte[] mutate(byte[] seed, Random random) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      // raw byte damage: truncation or a flipped byte
      byte[] copy = seed.clone();
      if (random.nextBoolean() && copy.length > 1) {
        return java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
      }
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
      return copy;
    }
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(seed);
    } catch (Exception e) {
      return seed;
    }
    int edits = kind < 3 ? 0 : 1 + random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      tree = mutateTree(tree, random);
    }
    return Json.bytes(tree);
  }

  private static JsonNode mutateTree(JsonNode root, Random random) {
    List<ObjectNode> objects = new ArrayList<>();
    collect(root, objects);
    if (objects.isEmpty()) {
      return randomValue(random);
    }
    ObjectNode target = objects.get(random.nextInt(objects.size()));
    List<String> fields = new ArrayList<>();
    for (Iterator<String> it = target.fieldNames(); it.hasNext(); ) {
      fields.add(it.next());
    }
    String field = fields.isEmpty() ? "extra" : fields.get(random.nextInt(fields.size()));
    switch (random.nextInt(4)) {
      case 0 -> target.remove(field);
      case 1 -> target.set(field, randomValue(random));
      case 2 -> target.set("unexpected" + random.nextInt(100), randomValue(random));
      default -> {
        ArrayNode wrapped = NODES.arrayNode();
        wrapped.add(target.path(field).deepCopy());
        target.set(field, wrapped);
      }
    }
    return root;
  }

  private static void collect(JsonNode node, List<ObjectNode> out) {
    if (node instanceof ObjectNode o) {
      out.add(o);
    }
    node.forEach(child -> collect(child, out));
  }

  private static JsonNode randomValue(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt());
      case 3 -> NODES.numberNode(random.nextDouble() * 1e12);
      case 4 -> NODES.textNode("x".repeat(random.nextInt(40)));
      case 5 -> NODES.arrayNode().add(random.nextInt(5));
      case 6 -> NODES.objectNode().put("a", "b");
      default -> NODES.textNode("\u0000\uFFFF" + random.nextLong());
    };
  }
}

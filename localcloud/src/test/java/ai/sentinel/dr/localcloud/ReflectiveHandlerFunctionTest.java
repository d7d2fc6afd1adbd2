package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReflectiveHandlerFunctionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void runsTheHandlerWithItsEnvironmentAndKeepsItWarm() throws Exception {
    ReflectiveHandlerFunction echo = new ReflectiveHandlerFunction("echo",
        "ai.sentinel.dr.localcloud.EchoHandler::handleRequest", Map.of("MODE", "drill"));
    int before = EchoHandler.INSTANCES.get();

    JsonNode first = JSON.readTree(echo.invoke("{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
    JsonNode second = JSON.readTree(echo.invoke("{\"n\":2}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(1, first.get("n").asInt());
    assertEquals(2, second.get("n").asInt());
    assertEquals("echo", first.get("echoedBy").asText());
    assertEquals("drill", first.get("mode").asText());
    assertEquals(1, EchoHandler.INSTANCES.get() - before, "one warm instance serves sequential invokes");
  }

  @Test
  void handlerExceptionsPropagateUnwrapped() {
    ReflectiveHandlerFunction fail =
        new ReflectiveHandlerFunction("fail", FailingHandler.class.getName(), Map.of());
    SimulatedOutageException e = assertThrows(SimulatedOutageException.class, () -> fail.invoke(new byte[0]));
    assertEquals("primary database is down", e.getMessage());
  }

  @Test
  void rejectsMissingAndWrongClasses() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new ReflectiveHandlerFunction("x", "ai.sentinel.dr.Nope", Map.of()));
    assertTrue(missing.getMessage().contains("ai.sentinel.dr.Nope"));
    assertThrows(IllegalArgumentException.class,
        () -> new ReflectiveHandlerFunction("x", String.class.getName(), Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new ReflectiveHandlerFunction("x", EchoHandler.class.getName() + "::other", Map.of()));
  }
}

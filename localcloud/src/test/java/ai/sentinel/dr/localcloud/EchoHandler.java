package ai.sentinel.dr.localcloud;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test handler: returns its input object plus who answered, {@code ok: true} and the MODE variable. */
public class EchoHandler implements RequestStreamHandler {

  static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> environment;

  public EchoHandler(Map<String, String> environment) {
    this.environment = environment;
    INSTANCES.incrementAndGet();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] bytes = input.readAllBytes();
    JsonNode in = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    ObjectNode out = in.isObject() ? (ObjectNode) in.deepCopy() : JSON.createObjectNode().set("input", in);
    out.put("echoedBy", context.getFunctionName());
    out.put("ok", true);
    out.put("mode", environment.get("MODE"));
    context.getLogger().log("echo " + context.getAwsRequestId());
    JSON.writeValue(output, out);
  }
}

package ai.sentinel.dr.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lambda's read APIs for the functions the gateway runs in process, which moto never sees (they are invoked through
 * the gateway, not created in moto): {@code ListFunctions} ({@code GET /2015-03-31/functions/}), {@code GetFunction}
 * ({@code GET .../functions/NAME}) and {@code GetFunctionConfiguration} ({@code GET .../functions/NAME/configuration}),
 * so {@code aws lambda list-functions} shows what {@code aws lambda invoke} can call. Functions created in moto itself
 * are listed after ours (moto's own answer, merged); a name the registry does not know goes to moto unchanged.
 * Reserved {@code AWS_*} variables are not shown, as Lambda does not show them. Code size, memory and timeout are not
 * known locally (0, 0, 0).
 */
final class LambdaFunctions {
  static final String PREFIX = "/2015-03-31/functions";
  private static final ObjectMapper JSON = new ObjectMapper();
  // when "deployed": a fixed time, since the registry does not record one
  private static final String LAST_MODIFIED = Instant.now().toString().replace("Z", "+0000");

  private final FunctionRegistry registry;
  private final URI motoEndpoint;
  private final HttpClient client;

  LambdaFunctions(FunctionRegistry registry, URI motoEndpoint, HttpClient client) {
    this.registry = registry;
    this.motoEndpoint = motoEndpoint;
    this.client = client;
  }

  /** Answers the request when it is one of ours; false: the gateway forwards it to moto as usual. */
  boolean answer(HttpExchange exchange, String method, String rawPath) throws IOException, InterruptedException {
    if (!method.equals("GET") || !rawPath.startsWith(PREFIX)) {
      return false;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String region = Optional.ofNullable(AwsRequests.region(authorization)).orElse(LocalCloud.REGION);
    String rest = rawPath.substring(PREFIX.length());
    if (rest.isEmpty() || rest.equals("/")) {
      return list(exchange, rawPath, authorization, region);
    }
    String[] parts = rest.substring(1).split("/");
    if (parts.length > 2 || (parts.length == 2 && !parts[1].equals("configuration"))) {
      return false;
    }
    Optional<LocalFunction> function;
    try {
      function = registry.find(LambdaFunctionRef.parse(AwsRequests.percentDecode(parts[0])).name());
    } catch (IllegalArgumentException notAFunctionName) {
      return false;
    }
    if (function.isEmpty()) {
      return false;
    }
    ObjectNode configuration = configuration(function.get(), region);
    if (parts.length == 2) {
      send(exchange, configuration);
    } else {
      ObjectNode body = JSON.createObjectNode();
      body.set("Configuration", configuration);
      body.putObject("Code").put("RepositoryType", "S3").put("Location", "");
      send(exchange, body);
    }
    return true;
  }

  private boolean list(HttpExchange exchange, String rawPath, String authorization, String region)
      throws IOException, InterruptedException {
    String rawQuery = exchange.getRequestURI().getRawQuery();
    if (AwsRequests.parseForm(rawQuery).containsKey("Marker")) {
      // ours were all on the first page: a later page is moto's alone
      return false;
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode functions = body.putArray("Functions");
    Set<String> names = new HashSet<>();
    for (LocalFunction function : registry.functions()) {
      functions.add(configuration(function, region));
      names.add(function.name());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(motoEndpoint + rawPath
        + (rawQuery == null ? "" : "?" + rawQuery))).timeout(Duration.ofSeconds(30)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<byte[]> moto = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (moto.statusCode() == 200) {
      JsonNode theirs = JSON.readTree(moto.body());
      theirs.path("Functions").forEach(f -> {
        if (!names.contains(f.path("FunctionName").asText())) {
          functions.add(f);
        }
      });
      if (theirs.hasNonNull("NextMarker")) {
        body.set("NextMarker", theirs.get("NextMarker"));
      }
    }
    send(exchange, body);
    return true;
  }

  /** A FunctionConfiguration as Lambda's API returns it. */
  static ObjectNode configuration(LocalFunction function, String region) {
    ObjectNode c = JSON.createObjectNode();
    c.put("FunctionName", function.name());
    c.put("FunctionArn", "arn:aws:lambda:" + region + ":" + LocalCloud.ACCOUNT_ID + ":function:" + function.name());
    c.put("Runtime", "java21");
    c.put("Role", "arn:aws:iam::" + LocalCloud.ACCOUNT_ID + ":role/sentinel-dr-local");
    if (function.handler() != null) {
      c.put("Handler", function.handler());
    }
    c.put("CodeSize", 0);
    c.put("Description", "runs in the local cloud's gateway (in process)");
    c.put("Timeout", 0);
    c.put("MemorySize", 0);
    c.put("LastModified", LAST_MODIFIED);
    c.put("Version", "$LATEST");
    c.put("PackageType", "Zip");
    c.put("State", "Active");
    c.put("LastUpdateStatus", "Successful");
    c.putArray("Architectures").add("x86_64");
    ObjectNode variables = c.putObject("Environment").putObject("Variables");
    for (Map.Entry<String, String> e : function.environment().entrySet()) {
      if (!e.getKey().startsWith("AWS_")) {
        variables.put(e.getKey(), e.getValue());
      }
    }
    return c;
  }

  private static void send(HttpExchange exchange, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

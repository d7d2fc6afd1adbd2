package ai.sentinel.dr.localcloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoint clients use as {@code AWS_ENDPOINT_URL}: runs Lambda invokes in this JVM through a
 * {@link FunctionRegistry} and forwards every other request to moto unchanged. It logs each AWS call and can inject
 * throttling and server faults.
 *
 * <p>How moto 5.2.1's Step Functions engine reads a Lambda failure (stepfunctions/parser/asl/component/state/exec/
 * state_task/lambda_eval_utils.py, state_task_lambda.py, service/state_task_service_lambda.py): it calls Invoke with
 * boto3 at {@code http://localhost:$MOTO_PORT} (this gateway), no retries. botocore maps the
 * {@code X-Amz-Function-Error} header to {@code FunctionError}; if that is non-empty the engine raises
 * {@code LambdaFunctionErrorException} with the payload as the cause, then takes the error name from the payload's
 * {@code errorType} field ("Exception" when the payload is not JSON or has none). So both are needed: the header
 * (any value) marks the failure, the body's {@code errorType} names it. The name is a CustomErrorName, which
 * {@code ErrorEquals} matches by exact string, and which {@code States.ALL} and {@code States.TaskFailed} also match.
 * This holds for a bare function ARN as {@code Resource} (history: LambdaFunctionFailed) and for
 * {@code arn:aws:states:::lambda:invoke} (TaskFailed). A non-2xx answer instead becomes a ClientError: error
 * "Exception" for a bare ARN, "Lambda.CODE" for lambda:invoke.
 */
public final class Gateway implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the launcher hands the events AWS would send (moto_launcher.py E1-E3) to this gateway's event bus. */
  static final String EVENTS_PATH = "/_localcloud/events";
  static final String INVOKE_PREFIX = "/2015-03-31/functions/";
  static final String INVOKE_SUFFIX = "/invocations";
  /** A request header the operator's clients send (value {@link #OPERATOR}): no fault is injected into their calls. */
  public static final String OPERATOR_HEADER = "X-Sentinel-Operator";
  public static final String OPERATOR = "drill";

  static {
    noDelay();
  }

  // not forwarded either way: connection-level, or set by the HTTP stack itself (java.net.http refuses some of them)
  private static final Set<String> SKIPPED_HEADERS = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
      "content-length", "expect", "date");

  private final URI motoEndpoint;
  private final FunctionRegistry registry;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final List<CallRecord> calls = new ArrayList<>();
  private final Faults faults = new Faults();
  private final Object dynamoDbCalls = new Object();
  private final RegionOutage outage = new RegionOutage();
  private volatile java.util.function.Consumer<byte[]> eventSink;

  private Gateway(URI motoEndpoint, FunctionRegistry registry, HttpServer server, ExecutorService executor) {
    this.motoEndpoint = motoEndpoint;
    this.registry = registry;
    this.server = server;
    this.executor = executor;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  /**
   * Starts a gateway on the loopback interface.
   *
   * @param port the port to listen on, or 0 for any free one (see {@link #port()})
   * @param motoEndpoint where to forward, e.g. {@code http://127.0.0.1:5000}
   * @param registry the functions that Lambda invokes run
   */
  public static Gateway start(int port, URI motoEndpoint, FunctionRegistry registry) throws IOException {
    Objects.requireNonNull(motoEndpoint, "motoEndpoint");
    Objects.requireNonNull(registry, "registry");
    // IPv4 loopback explicitly: moto's engine dials localhost, and endpoint() must be a plain 127.0.0.1 URL
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 128);
    // unbounded: a state machine's Lambda call re-enters the gateway while the StartExecution or the handler that
    // triggered it may still hold a thread, so a fixed pool could deadlock under load
    ExecutorService executor = Executors.newCachedThreadPool(daemonThreads("localcloud-gateway-"));
    Gateway gateway = new Gateway(motoEndpoint, registry, server, executor);
    server.createContext("/", gateway::handle);
    server.setExecutor(executor);
    server.start();
    return gateway;
  }

  /** The port this gateway listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** What clients use as {@code AWS_ENDPOINT_URL}: {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** Where requests are forwarded. */
  public URI motoEndpoint() {
    return motoEndpoint;
  }

  /** A snapshot of the calls seen so far, oldest first. */
  public List<CallRecord> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** Forgets the calls seen so far. */
  public void clearCalls() {
    synchronized (calls) {
      calls.clear();
    }
  }

  /** See {@link Faults#setFaultRate}: a share of forwarded requests fails without reaching moto. */
  public void setFaultRate(double rate, long seed) {
    faults.setFaultRate(rate, seed);
  }

  /** See {@link Faults#setLostResponseRate}: a share of forwarded requests is applied, then its answer lost. */
  public void setLostResponseRate(double rate, long seed) {
    faults.setLostResponseRate(rate, seed);
  }

  /** Takes {@code region} down, or brings it back with null: see {@link RegionOutage}. */
  public void setRegionDown(String region) {
    outage.set(region);
  }

  /** Takes {@code region} down except {@code answering} (e.g. EC2 of an impaired region): see {@link RegionOutage}. */
  public void setRegionDown(String region, java.util.Set<String> answering) {
    outage.set(region, answering);
  }

  /** The current fault rate. */
  public double faultRate() {
    return faults.faultRate();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String rawPath = exchange.getRequestURI().getRawPath();
      if (method.equals("POST") && rawPath.equals(EVENTS_PATH)) {
        deliverEvent(body);
        exchange.sendResponseHeaders(202, -1);
        return;
      }
      if (method.equals("POST") && rawPath.startsWith(INVOKE_PREFIX) && rawPath.endsWith(INVOKE_SUFFIX)
          && rawPath.length() > INVOKE_PREFIX.length() + INVOKE_SUFFIX.length()) {
        String encodedName = rawPath.substring(INVOKE_PREFIX.length(), rawPath.length() - INVOKE_SUFFIX.length());
        if (encodedName.indexOf('/') < 0) {
          new LambdaInvokes(registry, executor, (action, status) -> record("lambda", action, status, false))
              .invoke(exchange, AwsRequests.percentDecode(encodedName), body);
          return;
        }
      }
      // cloudup (issue 16): list/get the in-process functions, which moto never sees; see LambdaFunctions
      if (new LambdaFunctions(registry, motoEndpoint, client).answer(exchange, method, rawPath)) {
        record("lambda", AwsRequests.action(method, rawPath, null, Map.of()), 200, false);
        return;
      }
      forward(exchange, method, rawPath, body);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.log(Level.WARNING, "Gateway failed on " + exchange.getRequestURI(), e);
      try {
        sendJson(exchange, 502, Map.of(), Map.of("message", "Gateway error: " + e));
      } catch (IOException | RuntimeException ignored) {
        // the response was already under way: closing the exchange is all that is left
      }
    }
  }

  // ---- events ----------------------------------------------------------------------------------------------------

  /**
   * Where the events AWS would send go ({@code {"eventBridge": EVENT}} or {@code {"sns": {"topicArn", "subject",
   * "message"}}}, from moto_launcher.py E1-E3): a deployment that knows its rules and subscriptions delivers them.
   * Without a sink they are dropped, as events with no rule are.
   */
  public void setEventSink(java.util.function.Consumer<byte[]> sink) {
    this.eventSink = sink;
  }

  /** Asynchronous like EventBridge and SNS: the sender is answered at once. */
  private void deliverEvent(byte[] body) {
    java.util.function.Consumer<byte[]> sink = eventSink;
    if (sink == null) {
      LOG.log(Level.DEBUG, "event dropped (no event sink): " + new String(body, StandardCharsets.UTF_8));
      return;
    }
    executor.execute(() -> {
      try {
        sink.accept(body);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "event delivery failed: " + e, e);
      }
    });
  }

  // ---- forwarding --------------------------------------------------------------------------------------------------

  private void forward(HttpExchange exchange, String method, String rawPath, byte[] body)
      throws IOException, InterruptedException {
    Headers requestHeaders = exchange.getRequestHeaders();
    boolean control = rawPath.startsWith("/moto-api");
    // injected faults test the responders; the operator's own calls (seeding, injecting, reading back) are exempt,
    // or a drill's non-idempotent setup (a delete whose answer was lost, then retried) fails on its own harness
    boolean faultable = !control && !OPERATOR.equals(requestHeaders.getFirst(OPERATOR_HEADER));
    String target = requestHeaders.getFirst("X-Amz-Target");
    String rawQuery = exchange.getRequestURI().getRawQuery();
    Map<String, String> params =
        AwsRequests.parameters(rawQuery, requestHeaders.getFirst("Content-Type"), body);
    String service = AwsRequests.service(requestHeaders.getFirst("Authorization"), AwsRequests.parseForm(rawQuery));
    String action = AwsRequests.action(method, rawPath, target, params);

    if (!control && outage.affects(requestHeaders.getFirst("Authorization"), service)) {
      record(service, action, 0, true);
      exchange.close();
      return;
    }
    if (faultable && faults.drawFault()) {
      int status = faults.send(exchange, AwsRequests.protocol(target, params));
      record(service, action, status, true);
      return;
    }

    if ("dynamodb".equals(service)) {
      // DynamoDB applies each conditional write atomically; moto's threaded server does not (two racing
      // attribute_not_exists writes can both succeed), so the gateway sends DynamoDB calls one at a time
      synchronized (dynamoDbCalls) {
        send(exchange, method, rawPath, body, control, service, action, target, params);
      }
      return;
    }
    send(exchange, method, rawPath, body, control, service, action, target, params);
  }

  private void send(HttpExchange exchange, String method, String rawPath, byte[] body, boolean control,
      String service, String action, String target, Map<String, String> params)
      throws IOException, InterruptedException {
    Headers requestHeaders = exchange.getRequestHeaders();
    String rawQuery = exchange.getRequestURI().getRawQuery();
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create(motoEndpoint + rawPath + (rawQuery == null ? "" : "?" + rawQuery)))
        .timeout(Duration.ofMinutes(5));
    for (Map.Entry<String, List<String>> header : requestHeaders.entrySet()) {
      if (SKIPPED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String value : header.getValue()) {
        try {
          request.header(header.getKey(), value);
        } catch (IllegalArgumentException restricted) {
          // java.net.http refuses a few headers it manages itself; moto does not need them
        }
      }
    }
    boolean bodiless = body.length == 0 && (method.equals("GET") || method.equals("HEAD"));
    request.method(method,
        bodiless ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));

    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "moto did not answer " + method + " " + rawPath + ": " + e);
      sendJson(exchange, 502, Map.of(), Map.of("message", "moto did not answer: " + e));
      if (!control) {
        record(service, action, 502, false);
      }
      return;
    }

    Headers responseHeaders = exchange.getResponseHeaders();
    response.headers().map().forEach((name, values) -> {
      if (!name.startsWith(":") && !SKIPPED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        responseHeaders.put(name, new ArrayList<>(values));
      }
    });
    int status = response.statusCode();
    boolean faultable = !control && !OPERATOR.equals(requestHeaders.getFirst(OPERATOR_HEADER));
    if (faultable && status >= 200 && status < 300 && faults.drawLostResponse()) {
      if (faults.drawThrottle()) {
        record(service, action, faults.send(exchange, AwsRequests.protocol(target, params)), true, true);
      } else {
        // no status line at all: the client sees the connection end, as when a response is lost in transit
        record(service, action, 0, true, true);
        exchange.close();
      }
      return;
    }
    if (!control) {
      record(service, action, status, false);
    }
    byte[] responseBody = response.body();
    if (method.equals("HEAD")) {
      // HttpServer sends no body and its own Content-length for HEAD; the size the caller asked about is moto's
      response.headers().firstValue("Content-Length").ifPresent(v -> responseHeaders.set("Content-Length", v));
      exchange.sendResponseHeaders(status, -1);
    } else if (status == 204 || status == 304 || responseBody.length == 0) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, responseBody.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(responseBody);
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  private void record(String service, String action, int status, boolean injected) {
    record(service, action, status, injected, false);
  }

  private void record(String service, String action, int status, boolean injected, boolean lost) {
    CallRecord call = new CallRecord(Instant.now(), service, action, status, injected, lost);
    synchronized (calls) {
      calls.add(call);
    }
  }

  static void sendJson(HttpExchange exchange, int status, Map<String, String> headers, Object body)
      throws IOException {
    headers.forEach(exchange.getResponseHeaders()::set);
    sendBytes(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  static void sendBytes(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (body.length == 0) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * TCP_NODELAY on the sockets of this JVM's com.sun.net.httpserver servers. The JDK's server leaves Nagle's algorithm
   * on, and an exchange with it then waits out the peer's delayed ACK (40 ms on Linux): measured on the local cloud, a
   * DynamoDB PutItem took 55-59 ms through the gateway and 5-12 ms straight to moto; with this, 11-18 ms (issue 15: a
   * recovery's steps make a few dozen calls, and moto's engine invokes each step through here). The JDK reads the
   * property once, when the JVM's first server starts: the gateway sets it before any of ours (a server started
   * earlier in the same JVM keeps the default, which is only slower).
   */
  static void noDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.RepoPaths;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The command line itself: help on every command without any cloud, caller-relative paths, AWS errors in one line. */
class CommandLineTest {
  private static final String CALLER = "arn:aws:sts::123456789012:assumed-role/OnCall/alice";
  private HttpServer cloud;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> bodies = new ArrayList<>();
  private volatile String answerType = "ExecutionDoesNotExist";

  private record Run(int code, String out, String err) {}

  /** A stand-in AWS endpoint: counts requests and refuses each with {@link #answerType}. */
  @BeforeEach
  void startCloud() throws Exception {
    cloud = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    cloud.createContext("/", x -> {
      requests.incrementAndGet();
      String request = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      bodies.add(request);
      if (request.startsWith("Action=GetCallerIdentity")) {
        byte[] who = ("<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>" + CALLER + "</Arn>"
            + "</GetCallerIdentityResult></GetCallerIdentityResponse>").getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, who.length);
        x.getResponseBody().write(who);
        x.close();
        return;
      }
      byte[] body = Json.write(Map.of("__type", answerType, "message", answerType + ": 'arn:aws:states:x'"))
          .getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      x.sendResponseHeaders(400, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    cloud.start();
  }

  @AfterEach
  void stopCloud() {
    cloud.stop(0);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + cloud.getAddress().getPort());
    env.put("AWS_REGION", "us-east-1");
    return env;
  }

  private static Run run(Map<String, String> env, Path cwd, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, cwd));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run run(String... args) {
    return run(env(), RepoPaths.root(), args);
  }

  @Test
  void helpOnEveryCommandPrintsItsUsageAndCallsNoCloud() {
    List<String> commands = new ArrayList<>(Main.commandLine(new Cli(System.out, System.err, Map.of(), Path.of("")))
        .getSubcommands().keySet());
    commands.remove("help");
    assertTrue(commands.containsAll(List.of("classify", "drill", "approve", "reject", "release", "report", "health")),
        "" + commands);
    for (String command : commands) {
      for (String help : List.of("--help", "-h")) {
        Run r = run(command, help);
        assertEquals(0, r.code(), command + " " + help + ": " + r.err());
        assertTrue(r.out().startsWith("Usage: ./sentinel " + command), r.out());
        assertEquals("", r.err(), command);
      }
      Run viaHelp = run("help", command);
      assertEquals(0, viaHelp.code(), viaHelp.err());
      assertTrue(viaHelp.out().startsWith("Usage: ./sentinel " + command), viaHelp.out());
    }
    // even where the help follows arguments that would otherwise call the cloud
    assertEquals(0, run("approve", "TOKEN", "--help").code());
    assertEquals(0, run("report", "arn:aws:states:us-east-1:1:execution:m:n", "--help").code());
    assertEquals(0, requests.get(), "no command's help may call AWS");
  }

  @Test
  void theUsageListsEveryCommandAndTheExitCodes() {
    Run top = run("--help");
    assertEquals(0, top.code());
    for (String c : List.of("classify", "drill", "approve", "reject", "release", "report", "health")) {
      assertTrue(top.out().contains("  " + c + " "), c + " in\n" + top.out());
    }
    assertTrue(top.out().contains("Exit codes:") && top.out().contains("64") && top.out().contains("69"), top.out());
    Run none = run();
    assertEquals(64, none.code());
    assertTrue(none.out().startsWith("Usage: ./sentinel"), none.out());
    // the drill's usage names its scenarios and every option (the hand-written one had lost --approval)
    String drill = run("drill", "--help").out();
    for (String o : List.of("--all", "--dry-run", "--healthy", "--approval", "--approve-as", "--reject-as", "--env",
        "database-failure", "security-incident")) {
      assertTrue(drill.contains(o), o + " in\n" + drill);
    }
  }

  @Test
  void fileArgumentsAreRelativeToTheCallersDirectory() {
    Path events = RepoPaths.root().resolve("events");
    Run here = run(env(), events, "classify", "manual-database-failure.json");
    assertEquals(0, here.code(), here.err());
    assertEquals("start", Json.tree(here.out()).get("action").asText());
    Run above = run(env(), RepoPaths.root().getParent(), "classify",
        RepoPaths.root().getFileName() + "/events/manual-database-failure.json");
    assertEquals(0, above.code(), above.err());
    Run missing = run(env(), events, "classify", "nope.json");
    assertEquals(64, missing.code());
    assertTrue(missing.err().contains("no such file " + events.resolve("nope.json")), missing.err());
  }

  @Test
  void aRefusedCallIsOneLineThatSaysWhatItMeans() {
    Run r = run("report", "arn:aws:states:us-east-1:123456789012:execution:m:gone");
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("sentinel: report: no such execution in this account and region "
        + "(ExecutionDoesNotExist)"), r.err());
    answerType = "TaskDoesNotExist";
    Run late = run("approve", "TOKEN", "--by", "alice");
    assertEquals(1, late.code());
    assertTrue(late.err().startsWith("sentinel: approve: no approval is waiting for this token"), late.err());
  }

  @Test
  void anAnswerRecordsTheCallersAwsIdentityBesideTheName() {
    answerType = "TaskDoesNotExist";
    run("approve", "TOKEN", "--by", "alice");
    run("reject", "TOKEN", "--by", "alice", "--reason", "wrong snapshot");
    String success = bodies.stream().filter(b -> b.contains("\"output\"")).findFirst().orElseThrow();
    assertTrue(success.contains("\\\"by\\\":\\\"alice\\\"") && success.contains(CALLER.replace("/", "\\/"))
        || success.contains(CALLER), success);
    String failure = bodies.stream().filter(b -> b.contains("\"cause\"")).findFirst().orElseThrow();
    assertTrue(failure.contains("rejected by alice (" + CALLER.replace("/", "\\/") + "): wrong snapshot")
        || failure.contains("rejected by alice (" + CALLER + "): wrong snapshot"), failure);
  }

  /** {@code --choose} takes an option the gate offers: the task output carries it as "choices". */
  @Test
  void anApprovalCarriesTheChoicesTaken() {
    answerType = "TaskDoesNotExist";
    run("approve", "TOKEN", "--by", "alice", "--choose", "delete-clean-copy");
    String success = bodies.stream().filter(b -> b.contains("\"output\"")).findFirst().orElseThrow();
    assertTrue(success.contains("\\\"choices\\\":[\\\"delete-clean-copy\\\"]"), success);
    assertFalse(Approvals.approvalOutput("alice", null, null).contains("choices"), "none taken: no field");
  }

  @Test
  void anUnreachableEndpointIsOneLine() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Map<String, String> env = env();
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + closed);
    Run r = run(env, RepoPaths.root(), "reject", "TOKEN", "--reason", "wrong snapshot");
    assertEquals(69, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("sentinel: reject: cannot reach AWS_ENDPOINT_URL=http://127.0.0.1:" + closed),
        r.err());
  }

  @Test
  void missingCredentialsAreOneLineWithoutTheProviderChain() {
    // the SDK's own message lists every provider it tried, over several lines
    SdkClientException e = SdkClientException.create("Unable to load credentials from any of the providers in the "
        + "chain AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(), "
        + "EnvironmentVariableCredentialsProvider()]) : [SystemPropertyCredentialsProvider(): Unable to load "
        + "credentials from system settings.\n Access key must be specified either via environment variable]");
    CliErrors.Failure f = CliErrors.of(e, new Cli(System.out, System.err, Map.of(), Path.of("")));
    assertEquals(69, f.exitCode());
    assertFalse(f.message().contains("Provider") || f.message().contains("\n"), f.message());
    assertTrue(f.message().startsWith("no AWS credentials found"), f.message());
  }

  @Test
  void usageErrorsNameTheProblemAndTheCommand() {
    Run unknownOption = run("drill", "database-failure", "--dryrun");
    assertEquals(64, unknownOption.code());
    assertTrue(unknownOption.err().startsWith("sentinel: Unknown option: '--dryrun'"), unknownOption.err());
    assertTrue(unknownOption.err().contains("./sentinel drill --help"), unknownOption.err());
    Run noReason = run("reject", "TOKEN");
    assertEquals(64, noReason.code());
    assertTrue(noReason.err().contains("--reason"), noReason.err());
    Run both = run("drill", "database-failure", "--approve-as", "a", "--reject-as", "b");
    assertEquals(64, both.code());
    assertEquals(0, requests.get());
  }
}

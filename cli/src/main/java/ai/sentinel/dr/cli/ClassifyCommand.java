package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import ai.sentinel.dr.trigger.Responder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./sentinel classify FILE}: what the responders would do with a payload, without any AWS call. */
@Command(name = "classify", usageHelpAutoWidth = false,
    description = {"What the responders would do with an event or manual payload: one JSON object {action, scenario, "
        + "resource, dedupKey, reason}, from the same classifier and the environment's cdk.json settings. No AWS "
        + "call.",
        "Exit 0 start or ignore, 2 reject."})
final class ClassifyCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Parameters(paramLabel = "FILE", description = "the payload (JSON), relative to your directory")
  String file;

  @Option(names = "--env", paramLabel = "NAME", defaultValue = "dev",
      description = "the cdk.json environment whose settings classify (default: ${DEFAULT-VALUE})")
  String env;

  @Option(names = "--at", paramLabel = "TIME", description = "as if received at that ISO-8601 time, e.g. "
      + "2026-01-17T10:05:00Z (a signal's age is judged from now otherwise)")
  String at;

  ClassifyCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    Clock clock = Clock.systemUTC();
    if (at != null) {
      Instant instant = EventTimes.parse(at);
      if (instant == null) {
        cli.err().println("sentinel: --at must be an ISO-8601 time like 2026-01-17T10:05:00Z, got '" + at + "'");
        return Main.USAGE;
      }
      clock = Clock.fixed(instant, ZoneOffset.UTC);
    }
    Path path = cli.path(file);
    byte[] raw;
    try {
      raw = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      cli.err().println("sentinel: no such file " + path);
      return Main.USAGE;
    }
    Classification c = classify(raw, deployedEnvironment(EnvironmentConfig.fromCdkJson(
        RepoPaths.cdkJson(RepoPaths.root()), env)), clock);
    cli.out().println(Json.write(c));
    return Classification.REJECT.equals(c.action()) ? Main.REJECTED : Main.OK;
  }

  /**
   * What a responder with this function environment would answer: the classifier's verdict, then a reject where the
   * scenario has no state machine (the responder could not start it).
   */
  static Classification classify(byte[] raw, Map<String, String> functionEnvironment, Clock clock) {
    DrConfig config = DrConfig.fromEnv(functionEnvironment);
    return Responder.deployed(new EventClassifier(config, clock).classify(raw), config);
  }

  /**
   * The function environment as the stack deploys it; the deployment-time ARNs are what the stack would name, since
   * classification only needs to know which scenarios have a state machine.
   */
  static Map<String, String> deployedEnvironment(EnvironmentConfig config) {
    // a responder's: every settings section, since it classifies signals for every scenario
    Map<String, String> env = new LinkedHashMap<>(config.lambdaEnvironment(AlarmResponder.class));
    String account = config.account() == null ? "123456789012" : config.account();
    env.put("AWS_REGION", config.region());
    env.put(DrConfig.Vars.NOTIFY_TOPIC_ARN, "arn:aws:sns:" + config.region() + ":" + account + ":"
        + Names.notificationsTopic(config.prefix()));
    Map<String, String> machines = new LinkedHashMap<>();
    // the state machines the stack builds (InfraScenarios: the sections it has, and the tests)
    for (String scenario : ai.sentinel.dr.infra.InfraScenarios.deployed(config).stream()
        .map(ai.sentinel.dr.infra.InfraScenario::id).toList()) {
      machines.put(scenario, "arn:aws:states:" + config.region() + ":" + account + ":stateMachine:"
          + Names.stateMachine(config.prefix(), scenario));
    }
    env.put(DrConfig.Vars.STATE_MACHINE_ARNS, Json.write(machines));
    return env;
  }
}

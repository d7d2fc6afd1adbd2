package ai.sentinel.dr.cloud;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The background JVM of {@code ./sentinel cloud up}: synthesizes the environment, starts the local cloud (moto +
 * gateway), "deploys" the stack onto it and seeds the platform, exactly as a drill does ({@link LocalSentinel}), then
 * subscribes an inbox queue to the notifications topic (where approval requests and their tokens arrive), writes
 * {@link CloudState} and serves until it is stopped. SIGTERM ({@code cloud down}) or SIGINT runs the shutdown hook,
 * which stops everything and removes the state; a SIGKILL leaves the state file, but the local servers still stop
 * (their guards see this JVM gone) and the next {@code cloud up} or {@code cloud down} clears the stale file.
 *
 * <p>{@code java ... ai.sentinel.dr.cloud.CloudDaemon ENV STATE_DIR}, started by {@link CloudCommand#up}.
 */
public final class CloudDaemon {
  static final String INBOX_QUEUE = "local-oncall-inbox";

  private CloudDaemon() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: CloudDaemon ENV STATE_DIR");
      System.exit(64);
    }
    String env = args[0];
    Path dir = Path.of(args[1]).toAbsolutePath();
    Instant begin = Instant.now();
    Path root = RepoPaths.root();
    System.out.println("synthesizing the CDK app for environment '" + env + "'...");
    CloudTemplate template = Templates.synthesize(root, env, List.of());
    System.out.println("starting the local cloud, deploying the stack, seeding the platform...");
    LocalSentinel sentinel = LocalSentinel.start(template, Map.of(), dir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("stopping the local cloud");
      try {
        Files.deleteIfExists(dir.resolve(CloudState.FILE));
      } catch (IOException ignored) {
        // cloud down removes a stale state file too
      }
      sentinel.close();
      stopped.countDown();
    }, "cloud-down"));

    String inbox = subscribeInbox(sentinel);
    ProcessHandle self = ProcessHandle.current();
    // every process below this one (the servers and their guards): cloud down checks that none is left
    List<Long> children = new ArrayList<>();
    self.descendants().forEach(p -> children.add(p.pid()));
    CloudState state = new CloudState(self.pid(), self.info().startInstant().map(Instant::toString).orElse(null),
        env, sentinel.cloud.endpoint().toString(), sentinel.aws.functionEnvironment().get("AWS_REGION"),
        sentinel.cloud.motoEndpoint().toString(), children, sentinel.deployment.stateMachines(),
        sentinel.deployment.functionNames().stream().sorted().toList(), inbox,
        Duration.between(begin, Instant.now()).toMillis() / 1000.0);
    state.write(dir);
    System.out.println("up: " + state.endpoint());
    stopped.await();
  }

  /** An SQS queue subscribed to the notifications topic: the on-call's inbox, where approval tokens arrive. */
  private static String subscribeInbox(LocalSentinel sentinel) {
    String queueUrl = sentinel.aws.sqs.createQueue(b -> b.queueName(INBOX_QUEUE)).queueUrl();
    String queueArn = sentinel.aws.sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
        .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
    sentinel.aws.sns.subscribe(b -> b.topicArn(sentinel.deployment.topicEndingWith("-notifications"))
        .protocol("sqs").endpoint(queueArn));
    // moto names its own port in the URL; the AWS CLI and the SDKs reach the queue through the gateway
    java.net.URI url = java.net.URI.create(queueUrl);
    return sentinel.cloud.endpoint().resolve(url.getRawPath()).toString();
  }
}

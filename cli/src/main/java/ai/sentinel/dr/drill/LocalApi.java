package ai.sentinel.dr.drill;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;

/**
 * The API's public {@code GET /health} on the local cloud, where nothing serves the API: answered as the platform's
 * load balancers would answer it, read from the cloud at each request. A listener rule that matches the request
 * (path-pattern and http-request-method conditions; a rule with any other condition is not evaluated) and answers
 * with a fixed response gives its status (a maintenance rule's 503); otherwise the request reaches the service, which
 * answers 200 when every configured target group has a healthy target and 503 as an ALB does when one has none. An
 * unreadable load balancer (its region down) answers 503. This is what a drill's health check probes when the
 * environment configures no {@code healthUrl}: it shows what the recovery did to the front door, not the API's code.
 */
public final class LocalApi implements AutoCloseable {
  static final String PATH = "/health";

  private final HttpServer server;
  private final ExecutorService threads;

  private LocalApi(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Serves {@code /health} on 127.0.0.1 for the target groups (names or ARNs) read with {@code elb}. */
  static LocalApi start(ElasticLoadBalancingV2Client elb, Collection<String> targetGroups) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      // a probe that gave up (a region down makes each read slow) must not hold up the next one
      ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-api");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(threads);
      List<String> groups = List.copyOf(new java.util.LinkedHashSet<>(targetGroups));
      server.createContext(PATH, x -> {
        int status = status(elb, groups, x.getRequestMethod(), x.getRequestURI().getPath());
        x.sendResponseHeaders(status, -1);
        x.close();
      });
      server.start();
      return new LocalApi(server, threads);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  /** The status the load balancers answer {@code method path} with. */
  static int status(ElasticLoadBalancingV2Client elb, List<String> groups, String method, String path) {
    try {
      for (LoadBalancer lb : elb.describeLoadBalancers().loadBalancers()) {
        for (Listener listener : elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners()) {
          List<Rule> rules = new ArrayList<>(elb.describeRules(b -> b.listenerArn(listener.listenerArn())).rules());
          rules.removeIf(r -> Boolean.TRUE.equals(r.isDefault()) || "default".equals(r.priority()));
          rules.sort(Comparator.comparingInt(r -> Integer.parseInt(r.priority())));
          // the first matching rule answers, else the listener's default actions
          List<Action> answer = rules.stream().filter(r -> matches(r, method, path)).findFirst()
              .map(Rule::actions).orElse(listener.defaultActions());
          Integer fixed = fixed(answer);
          if (fixed != null && (fixed < 200 || fixed >= 300)) {
            return fixed;
          }
        }
      }
      for (String group : groups) {
        String arn = group.startsWith("arn:") ? group : elb.describeTargetGroups(b -> b.names(group))
            .targetGroups().get(0).targetGroupArn();
        boolean healthy = elb.describeTargetHealth(b -> b.targetGroupArn(arn)).targetHealthDescriptions().stream()
            .anyMatch(d -> d.targetHealth() != null && "healthy".equals(d.targetHealth().stateAsString()));
        if (!healthy) {
          return 503;
        }
      }
      return 200;
    } catch (SdkException | IndexOutOfBoundsException | NumberFormatException e) {
      return 503;
    }
  }

  private static boolean matches(Rule rule, String method, String path) {
    if (rule.conditions().isEmpty()) {
      return false;
    }
    for (RuleCondition c : rule.conditions()) {
      List<String> values;
      String subject;
      if ("path-pattern".equals(c.field())) {
        values = c.pathPatternConfig() != null ? c.pathPatternConfig().values() : c.values();
        subject = path;
      } else if ("http-request-method".equals(c.field())) {
        values = c.httpRequestMethodConfig() != null ? c.httpRequestMethodConfig().values() : c.values();
        subject = method;
      } else {
        return false;
      }
      if (values.stream().noneMatch(v -> glob(v).matcher(subject).matches())) {
        return false;
      }
    }
    return true;
  }

  /** ALB's wildcards: {@code *} any characters, {@code ?} one. */
  private static Pattern glob(String value) {
    StringBuilder regex = new StringBuilder();
    for (char ch : value.toCharArray()) {
      regex.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
    }
    return Pattern.compile(regex.toString());
  }

  /** The status of a fixed response as the terminal (last) action, or null when the actions forward or redirect. */
  private static Integer fixed(List<Action> actions) {
    return actions.stream().max(Comparator.comparing(a -> a.order() == null ? 0 : a.order()))
        .filter(a -> a.type() == ActionTypeEnum.FIXED_RESPONSE && a.fixedResponseConfig() != null)
        .map(a -> Integer.valueOf(a.fixedResponseConfig().statusCode())).orElse(null);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}

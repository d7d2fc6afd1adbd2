package ai.sentinel.dr.drill.corruption;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.DataCorruptionSettings;
import ai.sentinel.dr.corruption.DataCorruptionSettings.Maintenance;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.SeedPart;
import ai.sentinel.dr.drill.SentinelSeed;
import ai.sentinel.dr.drill.database.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Scenario 5's part of the platform: the application's tables on two real PostgreSQL servers with the database
 * secret's credentials, one standing for live (sentinel-db) and one for the point-in-time copy sentinel-db-clean
 * (moto's RestoreDBInstanceToPointInTime ignores RestoreTime, so the drill provides the clean data itself: both servers
 * are seeded with the same rows, and only live is then corrupted); and the maintenance parameter at its normal value.
 * {@code audit_logs} (120,000 rows over the last 48 hours) references {@code threat_reports} (2,000 rows). When the
 * environment stops writes on a listener too, the API's load balancer and that listener.
 */
public final class CorruptionSeed implements SeedPart {
  public static final int AUDIT_ROWS = 120_000;
  public static final int REPORT_ROWS = 2_000;
  /** The parameter's value when the API is in normal operation. */
  public static final String NORMAL = "normal";

  private volatile LocalPostgres live;
  private volatile LocalPostgres clean;
  private String password;
  private String user;
  private String database;
  private Instant newest;
  private String parameter;
  private String listenerArn;
  private CompletableFuture<Void> pending;

  @Override
  public void finish(SentinelSeed platform) throws IOException {
    if (pending == null) {
      return;
    }
    try {
      pending.join();
    } catch (CompletionException e) {
      close();
      throw new IOException("seeding the data-corruption tables failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** A server answering to the database secret's credentials, with the seeded tables. */
  private LocalPostgres server() {
    LocalPostgres server;
    try {
      server = LocalPostgres.start(password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    try (Connection c = connect(server); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE threat_reports (id bigint PRIMARY KEY, created_at timestamptz NOT NULL,"
          + " name text NOT NULL, severity integer NOT NULL)");
      st.execute("CREATE TABLE audit_logs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL,"
          + " api_key_id text, action text NOT NULL, is_threat boolean NOT NULL, threat_details jsonb,"
          + " report_id bigint REFERENCES threat_reports(id))");
      // the same rows on both servers: the clean copy is live as it was before the bad deployment
      String start = "timestamptz '" + newest.minus(Duration.ofHours(48)) + "'";
      st.execute("INSERT INTO threat_reports SELECT g, " + start + " + g * interval '86 seconds', 'report-' || g,"
          + " 1 + g % 5 FROM generate_series(1, " + REPORT_ROWS + ") g");
      st.execute("INSERT INTO audit_logs SELECT g, " + start + " + g * interval '1.44 seconds',"
          + " 'key-' || (g % 300), (array['login','query','export','scan'])[1 + g % 4], g % 13 = 0,"
          + " CASE WHEN g % 13 = 0 THEN jsonb_build_object('rule', 'r' || g % 7, 'score', g % 100) END,"
          + " CASE WHEN g % 13 = 0 THEN 1 + g % " + REPORT_ROWS + " END FROM generate_series(1, " + AUDIT_ROWS
          + ") g");
      st.execute("ANALYZE");
    } catch (SQLException e) {
      server.close();
      throw new IllegalStateException(e.getMessage(), e);
    }
    return server;
  }

  @Override
  public void seed(SentinelSeed platform) throws IOException, InterruptedException {
    if (LocalPostgres.binaries().isEmpty() || platform.config.settings(DataCorruptionSettings.class).isEmpty()) {
      return;
    }
    DatabaseUrl url = DatabaseUrl.parse(platform.aws.secrets.getSecretValue(b -> b.secretId(
        DatabaseSettings.of(platform.config).secretId())).secretString());
    password = url.password();
    user = url.user();
    database = url.database();
    newest = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // both servers start and load at once, while the other parts seed (awaited in finish)
    // (a thread each: the common pool has one thread on a 2-core machine)
    Executor thread = r -> {
      Thread t = new Thread(r, "corruption-seed");
      t.setDaemon(true);
      t.start();
    };
    pending = CompletableFuture.allOf(CompletableFuture.runAsync(() -> live = server(), thread),
        CompletableFuture.runAsync(() -> clean = server(), thread));
    Maintenance m = DataCorruptionSettings.of(platform.config).maintenance();
    if (m.listener() != null) {
      listenerArn = loadBalancer(platform, m);
    }
    parameter = m.parameter();
    if (parameter != null) {
      try (SsmClient ssm = ssm(platform.cloud.endpoint())) {
        ssm.putParameter(b -> b.name(parameter).value(NORMAL).type(ParameterType.STRING).overwrite(true));
      }
    }
  }

  /**
   * The API's load balancer and the listener EnterMaintenance puts its 503 rule on (HTTP here: no certificate on a
   * local cloud), answering 200 by default as the API would; returns the listener's ARN.
   */
  private static String loadBalancer(SentinelSeed platform, Maintenance m) {
    String lb = platform.aws.elbv2.createLoadBalancer(b -> b.name(m.loadBalancer()).subnets(platform.subnetIds)
        .scheme(LoadBalancerSchemeEnum.INTERNET_FACING).type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().get(0)
        .loadBalancerArn();
    return platform.aws.elbv2.createListener(b -> b.loadBalancerArn(lb).port(m.port()).protocol(ProtocolEnum.HTTP)
        .defaultActions(a -> a.type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("200")
            .contentType("text/plain").messageBody("sentinel-api")))).listeners().get(0).listenerArn();
  }

  /** The maintenance listener's ARN, or null when the environment stops writes without one. */
  public String listenerArn() {
    return listenerArn;
  }

  /** The listener's rules, one line each (priority, conditions, actions): the drill compares before and after. */
  public static java.util.List<String> rules(ai.sentinel.dr.drill.LocalSentinel sentinel, String listenerArn) {
    return sentinel.aws.elbv2.describeRules(b -> b.listenerArn(listenerArn)).rules().stream()
        .map(r -> r.priority() + " " + r.conditions() + " " + r.actions()).sorted().toList();
  }

  /** An SSM client on the local cloud (the drills' shared clients have none). */
  public static SsmClient ssm(URI endpoint) {
    return SsmClient.builder().endpointOverride(endpoint).region(LocalAws.REGION)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  /** Live and the clean copy, as the data-corruption functions reach them. */
  @Override
  public Map<String, String> functionEnvironment() {
    if (live == null) {
      return Map.of();
    }
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("connectHost", live.address());
    section.put("cleanConnectHost", clean.address());
    return Map.of(DataCorruptionSettings.SECTION.variable(), Json.write(section));
  }

  /** False when this machine has no PostgreSQL server (the drill cannot run). */
  public boolean reachable() {
    return live != null;
  }

  public Connection live() throws SQLException {
    return connect(live);
  }

  public Connection clean() throws SQLException {
    return connect(clean);
  }

  /** The newest seeded row's time: corruption starts shortly before it. */
  public Instant newest() {
    return newest;
  }

  public String parameter() {
    return parameter;
  }

  public String liveAddress() {
    return live.address();
  }

  public String cleanAddress() {
    return clean.address();
  }

  private Connection connect(LocalPostgres server) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return DriverManager.getConnection("jdbc:postgresql://" + server.address() + "/" + database, props);
  }

  @Override
  public void close() {
    if (pending != null) {
      pending.exceptionally(e -> null).join();
    }
    for (LocalPostgres server : new LocalPostgres[] {live, clean}) {
      if (server != null) {
        server.close();
      }
    }
  }
}

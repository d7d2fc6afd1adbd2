package ai.sentinel.dr.security;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.security.IpRanges.NotAnIp;
import ai.sentinel.dr.security.IpRanges.Range;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runbook Scenario 6 (security incident): cdk.json {@code security}, optional (without it no Scenario 6 is deployed).
 *
 * @param ipSet               the WAF IP set BlockIps adds attackers to (runbook: sentinel-blocklist, REGIONAL)
 * @param webAcl              the web ACL whose {@code AWS/WAFV2 BlockedRequests} alarms start an incident, or null
 * @param allowList           ranges never blocked whatever a signal says (offices, health checkers, the ALB's own)
 * @param blockHours          how long a block lasts before the scheduled prune removes it (default 24)
 * @param minSeverity         GuardDuty findings below this severity start nothing (default 7.0, "High")
 * @param acceptSampleFindings GuardDuty sample findings ({@code additionalInfo.sample}) start an incident (default no)
 * @param securityHubProducts Security Hub products whose imported CRITICAL findings start an incident (none: only an
 *                            analyst's custom action does)
 * @param piiMetric           the platform's PII-access metric whose alarms start an incident, or null
 * @param apiKeys             where RevokeApiKeys revokes keys: the application database's table and columns
 * @param isolation           the service Isolate scales to 0 (always behind approval) and how it comes back
 * @param groupingWindowMinutes signals about one attacker or principal within this window are one incident
 * @param connectHost         host:port to reach the application database instead of the secret's host: set by local
 *                            clouds in the functions' environment, never in cdk.json
 * @param rotation            the secrets RotateSecrets rotates and how their rotation functions are attached, or null
 * @param evidence            what PreserveEvidence keeps and where, or null
 * @param monitoring          HeightenedMonitoring's temporary alarms and how long they stay, or null
 */
public record SecuritySettings(IpSet ipSet, String webAcl, List<String> allowList, int blockHours,
    double minSeverity, boolean acceptSampleFindings, List<String> securityHubProducts, Metric piiMetric,
    ApiKeys apiKeys, Isolation isolation, int groupingWindowMinutes, String connectHost,
    Rotation rotation, Evidence evidence, MonitoringSettings monitoring) implements Settings {

  /** The runbook id of Scenario 6 (kept here so the section can name its recovery without a cycle). */
  public static final String SCENARIO = "security-incident";

  public static final SettingsSection<SecuritySettings> SECTION = new SettingsSection<>("security",
      SecuritySettings.class, false, Set.of(), SecuritySettings::read,
      new SettingsSection.Drill<>("securityIncidentTest", SecuritySettings::readDrill), List.of(SCENARIO));

  public static final int DEFAULT_BLOCK_HOURS = 24;
  public static final double DEFAULT_MIN_SEVERITY = 7.0;
  public static final int DEFAULT_GROUPING_WINDOW_MINUTES = 60;
  /** The runbook's "restore services gradually": one task, half, all. */
  public static final List<String> DEFAULT_RESTORE_STEPS = List.of("1", "50%", "100%");
  /** RestoreGradually's ceiling on the targets' 5xx per request over a step (the failback's default too). */
  public static final double DEFAULT_MAX_ERROR_RATE_PERCENT = 1.0;
  /** WAF's limit of addresses (CIDR entries) in one IP set. */
  public static final int WAF_IP_SET_LIMIT = 10_000;

  private static final Set<String> FIELDS = Set.of("ipSet", "webAcl", "allowList", "blockHours", "minSeverity",
      "acceptSampleFindings", "securityHubProducts", "piiMetric", "apiKeys", "isolation", "groupingWindowMinutes",
      "rotation", "evidence", "monitoring");
  private static final Set<String> EVIDENCE_FIELDS = Set.of("bucket", "logGroup", "windowHours", "retentionDays",
      "snapshot");
  private static final Pattern BUCKET = Pattern.compile("(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern LOG_GROUP = Pattern.compile("[A-Za-z0-9_./#-]{1,512}");
  /** The evidence snapshot of the database: {@code <instance>-evidence-<incident>}. */
  static final Pattern EVIDENCE_SNAPSHOT = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{0,200}-evidence-[0-9a-f]{12}");
  private static final Set<String> ROTATION_FIELDS = Set.of("jwtSecretId", "databaseSecretId",
      "automaticallyAfterDays");
  public static final int DEFAULT_ROTATION_DAYS = 90;
  private static final Set<String> IP_SET_FIELDS = Set.of("name", "id", "scope");
  private static final Set<String> METRIC_FIELDS = Set.of("namespace", "name");
  private static final Set<String> API_KEY_FIELDS = Set.of("secretId", "table", "idColumn", "revokedColumn");
  private static final Set<String> ISOLATION_FIELDS = Set.of("service", "restoreSteps", "loadBalancer",
      "maxErrorRatePercent");
  /** An ALB name, or its CloudWatch dimension app/NAME/ID (as report.loadBalancer). */
  private static final Pattern LOAD_BALANCER =
      Pattern.compile("(app/)?[A-Za-z0-9][A-Za-z0-9-]{0,31}(/[0-9a-f]{1,32})?");
  private static final Pattern WAF_NAME = Pattern.compile("[\\w-]{1,128}");
  private static final Pattern WAF_ID = Pattern.compile("[0-9a-f-]{1,36}");
  private static final Pattern SCOPE = Pattern.compile("REGIONAL|CLOUDFRONT");
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9./#:_-]{1,255}");
  private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z0-9./#:_ -]{1,255}");
  private static final Pattern PRODUCT = Pattern.compile("[A-Za-z0-9 ._-]{1,128}");
  // table and column names are written into SQL: plain lower-case identifiers only, never quoted input
  private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  private static final Pattern RESTORE_STEP = Pattern.compile("[1-9]\\d{0,3}|([1-9]\\d?|100)%");
  private static final int MAX_ALLOW_LIST = 100;

  /**
   * @param name  IP set name (runbook: sentinel-blocklist)
   * @param id    IP set id, or null: looked up by name with ListIPSets
   * @param scope REGIONAL (an ALB's web ACL) or CLOUDFRONT (then the IP set lives in us-east-1)
   */
  public record IpSet(String name, String id, String scope) {}

  /**
   * Runbook "rotate secrets": the two secrets RotateSecrets rotates, each with the rotation function the stack attaches
   * (a random value for the JWT secret; PostgreSQL single-user for the database URL: the role's password changes).
   *
   * @param jwtSecretId            sentinel/jwt-secret, or null: not rotated
   * @param databaseSecretId       sentinel/database-url, or null: not rotated
   * @param automaticallyAfterDays the schedule the attached rotation also runs on (Secrets Manager requires one)
   */
  public record Rotation(String jwtSecretId, String databaseSecretId, int automaticallyAfterDays) {
    /** The rotated secrets, JWT first. */
    public List<String> secretIds() {
      List<String> ids = new ArrayList<>();
      if (jwtSecretId != null) {
        ids.add(jwtSecretId);
      }
      if (databaseSecretId != null) {
        ids.add(databaseSecretId);
      }
      return ids;
    }
  }

  /**
   * Runbook "preserve evidence".
   *
   * @param bucket        the evidence bucket the stack creates (Object Lock, deletes denied), keys under
   *                      incidents/&lt;execution&gt;/
   * @param logGroup      the API's log group exported for the window (runbook: /ecs/sentinel-api)
   * @param windowHours   the window before the signal that is exported (default 24)
   * @param retentionDays Object Lock retention of every evidence object (default 365)
   * @param snapshot      also snapshot the database ({@code <instance>-evidence-<incident>}; default true)
   */
  public record Evidence(String bucket, String logGroup, int windowHours, int retentionDays, boolean snapshot) {}

  /** A CloudWatch metric: namespace and name. */
  public record Metric(String namespace, String name) {}

  /**
   * @param secretId      name of the secret holding the application database URL (sentinel/database-url)
   * @param table         the table of API keys (api_keys)
   * @param idColumn      its key id column (id)
   * @param revokedColumn its revocation time column, null while the key is valid (revoked_at)
   */
  public record ApiKeys(String secretId, String table, String idColumn, String revokedColumn) {
    /**
     * The runbook's revocation: only keys not yet revoked, so a second run changes nothing. Ids compare as text, so
     * the column may be uuid, bigint or text; the names come from validated cdk.json identifiers, never from input.
     */
    public String revokeSql() {
      return "UPDATE " + table + " SET " + revokedColumn + " = now() WHERE " + idColumn + "::text = ANY(?) AND "
          + revokedColumn + " IS NULL RETURNING " + idColumn + "::text";
    }

    /** The keys among the requested ones that exist, each with whether it is revoked already; rows locked. */
    public String lookupSql() {
      return "SELECT " + idColumn + "::text, " + revokedColumn + " IS NOT NULL FROM " + table + " WHERE " + idColumn
          + "::text = ANY(?) FOR UPDATE";
    }
  }

  /**
   * @param service      the ECS service Isolate scales to 0 (runbook: sentinel-api), one of {@code ecs.services}
   * @param restoreSteps RestoreGradually's steps back to the remembered count: a task count ("1") or a share of it
   *                     ("50%"); the last step is always the whole count
   * @param loadBalancer the service's ALB (name or app/NAME/ID) whose target 5xx per request is checked between
   *                     steps, or null: no error-rate check (the timeline says so)
   * @param maxErrorRatePercent a step whose targets answered more 5xx per request than this is a regression: the
   *                     restore halts there and pages (default 1)
   */
  public record Isolation(String service, List<String> restoreSteps, String loadBalancer,
      Double maxErrorRatePercent) {
    public Isolation {
      restoreSteps = restoreSteps == null || restoreSteps.isEmpty() ? DEFAULT_RESTORE_STEPS : List.copyOf(restoreSteps);
      maxErrorRatePercent = maxErrorRatePercent == null ? DEFAULT_MAX_ERROR_RATE_PERCENT : maxErrorRatePercent;
    }

    /** The desired counts RestoreGradually goes through to reach {@code target}, increasing, ending at it. */
    public List<Integer> counts(int target) {
      List<Integer> out = new ArrayList<>();
      for (String step : restoreSteps) {
        int n = step.endsWith("%")
            ? (int) Math.ceil(target * Integer.parseInt(step.substring(0, step.length() - 1)) / 100.0)
            : Integer.parseInt(step);
        n = Math.max(1, Math.min(n, target));
        if (out.isEmpty() || n > out.get(out.size() - 1)) {
          out.add(n);
        }
      }
      if (out.isEmpty() || out.get(out.size() - 1) != target) {
        out.add(target);
      }
      return out;
    }
  }

  public SecuritySettings {
    allowList = allowList == null ? List.of() : List.copyOf(allowList);
    securityHubProducts = securityHubProducts == null ? List.of() : List.copyOf(securityHubProducts);
    blockHours = blockHours == 0 ? DEFAULT_BLOCK_HOURS : blockHours;
    minSeverity = minSeverity == 0 ? DEFAULT_MIN_SEVERITY : minSeverity;
    groupingWindowMinutes = groupingWindowMinutes == 0 ? DEFAULT_GROUPING_WINDOW_MINUTES : groupingWindowMinutes;
  }

  /** The table of BlockIps' records (range, expiry, who, why) that PruneBlocks reads: the stack creates it. */
  public static String blocksTable(String environment) {
    return BlockRecords.table(environment);
  }

  /** This function's security settings, or a clear error when its environment has none. */
  public static SecuritySettings of(DrConfig config) {
    return config.require(SecuritySettings.class);
  }

  /** The allow-listed ranges, parsed (validated when read). */
  @JsonIgnore
  public List<Range> allowedRanges() {
    return allowList.stream().map(IpRanges::parse).toList();
  }

  /** This section with the IP set id and the database host a local cloud gave. */
  public SecuritySettings withLocal(String ipSetId, String newConnectHost) {
    return new SecuritySettings(new IpSet(ipSet.name(), ipSetId, ipSet.scope()), webAcl, allowList, blockHours,
        minSeverity, acceptSampleFindings, securityHubProducts, piiMetric, apiKeys, isolation, groupingWindowMinutes,
        newConnectHost, rotation, evidence, monitoring);
  }

  /**
   * Blast radius: the IP set, the API key table, the rotated secrets, the block records, the evidence, and this
   * scenario's own temporary alarms and their removal schedule.
   */
  @Override
  public boolean allows(String service, String target) {
    return switch (service) {
      case "wafv2" -> target.equals(ipSet.name());
      case "postgres" -> target.equals(apiKeys.table());
      case "secretsmanager" -> rotation != null && rotation.secretIds().contains(target);
      case "dynamodb" -> target.endsWith(BlockRecords.SUFFIX);
      case "s3" -> evidence != null && target.equals(evidence.bucket());
      case "logs" -> evidence != null && target.equals(evidence.logGroup());
      case "rds" -> evidence != null && evidence.snapshot() && EVIDENCE_SNAPSHOT.matcher(target).matches();
      case "cloudwatch" -> monitoring != null && HeightenedMonitoring.ALARM.matcher(target).matches();
      case "scheduler" -> monitoring != null && HeightenedMonitoring.SCHEDULE.matcher(target).matches();
      default -> false;
    };
  }

  static SecuritySettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("security must be an object {ipSet, allowList, apiKeys, isolation, ...}");
      return null;
    }
    config.unknownFields(node, "security.", FIELDS);
    IpSet ipSet = ipSet(node, config);
    String webAcl = config.optionalText(node, "security.webAcl", WAF_NAME, "a web ACL name");
    List<String> allowList = allowList(node, config);
    int blockHours = config.optionalPositive(node, "security.blockHours", DEFAULT_BLOCK_HOURS, 24 * 365);
    double minSeverity = severity(node, config);
    boolean acceptSamples = node.has("acceptSampleFindings") && config.bool(node, "security.acceptSampleFindings");
    List<String> products = node.has("securityHubProducts")
        ? config.list(node, "security.securityHubProducts", PRODUCT, "Security Hub product names (GuardDuty, "
            + "Inspector...)", true)
        : List.of();
    Metric pii = metric(node, config);
    ApiKeys apiKeys = apiKeys(node, config);
    Isolation isolation = isolation(node, config);
    int window = config.optionalPositive(node, "security.groupingWindowMinutes", DEFAULT_GROUPING_WINDOW_MINUTES,
        24 * 60);
    return new SecuritySettings(ipSet, webAcl, allowList, blockHours, minSeverity, acceptSamples, products, pii,
        apiKeys, isolation, window, null, rotation(node, config), evidence(node, config),
        MonitoringSettings.read(node, config));
  }

  private static Evidence evidence(JsonNode node, ConfigReader config) {
    JsonNode e = config.optionalObject(node, "security.evidence", "{bucket, logGroup, windowHours, retentionDays, "
        + "snapshot}");
    if (e == null) {
      return null;
    }
    config.unknownFields(e, "security.evidence.", EVIDENCE_FIELDS);
    return new Evidence(config.text(e, "security.evidence.bucket", BUCKET, "an S3 bucket name"),
        config.text(e, "security.evidence.logGroup", LOG_GROUP, "a CloudWatch Logs group name"),
        config.optionalPositive(e, "security.evidence.windowHours", 24, 24 * 30),
        config.optionalPositive(e, "security.evidence.retentionDays", 365, 36500),
        !e.has("snapshot") || config.bool(e, "security.evidence.snapshot"));
  }

  private static Rotation rotation(JsonNode node, ConfigReader config) {
    JsonNode r = config.optionalObject(node, "security.rotation", "{jwtSecretId, databaseSecretId, "
        + "automaticallyAfterDays}");
    if (r == null) {
      return null;
    }
    config.unknownFields(r, "security.rotation.", ROTATION_FIELDS);
    String jwt = r.has("jwtSecretId") ? config.secretName(r, "security.rotation.jwtSecretId") : null;
    String database = r.has("databaseSecretId") ? config.secretName(r, "security.rotation.databaseSecretId") : null;
    if (jwt == null && database == null) {
      config.problem("security.rotation names no secret (jwtSecretId, databaseSecretId)");
    } else if (jwt != null && jwt.equals(database)) {
      config.problem("security.rotation: jwtSecretId and databaseSecretId are the same secret '" + jwt + "'");
    }
    int days = config.optionalPositive(r, "security.rotation.automaticallyAfterDays", DEFAULT_ROTATION_DAYS, 1000);
    return new Rotation(jwt, database, days);
  }

  private static IpSet ipSet(JsonNode node, ConfigReader config) {
    JsonNode set = config.optionalObject(node, "security.ipSet", "{name, id, scope}");
    if (set == null) {
      if (!node.has("ipSet")) {
        config.problem("security.ipSet is missing ({name, id, scope}: the WAF IP set BlockIps adds to)");
      }
      return null;
    }
    config.unknownFields(set, "security.ipSet.", IP_SET_FIELDS);
    return new IpSet(config.text(set, "security.ipSet.name", WAF_NAME, "a WAF IP set name"),
        config.optionalText(set, "security.ipSet.id", WAF_ID, "a WAF IP set id"),
        config.text(set, "security.ipSet.scope", SCOPE, "REGIONAL or CLOUDFRONT"));
  }

  private static List<String> allowList(JsonNode node, ConfigReader config) {
    List<String> out = new ArrayList<>();
    JsonNode list = node.get("allowList");
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray() || list.size() > MAX_ALLOW_LIST) {
      config.problem("security.allowList must be a list of at most " + MAX_ALLOW_LIST + " IP ranges (CIDR)");
      return out;
    }
    for (JsonNode item : list) {
      if (!item.isTextual()) {
        config.problem("security.allowList must hold IP ranges (CIDR), got " + item);
        continue;
      }
      try {
        String cidr = IpRanges.parse(item.asText()).cidr();
        if (out.contains(cidr)) {
          config.problem("security.allowList lists " + cidr + " twice");
        } else {
          out.add(cidr);
        }
      } catch (NotAnIp e) {
        config.problem("security.allowList: " + e.getMessage());
      }
    }
    return out;
  }

  private static double severity(JsonNode node, ConfigReader config) {
    JsonNode v = node.get("minSeverity");
    if (v == null || v.isNull()) {
      return DEFAULT_MIN_SEVERITY;
    }
    if (!v.isNumber() || v.asDouble() < 1.0 || v.asDouble() > 10.0) {
      config.problem("security.minSeverity must be a GuardDuty severity from 1.0 to 10.0, got " + v);
      return DEFAULT_MIN_SEVERITY;
    }
    return v.asDouble();
  }

  private static Metric metric(JsonNode node, ConfigReader config) {
    JsonNode m = config.optionalObject(node, "security.piiMetric", "{namespace, name}");
    if (m == null) {
      return null;
    }
    config.unknownFields(m, "security.piiMetric.", METRIC_FIELDS);
    return new Metric(config.text(m, "security.piiMetric.namespace", NAMESPACE, "a CloudWatch namespace"),
        config.text(m, "security.piiMetric.name", METRIC_NAME, "a CloudWatch metric name"));
  }

  private static ApiKeys apiKeys(JsonNode node, ConfigReader config) {
    JsonNode k = config.optionalObject(node, "security.apiKeys", "{secretId, table, idColumn, revokedColumn}");
    if (k == null) {
      if (!node.has("apiKeys")) {
        config.problem("security.apiKeys is missing ({secretId, table, idColumn, revokedColumn}: where "
            + "RevokeApiKeys revokes keys)");
      }
      return null;
    }
    config.unknownFields(k, "security.apiKeys.", API_KEY_FIELDS);
    String what = "a lower-case SQL identifier (letters, digits, _)";
    return new ApiKeys(config.secretName(k, "security.apiKeys.secretId"),
        config.text(k, "security.apiKeys.table", SQL_IDENTIFIER, what),
        config.text(k, "security.apiKeys.idColumn", SQL_IDENTIFIER, what),
        config.text(k, "security.apiKeys.revokedColumn", SQL_IDENTIFIER, what));
  }

  private static Isolation isolation(JsonNode node, ConfigReader config) {
    JsonNode i = config.optionalObject(node, "security.isolation", "{service, restoreSteps, loadBalancer, "
        + "maxErrorRatePercent}");
    if (i == null) {
      if (!node.has("isolation")) {
        config.problem("security.isolation is missing ({service, restoreSteps}: the service Isolate scales to 0)");
      }
      return null;
    }
    config.unknownFields(i, "security.isolation.", ISOLATION_FIELDS);
    String service = config.text(i, "security.isolation.service", ECS_NAME, "an ECS service name");
    List<String> services = new ArrayList<>();
    config.root().path("ecs").path("services").forEach(s -> services.add(s.asText()));
    if (service != null && !services.contains(service)) {
      config.problem("security.isolation.service '" + service + "' is not one of ecs.services " + services);
    }
    List<String> steps = i.has("restoreSteps")
        ? config.list(i, "security.isolation.restoreSteps", RESTORE_STEP, "restore steps: a task count (\"1\") or "
            + "a share of the remembered count (\"50%\")", false)
        : DEFAULT_RESTORE_STEPS;
    String lb = config.optionalText(i, "security.isolation.loadBalancer", LOAD_BALANCER, "an ALB name or its metric "
        + "dimension app/NAME/ID");
    double maxRate = DEFAULT_MAX_ERROR_RATE_PERCENT;
    JsonNode rate = i.get("maxErrorRatePercent");
    if (rate != null && !rate.isNull()) {
      if (!rate.isNumber() || rate.asDouble() < 0 || rate.asDouble() > 100) {
        config.problem("security.isolation.maxErrorRatePercent must be a number from 0 to 100, got " + rate);
      } else {
        maxRate = rate.asDouble();
      }
    }
    return new Isolation(service, steps, lb, maxRate);
  }

  /** {@code drills.securityIncidentTest}: a schedule (quarterly); the drill is a dry-run on a documentation IP. */
  private static ScheduledTest readDrill(JsonNode drills, String path, ConfigReader config,
      SecuritySettings settings) {
    String schedule = config.schedule(drills, path);
    return schedule == null ? null : new ScheduledTest(schedule, null);
  }
}

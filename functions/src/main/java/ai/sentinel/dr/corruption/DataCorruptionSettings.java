package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.corruption.sql.TableSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runbook Scenario 5 (data corruption): cdk.json {@code dataCorruption}, optional (without it no Scenario 5 is
 * deployed). The database itself is the {@code database} section's (instance, secret).
 *
 * @param tables          the tables a recovery may compare and repair: name, primary key, timestamp column (the
 *                        runbook's created_at) and sensitive columns (never named with a value in a diff or report)
 * @param maintenance     how EnterMaintenance stops writes ("Put API in read-only mode or maintenance mode")
 * @param marginMinutes   a proposed cleanTime lies this long before the first corrupted row (default 5)
 * @param deleteCleanInstance DeleteCleanInstance deletes the clean copy after a verified repair (default true); false
 *                        keeps it for a human (a failed or rejected recovery always keeps it)
 * @param keepCleanInstanceHours the clean copy is kept this long after the recovery is reported, then deleted (a
 *                        retention for the on-call's own checks; default none: deleted at once)
 * @param apiService      the ECS service whose recent deployments Diagnose lists (default sentinel-api)
 * <p>Defaults are kept as null (the JSON leaves them out): every function of the stack reading every section gets this
 * one too, within Lambda's 4 KB of variables.
 * @param connectHost     host:port of live instead of the secret's host: set by local clouds, never in cdk.json
 * @param cleanConnectHost host:port of the clean copy instead of its endpoint: local clouds only
 */
public record DataCorruptionSettings(List<TableSpec> tables, Maintenance maintenance, Integer marginMinutes,
    Boolean deleteCleanInstance, Integer keepCleanInstanceHours, String apiService, String connectHost,
    String cleanConnectHost) implements Settings {

  /** The runbook id of Scenario 5 (kept here so the section can name its recovery without a cycle). */
  public static final String SCENARIO = "data-corruption";

  public static final SettingsSection<DataCorruptionSettings> SECTION = new SettingsSection<>("dataCorruption",
      DataCorruptionSettings.class, false, Set.of(), DataCorruptionSettings::read, null, List.of(SCENARIO));

  public static final int DEFAULT_MARGIN_MINUTES = 5;
  public static final int MAX_TABLES = 20;
  /** The two read-only modes of the ALB rule: writes answered 503 (reads go on), or every request answered 503. */
  public static final List<String> MODES = List.of("non-get", "all");

  private static final Set<String> FIELDS = Set.of("tables", "maintenance", "marginMinutes",
      "deleteCleanInstance", "keepCleanInstanceHours", "apiService");
  /** The longest retention of the clean copy: a month (an execution may wait up to a year). */
  public static final int MAX_KEEP_HOURS = 24 * 31;
  private static final Set<String> TABLE_FIELDS = Set.of("key", "timestamp", "sensitive");
  private static final Set<String> MAINTENANCE_FIELDS = Set.of("listener", "mode", "rulePriority", "parameter",
      "parameterValue");
  // written into SQL only quoted, but kept to plain identifiers so that cdk.json reads as the schema does
  static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  // an ALB name (1-32 letters, digits, hyphens) and a listener port
  private static final Pattern LISTENER = Pattern.compile("[A-Za-z0-9](-?[A-Za-z0-9]){0,31}:[1-9][0-9]{0,4}");
  private static final Pattern PARAMETER = Pattern.compile("/?[A-Za-z0-9_.\\-/]{1,1010}");
  private static final Pattern PARAMETER_VALUE = Pattern.compile("[A-Za-z0-9_.:=-]{1,64}");
  private static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

  /**
   * @param listener       the ALB listener that gets a fixed-response 503 rule, as {@code <alb name>:<port>} (e.g.
   *                       sentinel-alb:443; its ARN is looked up), or null for none
   * @param mode           non-get (read-only: POST, PUT, PATCH, DELETE answered 503) or all
   * @param rulePriority   the rule's priority on the listener (1-50000, default 1: before every forward rule)
   * @param parameter      an SSM parameter the application reads, set to {@code parameterValue}, or null for none
   * @param parameterValue the value meaning maintenance (default "read-only" in non-get mode, "maintenance" in all)
   */
  public record Maintenance(String listener, String mode, Integer rulePriority, String parameter,
      String parameterValue) {
    /** The HTTP methods the non-get rule answers 503 (ALB allows at most five values per condition). */
    public static final List<String> WRITE_METHODS = List.of("POST", "PUT", "PATCH", "DELETE");

    public boolean readOnly() {
      return mode == null || "non-get".equals(mode);
    }

    /** non-get or all. */
    public String modeName() {
      return readOnly() ? "non-get" : "all";
    }

    public int priority() {
      return rulePriority == null ? 1 : rulePriority;
    }

    /** The parameter's maintenance value. */
    public String loadBalancer() {
      return listener == null ? null : listener.substring(0, listener.lastIndexOf(':'));
    }

    public int port() {
      return listener == null ? 0 : Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
    }

    public String value() {
      return parameterValue != null ? parameterValue : readOnly() ? "read-only" : "maintenance";
    }
  }

  public DataCorruptionSettings {
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  public int margin() {
    return marginMinutes == null ? DEFAULT_MARGIN_MINUTES : marginMinutes;
  }

  public boolean deletesCleanInstance() {
    return deleteCleanInstance == null || deleteCleanInstance;
  }

  /** Hours the clean copy is kept after the recovery is reported; 0: deleted at once. */
  public int keepHours() {
    return keepCleanInstanceHours == null ? 0 : keepCleanInstanceHours;
  }

  public String service() {
    return apiService == null ? "sentinel-api" : apiService;
  }

  /** The configured tables' names, in order. */
  public List<String> tableNames() {
    return tables.stream().map(TableSpec::table).toList();
  }

  /** This function's section, or a clear error when its environment has none. */
  public static DataCorruptionSettings of(DrConfig config) {
    return config.require(DataCorruptionSettings.class);
  }

  /** The configured table, or null. */
  public TableSpec table(String name) {
    return tables.stream().filter(t -> t.table().equals(name)).findFirst().orElse(null);
  }

  /** This section with the addresses a local cloud's PostgreSQL servers answer at. */
  public DataCorruptionSettings withLocal(String live, String clean) {
    return new DataCorruptionSettings(tables, maintenance, marginMinutes, deleteCleanInstance,
        keepCleanInstanceHours, apiService, live, clean);
  }

  /**
   * Blast radius: the maintenance rule and parameter, the configured tables. The clean instance is the database
   * section's ({@code <instanceId>-clean}, derived like its other restore targets).
   */
  @Override
  public boolean allows(String service, String target) {
    return switch (service) {
      case "elbv2" -> maintenance != null && target.equals(maintenance.listener());
      case "ssm" -> maintenance != null && target.equals(maintenance.parameter());
      case "postgres" -> table(target) != null;
      default -> false;
    };
  }

  static DataCorruptionSettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("dataCorruption must be an object {tables, maintenance, marginMinutes, ...}");
      return null;
    }
    config.unknownFields(node, "dataCorruption.", FIELDS);
    List<TableSpec> tables = tables(node, config);
    Maintenance maintenance = maintenance(node, config);
    Integer margin = node.has("marginMinutes")
        ? config.optionalPositive(node, "dataCorruption.marginMinutes", DEFAULT_MARGIN_MINUTES, 24 * 60) : null;
    Boolean delete = node.has("deleteCleanInstance") ? config.bool(node, "dataCorruption.deleteCleanInstance")
        : null;
    Integer keep = node.has("keepCleanInstanceHours") ? config.optionalPositive(node,
        "dataCorruption.keepCleanInstanceHours", 0, MAX_KEEP_HOURS) : null;
    if (keep != null && Boolean.FALSE.equals(delete)) {
      config.problem("dataCorruption.keepCleanInstanceHours is a retention before the deletion, but "
          + "deleteCleanInstance is false (the copy is never deleted): set one or the other");
    }
    String service = node.has("apiService")
        ? config.text(node, "dataCorruption.apiService", ECS_NAME, "an ECS service name") : null;
    List<String> services = new ArrayList<>();
    config.root().path("ecs").path("services").forEach(s -> services.add(s.asText()));
    if (!services.contains(service == null ? "sentinel-api" : service)) {
      config.problem("dataCorruption.apiService '" + (service == null ? "sentinel-api" : service) + "' is not one "
          + "of ecs.services " + services);
    }
    return new DataCorruptionSettings(tables, maintenance, margin, delete, keep, service, null, null);
  }

  private static List<TableSpec> tables(JsonNode node, ConfigReader config) {
    List<TableSpec> out = new ArrayList<>();
    JsonNode tables = node.get("tables");
    if (tables == null || !tables.isObject() || tables.isEmpty() || tables.size() > MAX_TABLES) {
      config.problem("dataCorruption.tables must be an object of 1 to " + MAX_TABLES + " tables, each {key, "
          + "timestamp, sensitive}, e.g. {\"audit_logs\": {\"key\": \"id\", \"timestamp\": \"created_at\"}}");
      return out;
    }
    tables.fields().forEachRemaining(e -> {
      String path = "dataCorruption.tables." + e.getKey();
      if (!SQL_IDENTIFIER.matcher(e.getKey()).matches()) {
        config.problem(path + ": a table name must be a lower-case SQL identifier (letters, digits, _)");
        return;
      }
      if (!e.getValue().isObject()) {
        config.problem(path + " must be an object {key, timestamp, sensitive}");
        return;
      }
      config.unknownFields(e.getValue(), path + ".", TABLE_FIELDS);
      String what = "a lower-case SQL identifier (letters, digits, _)";
      String key = config.text(e.getValue(), path + ".key", SQL_IDENTIFIER, what);
      String timestamp = config.text(e.getValue(), path + ".timestamp", SQL_IDENTIFIER, what);
      List<String> sensitive = e.getValue().has("sensitive")
          ? config.list(e.getValue(), path + ".sensitive", SQL_IDENTIFIER, "column names", true) : List.of();
      if (key != null && timestamp != null) {
        out.add(new TableSpec(e.getKey(), key, timestamp, Set.copyOf(sensitive)));
      }
    });
    return out;
  }

  private static Maintenance maintenance(JsonNode node, ConfigReader config) {
    JsonNode m = config.optionalObject(node, "dataCorruption.maintenance", "{listener, mode, rulePriority, "
        + "parameter, parameterValue}");
    if (m == null) {
      if (!node.has("maintenance")) {
        config.problem("dataCorruption.maintenance is missing ({listener, mode} and/or {parameter}: how "
            + "EnterMaintenance stops writes before the repair)");
      }
      return null;
    }
    config.unknownFields(m, "dataCorruption.maintenance.", MAINTENANCE_FIELDS);
    String listener = config.optionalText(m, "dataCorruption.maintenance.listener", LISTENER,
        "an ALB listener as <load balancer name>:<port>, e.g. sentinel-alb:443");
    if (listener != null && Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1)) > 65535) {
      config.problem("dataCorruption.maintenance.listener: port must be 1-65535, got " + listener);
    }
    String parameter = config.optionalText(m, "dataCorruption.maintenance.parameter", PARAMETER,
        "an SSM parameter name");
    if (!m.has("listener") && !m.has("parameter")) {
      config.problem("dataCorruption.maintenance needs a listener, a parameter or both: without either nothing "
          + "stops writes during the repair");
    }
    String mode = m.has("mode") ? config.text(m, "dataCorruption.maintenance.mode", Pattern.compile("non-get|all"),
        "non-get (writes answered 503) or all (every request answered 503)") : null;
    Integer priority = m.has("rulePriority")
        ? config.optionalPositive(m, "dataCorruption.maintenance.rulePriority", 1, 50_000) : null;
    String value = m.has("parameterValue") ? config.text(m, "dataCorruption.maintenance.parameterValue",
        PARAMETER_VALUE, "1-64 letters, digits or _ . : = -") : null;
    if (m.has("parameterValue") && !m.has("parameter")) {
      config.problem("dataCorruption.maintenance.parameterValue is set but no parameter is");
    }
    return new Maintenance(listener, mode, priority, parameter, value);
  }
}

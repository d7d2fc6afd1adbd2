package ai.sentinel.dr.drill.security;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.ecs.EcsServiceFailure;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.security.SecurityIncident;
import ai.sentinel.dr.security.SecuritySettings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.wafv2.model.Scope;

/**
 * Scenario 6: the API task role's credentials, and a customer's API key, used from an outside address. GuardDuty
 * reports the credential exfiltration (severity 8, an active breach); the finding reaches the responder through the
 * deployed rule's pattern. Containment that can be undone runs at once (the address blocked at WAF, both secrets
 * rotated, the evidence preserved); isolating the API waits for an approval, and so does bringing it back. The drill
 * passes when {@link SecurityChecks} finds each of them done in the local cloud and the application database.
 */
public final class SecurityIncidentDrill implements DrillScenario {
  /** The attacker's address (documentation range: public, never allow-listed). */
  public static final String ATTACKER = "203.0.113.77";

  /** The statuses of the attacker's logged requests, in order. */
  static final List<Integer> STATUSES = List.of(200, 401, 403, 200, 500, 403, 200, 404);
  /**
   * A second address the finding does not name, probing without a key: only the investigation finds it, and the
   * second round blocks it after the approval (documentation range: public, never allow-listed).
   */
  public static final String ACCOMPLICE = "203.0.113.91";
  /** The accomplice's statuses; an allow-listed office address also logs one 404, which must never be blocked. */
  static final List<Integer> ACCOMPLICE_STATUSES = List.of(401, 403);

  private SecurityChecks.Before before;

  @Override
  public String id() {
    return SecurityIncident.ID;
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    SecuritySettings settings = SecuritySettings.of(sentinel.config);
    before = SecurityChecks.before(sentinel);
    out.println("seeded: WAF IP set " + settings.ipSet().name() + " " + ipSet(sentinel) + " in web ACL "
        + settings.webAcl() + "; allow-listed " + settings.allowedRanges().stream().map(r -> r.cidr()).toList());
    out.println("seeded: secrets with rotation attached (every " + settings.rotation().automaticallyAfterDays()
        + " days): " + before.versions() + " (AWSCURRENT version ids; values never printed)");
    SecuritySeed seed = sentinel.part(SecuritySeed.class);
    out.println("seeded: application database " + (seed.tables() ? seed.localAddress() + " with api_keys (3 active)"
        + " and audit_logs" : "NOT AVAILABLE (no local PostgreSQL: apt-get install -y postgresql)"));
    String api = settings.isolation().service();
    out.println("seeded: " + api + " " + before.desired() + " tasks; evidence bucket " + settings.evidence().bucket()
        + ", log group " + settings.evidence().logGroup());
  }

  /** An address of the first allow-listed range (the office): the investigation sees it, no round blocks it. */
  static String office(LocalSentinel sentinel) {
    String cidr = SecuritySettings.of(sentinel.config).allowedRanges().get(0).cidr();
    return cidr.substring(0, cidr.indexOf('/'));
  }

  /** The seeded IP set's entries as WAF holds them now. */
  public static List<String> ipSet(LocalSentinel sentinel) {
    SecuritySettings settings = SecuritySettings.of(sentinel.config);
    return sentinel.aws.waf.getIPSet(b -> b.name(settings.ipSet().name()).scope(Scope.REGIONAL)
        .id(sentinel.part(SecuritySeed.class).ipSetId())).ipSet().addresses();
  }

  /** The attacker's requests with the stolen key, as the API logged them (JSON lines, mixed statuses). */
  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) {
    String group = SecuritySettings.of(sentinel.config).evidence().logGroup();
    String stream = "ecs/sentinel-api/attack-" + UUID.randomUUID().toString().substring(0, 8);
    sentinel.aws.logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
    long start = Instant.now().minus(20, ChronoUnit.MINUTES).toEpochMilli();
    List<Integer> statuses = STATUSES;
    List<software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < statuses.size(); i++) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("ip", ATTACKER);
      line.put("method", i % 2 == 0 ? "GET" : "POST");
      line.put("path", i % 3 == 0 ? "/api/v1/users/export" : "/api/v1/scans");
      line.put("status", statuses.get(i));
      line.put("api_key_id", SecuritySeed.STOLEN_KEY);
      long at = start + i * 30_000L;
      events.add(software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent.builder().timestamp(at)
          .message(Json.write(line)).build());
    }
    long later = start + statuses.size() * 30_000L;
    for (int i = 0; i < ACCOMPLICE_STATUSES.size(); i++) {
      events.add(software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent.builder().timestamp(later + i
          * 30_000L).message(Json.write(Map.of("ip", ACCOMPLICE, "method", "GET", "path", "/api/v1/admin",
          "status", ACCOMPLICE_STATUSES.get(i)))).build());
    }
    String office = office(sentinel);
    events.add(software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent.builder().timestamp(later
        + ACCOMPLICE_STATUSES.size() * 30_000L).message(Json.write(Map.of("ip", office, "method", "GET", "path",
        "/api/v1/missing", "status", 404))).build());
    sentinel.aws.logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
    out.println("inject: " + ACCOMPLICE_STATUSES.size() + " probes from " + ACCOMPLICE + " (statuses "
        + ACCOMPLICE_STATUSES + ") and a 404 from the allow-listed " + office);
    out.println("inject: " + events.size() + " requests from " + ATTACKER + " with API key " + SecuritySeed.STOLEN_KEY
        + " in " + group + " (statuses " + statuses + ")");
    if (sentinel.part(SecuritySeed.class).tables()) {
      SecurityChecks.recordThreats(sentinel, 4);
      out.println("inject: 4 threat rows for that key in audit_logs (sql_injection, pii_export)");
    }
    out.println("inject: the API task role's credentials used from " + ATTACKER + " (GuardDuty detects it)");
  }

  /** GuardDuty's finding as EventBridge delivers it, to the function the deployed rule targets. */
  @Override
  public Signal signal(LocalSentinel sentinel) {
    byte[] event = finding(Instant.now());
    Map<String, String> targets = sentinel.deployment.ruleTargets(new String(event, StandardCharsets.UTF_8));
    if (targets.isEmpty()) {
      throw new IllegalStateException("no deployed EventBridge rule matches the GuardDuty finding");
    }
    var rule = targets.entrySet().iterator().next();
    return new Signal(rule.getValue(), event, "GuardDuty Finding UnauthorizedAccess:IAMUser/"
        + "InstanceCredentialExfiltration.OutsideAWS (severity 8, " + ATTACKER + "), matched by rule " + rule.getKey());
  }

  /** The finding, shaped as GuardDuty's EventBridge events are (events/guardduty-eventbridge-*.json). */
  static byte[] finding(Instant at) {
    String now = at.truncatedTo(ChronoUnit.MILLIS).toString();
    String id = UUID.nameUUIDFromBytes(("drill" + now).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    ObjectNode event = Json.object();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", "GuardDuty Finding");
    event.put("source", "aws.guardduty");
    event.put("account", LocalAws.ACCOUNT);
    event.put("time", at.truncatedTo(ChronoUnit.SECONDS).toString());
    event.put("region", LocalAws.REGION.id());
    event.putArray("resources");
    ObjectNode d = event.putObject("detail");
    d.put("schemaVersion", "2.0");
    d.put("accountId", LocalAws.ACCOUNT);
    d.put("region", LocalAws.REGION.id());
    d.put("partition", "aws");
    d.put("id", id);
    d.put("arn", "arn:aws:guardduty:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT
        + ":detector/12abc34d567e8fa901bc2d34e56789f0/finding/" + id);
    d.put("type", "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS");
    ObjectNode key = d.putObject("resource").put("resourceType", "AccessKey").putObject("accessKeyDetails");
    key.put("accessKeyId", "ASIAEXAMPLE7EXAMPLE").put("principalId", "AROAEXAMPLEID:sentinel-api-task")
        .put("userName", "sentinel-api-task-role").put("userType", "AssumedRole");
    ObjectNode service = d.putObject("service");
    service.put("serviceName", "guardduty").put("detectorId", "12abc34d567e8fa901bc2d34e56789f0");
    ObjectNode call = service.putObject("action").put("actionType", "AWS_API_CALL").putObject("awsApiCallAction");
    call.put("api", "GetSecretValue").put("serviceName", "secretsmanager.amazonaws.com")
        .put("callerType", "Remote IP");
    call.putObject("remoteIpDetails").put("ipAddressV4", ATTACKER).putObject("organization")
        .put("asn", "64496").put("asnOrg", "EXAMPLE-NET");
    service.put("resourceRole", "TARGET");
    service.putObject("additionalInfo").put("value", "{}").put("type", "default");
    service.put("eventFirstSeen", at.minus(6, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString());
    service.put("eventLastSeen", at.minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString());
    service.put("archived", false).put("count", 3);
    d.put("severity", 8);
    d.put("createdAt", now);
    d.put("updatedAt", now);
    d.put("title", "Credentials for instance role sentinel-api-task-role used from external IP address.");
    d.put("description", "Credentials created exclusively for an EC2 instance using instance role "
        + "sentinel-api-task-role have been used from external IP address " + ATTACKER + ".");
    return Json.bytes(event);
  }

  @Override
  public String gatedStep() {
    return "Isolate";
  }

  @Override
  public boolean gateAlwaysOn() {
    return true;
  }

  /** An isolation that was not approved leaves the API running at its count. */
  @Override
  public Guard guard(LocalSentinel sentinel) {
    String api = SecuritySettings.of(sentinel.config).isolation().service();
    return new Guard(api + "'s desired count", () -> String.valueOf(EcsServiceFailure.describe(sentinel, api)
        .desiredCount()));
  }

  @Override
  public boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    return SecurityChecks.confirm(sentinel, before, recovery, out);
  }

  @Override
  public String note() {
    return "isolation and the restore always wait for an approval: without --approval the drill approves itself";
  }

  @Override
  public String verdict(boolean passed) {
    return passed ? "CONTAINED and VERIFIED" : "NOT CONTAINED";
  }

  /** The API's cluster, for the checks. */
  static String cluster(LocalSentinel sentinel) {
    return EcsSettings.of(sentinel.config).cluster();
  }
}

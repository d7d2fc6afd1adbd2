package ai.sentinel.dr.region;

import ai.sentinel.dr.common.HealthEvents;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.region.RegionState.Evidence;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.HealthEventResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The runbook's "open Health events" for ConfirmPrimaryDown: the AWS Health event that started the assessment (when
 * one did) and AWS Health's DescribeEvents of the primary's open issues. Both are what AWS says about its own region;
 * neither is ever a verdict by itself (the platform must be down too), and a DescribeEvents that fails is "not
 * available" evidence, not a crash and not a sign of the region's health: the API needs a Business or Enterprise
 * support plan, answers from us-east-1 (the region that may be the one down), and moto does not have it.
 */
final class HealthEvidence {
  /** The triggering event's check. */
  static final String TRIGGER = "aws-health-event";
  /** DescribeEvents' check. */
  static final String API = "aws-health-api";
  /** Where AWS Health's API answers (a global service, like Route 53). */
  static final String API_REGION = "us-east-1";

  private HealthEvidence() {}

  /** True for AWS Health's evidence: what AWS says of the region, not a check of the platform. */
  static boolean isHealth(Evidence e) {
    return TRIGGER.equals(e.check()) || API.equals(e.check());
  }

  /** The Health event that started {@code recovery}, as evidence; null when something else started it. */
  static Evidence trigger(Recovery recovery) {
    Trigger t = recovery.trigger();
    if (t == null || !HealthEventResponder.KIND.equals(t.kind())) {
      return null;
    }
    JsonNode d = t.detail();
    String type = Fields.textOrNull(d, "eventTypeCode");
    if (type == null) {
      // a trigger from before the event's fields were carried: its summary names the event
      return new Evidence(TRIGGER, Evidence.UNHEALTHY, "the trigger, at " + t.time() + ": " + t.summary() + " ("
          + t.id() + ")");
    }
    return new Evidence(TRIGGER, Evidence.UNHEALTHY, "the trigger, at " + t.time() + ": " + type + " ("
        + Fields.textOrNull(d, "service") + " in " + Fields.textOrNull(d, "eventRegion") + ", "
        + Fields.textOrNull(d, "eventTypeCategory") + " " + Fields.textOrNull(d, "statusCode") + " since "
        + Fields.textOrNull(d, "startTime") + ") " + Fields.textOrNull(d, "eventArn"));
  }

  /** DescribeEvents of the open issues of {@code services} in {@code primary}, within {@code timeout}. */
  static Evidence describe(HealthEvents api, String primary, List<String> services, Duration timeout) {
    String scope = String.join(", ", services) + " in " + primary;
    try {
      List<HealthEvents.Event> open = api.openIssues(primary, services, timeout);
      if (open.isEmpty()) {
        return new Evidence(API, Evidence.HEALTHY, "DescribeEvents: no open issue of " + scope);
      }
      return new Evidence(API, Evidence.UNHEALTHY, "DescribeEvents: " + open.size() + " open issue"
          + (open.size() == 1 ? "" : "s") + " of " + scope + ": " + String.join(", ", open.stream()
              .map(e -> e.eventTypeCode() + " (" + e.service() + ", since " + e.startTime() + ")").toList()));
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
      return new Evidence(API, Evidence.NOT_AVAILABLE, "DescribeEvents answered error " + code + " (HTTP "
          + e.statusCode() + ")");
    } catch (SdkException e) {
      return new Evidence(API, Evidence.NOT_AVAILABLE, "DescribeEvents: no answer within " + timeout.toSeconds()
          + " s (" + e.getClass().getSimpleName() + ")");
    } catch (RuntimeException e) {
      // one missing source of evidence must not stop the assessment of the others
      return new Evidence(API, Evidence.NOT_AVAILABLE, "DescribeEvents failed (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  /**
   * AWS Health's word that the region itself is impaired: DescribeEvents listing an open issue, or, when it could
   * not answer, the triggering event (an answer of DescribeEvents is newer than the event).
   */
  static List<Evidence> regional(List<Evidence> evidence) {
    Evidence api = find(evidence, API);
    Evidence trigger = find(evidence, TRIGGER);
    boolean apiAnswered = api != null && !Evidence.NOT_AVAILABLE.equals(api.result());
    List<Evidence> regional = new ArrayList<>();
    if (apiAnswered && Evidence.UNHEALTHY.equals(api.result())) {
      regional.add(api);
    } else if (!apiAnswered && trigger != null) {
      regional.add(trigger);
    }
    return regional;
  }

  /** One clause for the verdict: what AWS Health said and how it counted. */
  static String note(List<Evidence> evidence) {
    Evidence api = find(evidence, API);
    Evidence trigger = find(evidence, TRIGGER);
    List<String> said = new ArrayList<>();
    if (trigger != null) {
      said.add("the assessment was started by an open AWS Health issue");
    }
    if (api == null) {
      said.add("DescribeEvents not asked");
    } else if (Evidence.NOT_AVAILABLE.equals(api.result())) {
      said.add("DescribeEvents not available (" + api.detail() + "), so "
          + (trigger != null ? "the triggering event stands for it" : "the verdict rests on the other checks"));
    } else if (api.healthy()) {
      said.add("DescribeEvents lists no open issue" + (trigger != null ? " now (the triggering event has closed)"
          : ""));
    } else {
      said.add("DescribeEvents lists open issues");
    }
    return "AWS Health: " + String.join("; ", said);
  }

  private static Evidence find(List<Evidence> evidence, String check) {
    return evidence.stream().filter(e -> check.equals(e.check())).findFirst().orElse(null);
  }
}

package ai.sentinel.dr.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.Arrays;
import java.util.List;
import software.constructs.IConstruct;

/** cdk-nag suppressions, each with the reason that makes it acceptable, applied to a construct and its children. */
public final class Nag {
  public static final String IAM5 = "AwsSolutions-IAM5";
  public static final String L1 = "AwsSolutions-L1";

  private Nag() {}

  /** Suppresses {@code rule} on {@code construct} for every finding. */
  public static void suppress(IConstruct construct, String rule, String reason) {
    NagSuppressions.addResourceSuppressions(construct,
        List.of(NagPackSuppression.builder().id(rule).reason(reason).build()), true);
  }

  /**
   * Regex for the IAM5 finding of a wildcard ARN of {@code service} whose resource part matches {@code resource}
   * (itself a regex); partition, region and account may be literal or CloudFormation references.
   */
  public static String arnFinding(String service, String resource) {
    String part = "(<[^>]+>|[^:<]*)";  // a literal, or cdk-nag's <AWS::Region>-style rendering of a reference
    return "/^Resource::arn:" + part + ":" + service + ":" + part + ":" + part + ":" + resource + "$/";
  }

  /** {@code text} as a literal in a JavaScript regex (cdk-nag evaluates them in JavaScript, which has no \Q...\E). */
  public static String literal(String text) {
    return text.replaceAll("[.*+?^${}()|\\[\\]\\\\/]", "\\\\$0");
  }

  /**
   * Suppresses {@code rule} only for the findings matching one of {@code regexes} (JavaScript regex literals against
   * cdk-nag's finding ids, e.g. {@code Resource::*}), so a new wildcard elsewhere still fails the synth.
   */
  public static void suppressFindings(IConstruct construct, String rule, String reason, String... regexes) {
    List<Object> appliesTo = Arrays.stream(regexes)
        .<Object>map(r -> RegexAppliesTo.builder().regex(r).build())
        .toList();
    NagSuppressions.addResourceSuppressions(construct,
        List.of(NagPackSuppression.builder().id(rule).reason(reason).appliesTo(appliesTo).build()), true);
  }
}

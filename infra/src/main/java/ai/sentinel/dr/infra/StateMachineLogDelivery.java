package ai.sentinel.dr.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.CfnResourcePolicy;
import software.constructs.Construct;

/**
 * The CloudWatch Logs resource policy through which log delivery ({@code delivery.logs.amazonaws.com}, which writes
 * Step Functions' vended logs) may write to this stack's state machine log groups, and only for a delivery of this
 * account and region: {@code aws:SourceAccount} and {@code aws:SourceArn}, the confused-deputy conditions AWS documents
 * for this policy ("Logs sent to CloudWatch Logs", docs.aws.amazon.com/AmazonCloudWatch/latest/logs/
 * AWS-logs-infrastructure-CWL.html). Declared here, not left to the policy AWS creates at the first delivery, so the
 * conditions are reviewed and tested. One policy for every state machine: an account has at most 10 per region. The
 * state machine role's logs:*LogDelivery actions support no resource or these conditions (Step Functions' "IAM
 * policies for logging to CloudWatch Logs"): see the IAM5 reason in {@link RecoveryStateMachine}.
 */
public final class StateMachineLogDelivery extends Construct {
  /** The log group every state machine logs to: {@code /aws/vendedlogs/states/<prefix>-<scenario>}. */
  public static final String LOG_GROUP_PREFIX = "/aws/vendedlogs/states/";

  public StateMachineLogDelivery(Construct scope, String id, String prefix) {
    super(scope, id);
    String logs = "arn:" + Aws.PARTITION + ":logs:" + Aws.REGION + ":" + Aws.ACCOUNT_ID;
    PolicyDocument document = PolicyDocument.Builder.create().statements(List.of(PolicyStatement.Builder.create()
        .sid("StateMachineLogDelivery")
        .principals(List.of(new ServicePrincipal("delivery.logs.amazonaws.com")))
        .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
        .resources(List.of(logs + ":log-group:" + LOG_GROUP_PREFIX + prefix + "-*:log-stream:*"))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID),
            "ArnLike", Map.of("aws:SourceArn", logs + ":*")))
        .build())).build();
    CfnResourcePolicy.Builder.create(this, "Policy")
        .policyName(prefix + "-state-machine-log-delivery")
        .policyDocument(Stack.of(this).toJsonString(document.toJSON()))
        .build();
  }
}

package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.security.SecuritySettings;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.secretsmanager.CfnRotationSchedule;
import software.constructs.Construct;

/**
 * The rotation functions the runbook's {@code rotate-secret} assumes, attached to the platform's existing secrets
 * ({@code AWS::SecretsManager::RotationSchedule} by secret name): each secret's rotation invokes its function's alias
 * {@code live}, which Secrets Manager may invoke for this account only. Deploying never rotates
 * ({@code RotateImmediatelyOnUpdate: false}); the schedule ({@code automaticallyAfterDays}) is Secrets Manager's
 * requirement for an attached rotation. Each function may read and stage versions of its own secret only.
 */
final class SecretRotation extends Construct {
  private static final List<String> ROTATE = List.of("secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage");

  SecretRotation(Construct scope, String id, SecuritySettings.Rotation rotation, RunbookFunction jwt,
      RunbookFunction database) {
    super(scope, id);
    if (rotation.jwtSecretId() != null) {
      attach("Jwt", rotation.jwtSecretId(), jwt, rotation.automaticallyAfterDays());
    }
    if (rotation.databaseSecretId() != null) {
      attach("Database", rotation.databaseSecretId(), database, rotation.automaticallyAfterDays());
    }
  }

  private void attach(String id, String secretName, RunbookFunction fn, int days) {
    Arns arns = new Arns(this);
    fn.allow(ROTATE, List.of(arns.secret(secretName)));
    CfnPermission permission = CfnPermission.Builder.create(this, id + "Invoke")
        .action("lambda:InvokeFunction")
        .functionName(fn.live().getFunctionArn())
        .principal("secretsmanager.amazonaws.com")
        .sourceAccount(Stack.of(this).getAccount())
        .build();
    CfnRotationSchedule schedule = CfnRotationSchedule.Builder.create(this, id + "Schedule")
        .secretId(secretName)
        .rotationLambdaArn(fn.live().getFunctionArn())
        .rotationRules(CfnRotationSchedule.RotationRulesProperty.builder().automaticallyAfterDays(days).build())
        .rotateImmediatelyOnUpdate(false)
        .build();
    schedule.addDependency(permission);
  }
}

package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.oncall.PagerDutySettings;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * Makes the {@link RunbookFunction}s of one environment: same jar, same base environment, same retention, names
 * derived from the handler class. Each construct that owns a concern creates its functions in its own scope.
 */
public final class RunbookFunctions {
  private final String prefix;
  private final Code code;
  private final Map<String, String> environment;
  private final Function<Class<?>, Map<String, String>> settings;
  private final RetentionDays logRetention;

  /**
   * @param prefix       {@code <env>-sentinel-dr}
   * @param lambdaJar    the functions' shaded jar
   * @param environment  variables every function gets
   * @param settings     the settings-section variables of a handler's function: only the sections it reads
   *                     ({@link EnvironmentConfig#settingsEnvironment}), so that each stays within Lambda's 4 KB
   * @param logRetention retention of every function's log group
   */
  public RunbookFunctions(String prefix, Path lambdaJar, Map<String, String> environment,
      Function<Class<?>, Map<String, String>> settings, RetentionDays logRetention) {
    this.prefix = prefix;
    // one asset: every function deploys the same jar
    this.code = Code.fromAsset(lambdaJar.toString());
    this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    this.settings = settings;
    this.logRetention = logRetention;
  }

  /**
   * The function of {@code handler}, construct id = the handler's simple name.
   *
   * @param extraEnvironment variables only this function gets (added to the common ones)
   * @param vpc              where it runs, or null
   */
  public RunbookFunction create(Construct scope, Class<?> handler, Map<String, String> extraEnvironment,
      EnvironmentConfig.Vpc vpc) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.putAll(settings.apply(handler));
    env.putAll(extraEnvironment);
    RunbookFunction fn = new RunbookFunction(scope, handler.getSimpleName(), new RunbookFunction.Props(
        Names.function(prefix, handler), handler, code, env, logRetention, vpc));
    // a function that may page through PagerDuty reads the routing key, and only that secret
    String pagerDuty = env.get(SettingsSection.variable(PagerDutySettings.SECTION.name()));
    if (pagerDuty != null) {
      String secret = Json.tree(pagerDuty).path("routingKeySecretId").asText();
      fn.allow(List.of("secretsmanager:GetSecretValue"), List.of(new Arns(scope).secret(secret)));
    }
    return fn;
  }
}

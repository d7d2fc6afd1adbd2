package ai.sentinel.dr.cli;

import ai.sentinel.dr.infra.EnvironmentConfig;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A failure as one line for the operator, with its exit code: the SDK's messages name the whole credential-provider
 * chain or carry a stack trace, which says nothing to someone answering a gate at 3 a.m.
 */
final class CliErrors {
  private CliErrors() {}

  /** What went wrong and the exit code that says so. */
  record Failure(String message, int exitCode) {}

  static Failure of(Throwable e, Cli cli) {
    if (e instanceof EnvironmentConfig.InvalidConfigException) {
      return new Failure(e.getMessage(), Main.USAGE);
    }
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      return new Failure(service(s), Main.FAILED);
    }
    if (e instanceof SdkClientException) {
      return new Failure(client((SdkClientException) e, cli), Main.UNAVAILABLE);
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new Failure(firstLine(message), Main.FAILED);
  }

  /** A refusal by the service: what it means for the operator. */
  private static String service(AwsServiceException s) {
    String code = s.awsErrorDetails().errorCode();
    String said = firstLine(s.awsErrorDetails().errorMessage() == null ? "" : s.awsErrorDetails().errorMessage());
    String meaning = switch (code == null ? "" : code) {
      case "ExecutionDoesNotExist" -> "no such execution in this account and region";
      case "InvalidArn" -> "not an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME)";
      case "TaskDoesNotExist", "InvalidToken" -> "no approval is waiting for this token (answered already, or the "
          + "recovery stopped)";
      case "TaskTimedOut" -> "the approval has timed out: the recovery no longer waits for it";
      case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch",
          "ExpiredTokenException", "ExpiredToken" -> "the AWS credentials were refused";
      case "AccessDeniedException", "AccessDenied" -> "access denied for these credentials";
      default -> null;
    };
    return (meaning == null ? code : meaning + " (" + code + ")") + (said.isBlank() ? "" : ": " + said);
  }

  /** The SDK could not make the call: no credentials, no region, or no endpoint answering. */
  private static String client(SdkClientException e, Cli cli) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("Unable to load credentials")) {
      return "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
          + "(or AWS_ENDPOINT_URL for a local cloud)";
    }
    if (message.contains("Unable to load region")) {
      return "no AWS region: set AWS_REGION";
    }
    String endpoint = cli.env().get("AWS_ENDPOINT_URL");
    String where = endpoint == null || endpoint.isBlank() ? "the AWS endpoint" : "AWS_ENDPOINT_URL=" + endpoint;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof UnknownHostException) {
        return "cannot reach " + where + ": unknown host " + c.getMessage();
      }
      if (c instanceof ConnectException || c instanceof SocketTimeoutException) {
        return "cannot reach " + where + ": " + firstLine(String.valueOf(c.getMessage()))
            + " (is the cloud running, is the URL right?)";
      }
    }
    return "the AWS call failed before an answer: " + firstLine(message);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return (nl < 0 ? text : text.substring(0, nl)).trim();
  }
}

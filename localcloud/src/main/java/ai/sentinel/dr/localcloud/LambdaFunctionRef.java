package ai.sentinel.dr.localcloud;

import java.util.Objects;

/**
 * What a Lambda {@code FunctionName} parameter names: a plain name ({@code echo}), a partial ARN
 * ({@code 123456789012:function:echo}) or a full ARN ({@code arn:aws:lambda:us-east-1:123456789012:function:echo}),
 * each optionally followed by {@code :qualifier} (a version or an alias).
 *
 * @param name the function name
 * @param qualifier the version or alias, or null
 * @param region the region from a full ARN, or null
 * @param accountId the account from a full or partial ARN, or null
 */
public record LambdaFunctionRef(String name, String qualifier, String region, String accountId) {

  public LambdaFunctionRef {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Empty function name");
    }
  }

  /**
   * Parses a {@code FunctionName} as the Lambda API accepts it.
   *
   * @throws IllegalArgumentException when the value is none of the accepted forms
   */
  public static LambdaFunctionRef parse(String functionName) {
    Objects.requireNonNull(functionName, "functionName");
    String[] parts = functionName.split(":", -1);
    if (parts[0].equals("arn")) {
      // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
      if ((parts.length == 7 || parts.length == 8) && parts[2].equals("lambda") && parts[5].equals("function")) {
        return new LambdaFunctionRef(parts[6], qualifierAt(parts, 7, functionName), emptyToNull(parts[3]),
            emptyToNull(parts[4]));
      }
    } else if (parts.length >= 3 && parts[1].equals("function")) {
      // ACCOUNT:function:NAME[:QUALIFIER]
      if (parts.length <= 4) {
        return new LambdaFunctionRef(parts[2], qualifierAt(parts, 3, functionName), null, emptyToNull(parts[0]));
      }
    } else if (parts.length <= 2 && !parts[0].isEmpty()) {
      return new LambdaFunctionRef(parts[0], qualifierAt(parts, 1, functionName), null, null);
    }
    throw new IllegalArgumentException("Not a Lambda function name or ARN: " + functionName);
  }

  /** The plain function name behind {@code functionName} (see {@link #parse}). */
  public static String functionName(String functionName) {
    return parse(functionName).name();
  }

  /** True when a version or alias was given. */
  public boolean hasQualifier() {
    return qualifier != null;
  }

  /** This reference with {@code newQualifier}, e.g. from the Invoke API's {@code Qualifier} query parameter. */
  public LambdaFunctionRef withQualifier(String newQualifier) {
    return new LambdaFunctionRef(name, newQualifier, region, accountId);
  }

  private static String qualifierAt(String[] parts, int index, String original) {
    if (parts.length <= index) {
      return null;
    }
    if (parts[index].isEmpty()) {
      throw new IllegalArgumentException("Empty qualifier in function name: " + original);
    }
    return parts[index];
  }

  private static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}

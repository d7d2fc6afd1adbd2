package ai.sentinel.dr.localcloud;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what an AWS request is (service, action, protocol) from its signature and shape. */
final class AwsRequests {

  /** How an AWS API frames a call: it decides what an error response must look like. */
  enum Protocol {
    /** {@code X-Amz-Target: Service.Action} with a JSON body (SFN, DynamoDB, ECS, Secrets Manager, ...). */
    JSON,
    /** {@code Action=...} form parameters answered in XML (SNS, RDS, EC2, ElastiCache, CloudWatch, ...). */
    QUERY,
    /** The action is in the method and path (Lambda, S3, Route 53, CloudFront, ...). */
    REST
  }

  // Credential=AKID/DATE/REGION/SERVICE/aws4_request, in the Authorization header or the X-Amz-Credential parameter
  private static final Pattern CREDENTIAL_SCOPE =
      Pattern.compile("Credential=[^/,\\s]*/\\d{8}/([^/,\\s]+)/([^/,\\s]+)/aws4_request");
  private static final Pattern QUERY_CREDENTIAL_SCOPE = Pattern.compile("^[^/]*/\\d{8}/([^/]+)/([^/]+)/aws4_request$");

  private AwsRequests() {}

  /** The SigV4 signing name of the call, or {@code unknown}. */
  static String service(String authorization, Map<String, String> query) {
    if (authorization != null) {
      Matcher m = CREDENTIAL_SCOPE.matcher(authorization);
      if (m.find()) {
        return m.group(2);
      }
    }
    String credential = query.get("X-Amz-Credential");
    if (credential != null) {
      Matcher m = QUERY_CREDENTIAL_SCOPE.matcher(credential);
      if (m.matches()) {
        return m.group(2);
      }
    }
    return "unknown";
  }

  /** The signing region of the call, or null. */
  static String region(String authorization) {
    if (authorization != null) {
      Matcher m = CREDENTIAL_SCOPE.matcher(authorization);
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  static Protocol protocol(String target, Map<String, String> form) {
    if (target != null && !target.isBlank()) {
      return Protocol.JSON;
    }
    return form.containsKey("Action") ? Protocol.QUERY : Protocol.REST;
  }

  /** The action named by the {@code X-Amz-Target} header, an {@code Action} parameter, or else method and path. */
  static String action(String method, String rawPath, String target, Map<String, String> form) {
    if (target != null && !target.isBlank()) {
      int dot = target.lastIndexOf('.');
      return dot >= 0 ? target.substring(dot + 1) : target;
    }
    String action = form.get("Action");
    if (action != null && !action.isEmpty()) {
      return action;
    }
    return method + " " + percentDecode(rawPath);
  }

  /**
   * Query-protocol parameters: those of the query string, then those of a form body (form wins). Only the first value
   * of a repeated name is kept; that is enough to find {@code Action}.
   */
  static Map<String, String> parameters(String rawQuery, String contentType, byte[] body) {
    Map<String, String> params = parseForm(rawQuery);
    if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      params.putAll(parseForm(new String(body, StandardCharsets.UTF_8)));
    }
    return params;
  }

  static Map<String, String> parseForm(String encoded) {
    Map<String, String> params = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return params;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String formDecode(String value) {
    return percentDecode(value.replace('+', ' '));
  }

  /**
   * Decodes %XX escapes as UTF-8 and leaves '+' alone (a path is not a form). Malformed escapes are kept as they
   * are: this is only for logging and name lookups.
   */
  static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '%' && i + 2 < bytes.length) {
        int hi = Character.digit(bytes[i + 1], 16);
        int lo = Character.digit(bytes[i + 2], 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      out.write(b);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

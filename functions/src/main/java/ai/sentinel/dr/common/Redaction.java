package ai.sentinel.dr.common;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text that comes from outside the automation (application log lines, task and container stop
 * reasons) before it enters a recovery document: Step Functions logs that document with execution data, and it
 * reaches SNS and the report. Errs on the side of masking: a masked word of context costs less than a leaked secret.
 */
public final class Redaction {
  public static final String MASK = "***";

  /** scheme://user:PASSWORD@host: the password runs to the last '@' of the URL (it may hold '/', ':' or '@'). */
  private static final Pattern URL_PASSWORD = Pattern.compile(
      "(?i)\\b([a-z][a-z0-9+.-]*://[^\\s:/@\"'<>]*:)(?:\\\\.|[^\\s\"'<>\\\\])*@");
  /** Authorization: Bearer TOKEN, Basic B64, or a bare value; quoted or not. */
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "(?i)\\b((?:proxy-)?authorization[\"']?\\s*[:=]\\s*[\"']?)(?:(bearer|basic|digest|token|negotiate)\\s+)?"
      + "[^\\s\"']+");
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=@:-]+");
  /**
   * A name that says it holds a credential (PGPASSWORD, JWT_SECRET, aws_secret_access_key, api_key, db_password,
   * client_secret, AWS_SESSION_TOKEN), then '=' or ':', then the value.
   */
  private static final String KEY = "[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key"
      + "|private[_-]?key|credential|signature)[A-Za-z0-9_.-]*";
  private static final String ASSIGN = "[\"']?\\s*[:=]\\s*";
  private static final Pattern KEY_DOUBLE_QUOTED =
      Pattern.compile("(?i)(" + KEY + ASSIGN + "\")(?:\\\\.|[^\"\\\\])*\"");
  private static final Pattern KEY_SINGLE_QUOTED = Pattern.compile("(?i)(" + KEY + ASSIGN + "')[^']*'");
  private static final Pattern KEY_PLAIN = Pattern.compile("(?i)(" + KEY + ASSIGN + ")(?![\"'\\s])\\S+");
  /** header.payload.signature of a JSON Web Token, wherever it appears. */
  private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");

  private static final List<Rule> RULES = List.of(
      new Rule(URL_PASSWORD, "$1" + MASK + "@"),
      new Rule(AUTHORIZATION, null),
      new Rule(BEARER, "$1" + MASK),
      new Rule(KEY_DOUBLE_QUOTED, "$1" + MASK + "\""),
      new Rule(KEY_SINGLE_QUOTED, "$1" + MASK + "'"),
      new Rule(KEY_PLAIN, "$1" + MASK),
      new Rule(JWT, MASK));

  private Redaction() {}

  /** The text with every credential it recognises replaced by {@link #MASK}; null stays null. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (Rule rule : RULES) {
      out = rule.apply(out);
    }
    return out;
  }

  private record Rule(Pattern pattern, String replacement) {
    String apply(String text) {
      if (replacement != null) {
        return pattern.matcher(text).replaceAll(replacement);
      }
      // Authorization keeps its scheme word ("Bearer ***"), so an SRE still sees which kind of credential it was
      Matcher m = pattern.matcher(text);
      return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + (r.group(2) == null ? "" : r.group(2) + " ")
          + MASK));
    }
  }
}

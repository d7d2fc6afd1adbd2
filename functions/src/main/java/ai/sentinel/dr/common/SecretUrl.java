package ai.sentinel.dr.common;

import ai.sentinel.dr.errors.StepFailedError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a connection-secret URL {@code scheme://[userinfo@]host[:port][/path][?query][#fragment]} so that host and
 * port can be replaced and every other byte kept. Passwords are often pasted unencoded, so '@' and even '?', '/' or
 * '#' may sit in the userinfo: each '@' is a candidate end of the userinfo, and a candidate counts only when a host
 * (and optional port) ending at '/', '?', '#' or the end follows it. When several count, a well-formed rest (one path
 * segment, name=value parameters) and then an explicit port decide; if that still leaves a choice, the value is
 * refused: a guess could report a piece of the password as the host (timeline, history, SNS) and rewrite the secret
 * corrupted.
 */
public final class SecretUrl {
  /** Parameter names of libpq and the cache clients (sslmode, application_name, ssl_cert_reqs, ...). */
  private static final Pattern PARAMETER = Pattern.compile("[A-Za-z0-9_.-]+");

  private SecretUrl() {}

  /**
   * The parts of a URL secret.
   *
   * @param userInfo between "://" and the '@' that ends it, raw (still %-encoded); null without one
   * @param port the explicit port, or null
   * @param tail everything after host and port as written ("/db?sslmode=require"); may be empty
   */
  public record Parts(String scheme, String userInfo, String host, Integer port, String tail) {}

  /**
   * Splits {@code value}; {@code what} names the secret in errors ("database secret"), which never quote the value.
   *
   * @throws StepFailedError when there is no host, or more than one reading
   */
  public static Parts split(String value, String what) {
    int sep = value.indexOf("://");
    if (sep <= 0) {
      throw new StepFailedError(what + " is not a scheme://[user:password@]host[:port] URL");
    }
    int start = sep + 3;
    List<Parts> readings = new ArrayList<>();
    String scheme = value.substring(0, sep);
    addIfHost(readings, value, scheme, null, start);
    for (int at = value.indexOf('@', start); at >= 0; at = value.indexOf('@', at + 1)) {
      addIfHost(readings, value, scheme, value.substring(start, at), at + 1);
    }
    if (readings.isEmpty()) {
      throw new StepFailedError(what + " has no host[:port] ending at '/', '?', '#' or the end of the value");
    }
    if (readings.size() == 1) {
      return readings.get(0);
    }
    List<Parts> wellFormed = readings.stream().filter(p -> wellFormedTail(p.tail())).toList();
    if (wellFormed.size() == 1) {
      return wellFormed.get(0);
    }
    List<Parts> withPort = wellFormed.stream().filter(p -> p.port() != null).toList();
    if (withPort.size() == 1) {
      return withPort.get(0);
    }
    throw new StepFailedError(what + " can be read two ways (an '@' in the password or in the parameters is followed "
        + "by something that looks like a host): percent-encode '@', '?', '/' and '#' in the password (%40, %3F, %2F, "
        + "%23); nothing was changed");
  }

  /** Adds the reading whose host starts at {@code hostStart}, if a host[:port] ending at a delimiter is there. */
  private static void addIfHost(List<Parts> readings, String s, String scheme, String userInfo, int hostStart) {
    int i = hostStart;
    if (i < s.length() && s.charAt(i) == '[') { // IPv6 literal
      int close = s.indexOf(']', i);
      if (close < 0 || close == i + 1 || !s.substring(i + 1, close).chars().allMatch(SecretUrl::ipv6Char)) {
        return;
      }
      i = close + 1;
    } else {
      while (i < s.length() && hostChar(s.charAt(i))) {
        i++;
      }
      if (i == hostStart) {
        return;
      }
    }
    String host = s.substring(hostStart, i);
    Integer port = null;
    if (i < s.length() && s.charAt(i) == ':') {
      int digits = ++i;
      while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 0x80) {
        i++;
      }
      if (i - digits > 5) {
        return;
      }
      port = i == digits ? null : Integer.valueOf(s.substring(digits, i));
    }
    if (i < s.length() && "/?#".indexOf(s.charAt(i)) < 0) {
      return;
    }
    readings.add(new Parts(scheme, userInfo, host, port, s.substring(i)));
  }

  private static boolean hostChar(char c) {
    return c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_');
  }

  private static boolean ipv6Char(int c) {
    return c < 0x80 && (Character.isLetterOrDigit(c) || c == ':' || c == '.' || c == '%');
  }

  /** At most one path segment, then name=value parameters: what a database or cache URL carries after the host. */
  private static boolean wellFormedTail(String tail) {
    int hash = tail.indexOf('#');
    String beforeFragment = hash < 0 ? tail : tail.substring(0, hash);
    int q = beforeFragment.indexOf('?');
    String path = q < 0 ? beforeFragment : beforeFragment.substring(0, q);
    if (!path.isEmpty() && (path.charAt(0) != '/' || path.indexOf('/', 1) >= 0)) {
      return false;
    }
    if (q >= 0) {
      for (String param : beforeFragment.substring(q + 1).split("&", -1)) {
        int eq = param.indexOf('=');
        if (!param.isEmpty() && (eq <= 0 || !PARAMETER.matcher(param.substring(0, eq)).matches())) {
          return false;
        }
      }
    }
    return true;
  }
}

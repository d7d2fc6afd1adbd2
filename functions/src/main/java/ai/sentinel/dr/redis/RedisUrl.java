package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.SecretUrl;
import ai.sentinel.dr.errors.StepFailedError;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The Redis URL secret: {@code redis://[user:password@]host[:port][/db][?params]}, or {@code rediss://} for TLS. The
 * runbook writes {@code redis://ENDPOINT:6379/0}; a secret that already carries credentials, TLS, another database
 * index or parameters keeps them, and only host and port are replaced. {@link #toString()} never shows the password.
 */
public final class RedisUrl {
  private final String scheme; // redis or rediss, as written
  private final String userInfo; // between "://" and "@", raw (still %-encoded); null without '@'
  private final String host;
  private final int port;
  private final String tail; // "/0?..." as written; may be empty

  private RedisUrl(String scheme, String userInfo, String host, int port, String tail) {
    this.scheme = scheme;
    this.userInfo = userInfo;
    this.host = host;
    this.port = port;
    this.tail = tail;
  }

  /** The runbook's form for a new value: {@code redis://HOST:PORT/0}. */
  public static RedisUrl of(String host, int port) {
    return new RedisUrl("redis", null, host, port, "/0");
  }

  /** Parses a secret value; failures name what is wrong, never the value (it may hold a password). */
  public static RedisUrl parse(String value) {
    String trimmed = value.trim();
    int sep = trimmed.indexOf("://");
    String scheme = sep < 0 ? "" : trimmed.substring(0, sep);
    if (!scheme.equalsIgnoreCase("redis") && !scheme.equalsIgnoreCase("rediss")) {
      throw new StepFailedError("Redis secret is not a redis:// or rediss:// URL");
    }
    SecretUrl.Parts parts = SecretUrl.split(trimmed, "Redis secret");
    return new RedisUrl(scheme, parts.userInfo(), parts.host(),
        parts.port() == null ? CacheClusters.DEFAULT_PORT : parts.port(), parts.tail());
  }

  public RedisUrl withHost(String newHost, int newPort) {
    return new RedisUrl(scheme, userInfo, newHost, newPort, tail);
  }

  /** The full value, password included: only for writing back to Secrets Manager. */
  public String render() {
    return scheme + "://" + (userInfo == null ? "" : userInfo + "@") + host + ":" + port + tail;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** rediss:// : the client must speak TLS (ElastiCache in-transit encryption). */
  public boolean tls() {
    return scheme.equalsIgnoreCase("rediss");
  }

  public boolean hasPassword() {
    return userInfo != null && userInfo.indexOf(':') >= 0;
  }

  /** The ACL user, or null for the legacy {@code :password@} form and for no credentials. */
  public String user() {
    if (userInfo == null) {
      return null;
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    return user.isEmpty() ? null : user;
  }

  public String password() {
    if (!hasPassword()) {
      return null;
    }
    return decode(userInfo.substring(userInfo.indexOf(':') + 1));
  }

  /** Percent-decoding of a URI component: '+' is a literal plus here, not a space as in form data. */
  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // the decoder's message quotes the characters after '%': never pass it on
      throw new StepFailedError("Redis secret has an invalid %-escape in its user info");
    }
  }

  /** What a timeline may say about the value: scheme and whether it carries credentials, never them. */
  public String describeKept() {
    if (tls() && hasPassword()) {
      return "rediss:// and credentials kept";
    }
    if (tls()) {
      return "rediss:// kept";
    }
    return hasPassword() ? "credentials kept" : "no credentials";
  }

  @Override
  public String toString() {
    return "RedisUrl(" + scheme + "://" + (userInfo == null ? "" : "***@") + host + ":" + port + ")";
  }
}

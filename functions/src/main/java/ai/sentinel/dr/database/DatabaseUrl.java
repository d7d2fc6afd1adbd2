package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SecretUrl;
import ai.sentinel.dr.errors.StepFailedError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The database connection secret, in either shape seen in practice: the runbook's URL
 * ({@code postgresql://user:password@host:5432/sentinel?sslmode=require}) or the JSON document RDS-managed secrets use
 * ({@code {"username":..,"password":..,"host":..,"port":5432,"dbname":..}}). Only host and port are ever replaced;
 * every other byte of the value is kept. {@link #toString()} never shows the password.
 */
public final class DatabaseUrl {
  private final String prefix; // "postgresql://user:password@" for the URL shape
  private final String host;
  private final int port;
  private final String tail; // "/sentinel?sslmode=require" for the URL shape
  private final ObjectNode json; // non-null for the JSON shape

  private DatabaseUrl(String prefix, String host, int port, String tail, ObjectNode json) {
    this.prefix = prefix;
    this.host = host;
    this.port = port;
    this.tail = tail;
    this.json = json;
  }

  public static DatabaseUrl parse(String value) {
    String trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      JsonNode node;
      try {
        node = Json.parse(trimmed);
      } catch (Json.Invalid e) {
        // the parser's message may quote a token of the value (a password): say only what kind of problem it is
        throw new StepFailedError(e.kind() == Json.Invalid.Kind.DUPLICATE_KEY
            ? "database secret JSON gives a key twice" : "database secret looks like JSON but does not parse");
      }
      if (!(node instanceof ObjectNode obj) || !obj.hasNonNull("host")) {
        throw new StepFailedError("database secret JSON has no \"host\"");
      }
      int port = obj.path("port").asInt(5432);
      return new DatabaseUrl(null, obj.get("host").asText(), port, null, obj);
    }
    SecretUrl.Parts parts = SecretUrl.split(trimmed, "database secret");
    String prefix = parts.scheme() + "://" + (parts.userInfo() == null ? "" : parts.userInfo() + "@");
    return new DatabaseUrl(prefix, parts.host(), parts.port() == null ? 5432 : parts.port(), parts.tail(), null);
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == a || s.charAt(i) == b) {
        return i;
      }
    }
    return -1;
  }

  public String host() {
    return host;
  }

  public Integer port() {
    return port;
  }

  public DatabaseUrl withHost(String newHost, int newPort) {
    if (json != null) {
      ObjectNode copy = json.deepCopy();
      copy.put("host", newHost);
      if (json.path("port").isTextual()) {
        copy.put("port", String.valueOf(newPort));
      } else {
        copy.put("port", newPort);
      }
      return new DatabaseUrl(null, newHost, newPort, null, copy);
    }
    return new DatabaseUrl(prefix, newHost, newPort, tail, null);
  }

  /** The full secret value, password included: only for writing back to Secrets Manager. */
  public String render() {
    if (json != null) {
      return json.toString();
    }
    return prefix + host + ":" + port + tail;
  }

  public String user() {
    if (json != null) {
      return json.path("username").asText(null);
    }
    String info = userInfo();
    int colon = info.indexOf(':');
    return info.isEmpty() ? null : decode(colon < 0 ? info : info.substring(0, colon));
  }

  public String password() {
    if (json != null) {
      return json.path("password").asText(null);
    }
    String info = userInfo();
    int colon = info.indexOf(':');
    return colon < 0 ? null : decode(info.substring(colon + 1));
  }

  public String database() {
    if (json != null) {
      return json.path("dbname").asText("postgres");
    }
    String path = tail.startsWith("/") ? tail.substring(1) : "";
    int q = indexOfAny(path, '?', '#');
    String db = q < 0 ? path : path.substring(0, q);
    return db.isEmpty() ? "postgres" : decode(db);
  }

  /** The raw user info ("user:password"); empty for a URL without credentials. */
  private String userInfo() {
    int scheme = prefix.indexOf("://");
    return prefix.endsWith("@") ? prefix.substring(scheme + 3, prefix.length() - 1) : "";
  }

  /** Percent-decoding of a URI component: '+' is a literal plus here, not a space as in form data. */
  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // the decoder's message quotes the characters after '%': never pass it on
      throw new StepFailedError("database secret has an invalid %-escape in its user info or database name");
    }
  }

  @Override
  public String toString() {
    return "DatabaseUrl(host=" + host + ", port=" + port + ", user=" + user() + ", password=***)";
  }
}

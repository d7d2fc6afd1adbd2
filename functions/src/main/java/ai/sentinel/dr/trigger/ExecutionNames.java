package ai.sentinel.dr.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Step Functions execution names derived from the signal, so a redelivered event maps to the execution it already
 * started (names are unique per state machine for 90 days). Readable prefix, hash of the dedup key for identity;
 * at most 80 characters of [A-Za-z0-9-_].
 */
public final class ExecutionNames {
  private ExecutionNames() {}

  public static String of(String scenario, String resource, String dedupKey) {
    String readable = sanitize(scenario + "-" + resource);
    if (readable.length() > 60) {
      readable = readable.substring(0, 60);
    }
    return readable + "-" + hash(dedupKey);
  }

  static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sanitize(String s) {
    return s.replaceAll("[^A-Za-z0-9_-]", "-");
  }
}

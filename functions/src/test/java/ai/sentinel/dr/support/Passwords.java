package ai.sentinel.dr.support;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Seeded generator of hostile passwords for property tests of the secret URLs: the URL delimiters
 * {@code @ ? / # : %}, query syntax, unicode (a surrogate pair included) and shapes built to look like a host.
 */
public final class Passwords {
  private static final String[] PIECES = {"a", "Z", "7", "@", "?", "/", "#", ":", "%", "=", "&", "+", ".", "-", "_",
      "~", "!", "$", "'", "(", "*", ",", ";", "[", "]", " ", "%41", "%zz", "é", "ß", "密码", "🔑", "SECRET", "x"};
  /** Shapes that end like a userinfo and start like a host: what made the parsers report part of a password. */
  private static final String[] HOSTLIKE = {"@SECRET?x", "@SECRET?x=1", "@SECRET/db", "@SECRET#f",
      "@evil.example.com:5432/db", "@SECRET:1?x=1", "@[::1]:6379/0", "@10.0.0.9/", "@h"};

  private final Random random;

  public Passwords(long seed) {
    this.random = new Random(seed);
  }

  public String next() {
    StringBuilder p = new StringBuilder();
    int pieces = 1 + random.nextInt(12);
    for (int i = 0; i < pieces; i++) {
      p.append(random.nextInt(6) == 0 ? HOSTLIKE[random.nextInt(HOSTLIKE.length)]
          : PIECES[random.nextInt(PIECES.length)]);
    }
    return p.toString();
  }

  public boolean coin() {
    return random.nextBoolean();
  }

  public int below(int n) {
    return random.nextInt(n);
  }

  /**
   * The password as RFC 3986 allows it in a userinfo: unreserved characters raw, the rest %-encoded (UTF-8); with
   * {@code minimal} the sub-delimiters and ':' stay raw too, as the RFC permits.
   */
  public static String encode(String password, boolean minimal) {
    StringBuilder out = new StringBuilder();
    for (byte b : password.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved = c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0);
      boolean subDelim = c < 0x80 && "!$&'()*+,;=:".indexOf(c) >= 0;
      if (unreserved || (minimal && subDelim)) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** True when the raw password has a character a userinfo must not hold unencoded (the URL is then a guess). */
  public static boolean needsEncoding(String password) {
    return password.indexOf('/') >= 0 || password.indexOf('?') >= 0 || password.indexOf('#') >= 0;
  }
}

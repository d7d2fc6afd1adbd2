package ai.sentinel.dr.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.support.Passwords;
import org.junit.jupiter.api.Test;

/** Property: repointing the Redis secret changes host and port only; the host reported is never part of a password. */
class RedisUrlPropertyTest {
  private static final int CASES = 5_000;
  private static final String HOST = "sentinel-redis.abc123.ng.0001.use1.cache.amazonaws.com";
  private static final String NEW_HOST = "sentinel-redis-recovery.abc123.ng.0001.use1.cache.amazonaws.com";
  private static final String[] TAILS = {"/0", "/3?ssl_cert_reqs=required&name=a@b", "", "?socket_timeout=5"};

  @Test
  void theIssuesExampleReportsTheRealHost() {
    RedisUrl u = RedisUrl.parse("rediss://:p@SECRET?x@real-host:6380/0");
    assertEquals("real-host", u.host());
    assertEquals("p@SECRET?x", u.password());
    assertNull(u.user());
    assertEquals("rediss://:p@SECRET?x@new-host:6379/0", u.withHost("new-host", 6379).render());
  }

  @Test
  void everyEncodedPasswordSurvivesARepointByteForByte() {
    Passwords gen = new Passwords(20260118L);
    for (int i = 0; i < CASES; i++) {
      String password = gen.next();
      String encoded = Passwords.encode(password, gen.coin());
      String user = gen.coin() ? "" : "app";
      String scheme = gen.coin() ? "redis" : "rediss";
      String tail = TAILS[gen.below(TAILS.length)];
      String value = scheme + "://" + user + ":" + encoded + "@" + HOST + ":6379" + tail;
      String why = "case " + i + ": " + value;
      RedisUrl u = RedisUrl.parse(value);
      assertEquals(HOST, u.host(), why);
      assertEquals(password, u.password(), why);
      assertEquals(user.isEmpty() ? null : user, u.user(), why);
      assertEquals(scheme + "://" + user + ":" + encoded + "@" + NEW_HOST + ":6380" + tail,
          u.withHost(NEW_HOST, 6380).render(), why);
    }
  }

  @Test
  void aRawPasswordIsKeptOrRefusedButItsPiecesAreNeverTheHost() {
    Passwords gen = new Passwords(2424L);
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      String password = gen.next();
      String tail = TAILS[gen.below(TAILS.length)];
      String value = "redis://:" + password + "@" + HOST + ":6379" + tail;
      String why = "case " + i + ": " + value;
      RedisUrl u;
      try {
        u = RedisUrl.parse(value);
      } catch (StepFailedError e) {
        if (!Passwords.needsEncoding(password)) {
          fail(why + " refused though only '/', '?' and '#' make a raw password ambiguous: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains(password), why);
        refused++;
        continue;
      }
      assertEquals(HOST, u.host(), why);
      assertEquals("redis://:" + password + "@" + NEW_HOST + ":6379" + tail, u.withHost(NEW_HOST, 6379).render(),
          why);
      if (password.indexOf('%') < 0) {
        assertEquals(password, u.password(), why);
      }
    }
    assertTrue(refused > 0, "the generator made no value that can be read two ways");
    assertTrue(refused < CASES / 4, "refused " + refused + " of " + CASES + ": the parser gives up too easily");
  }
}

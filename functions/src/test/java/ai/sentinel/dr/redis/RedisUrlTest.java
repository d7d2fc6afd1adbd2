package ai.sentinel.dr.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.errors.StepFailedError;
import org.junit.jupiter.api.Test;

/** The Redis URL secret: only host and port are ever replaced, and the password is never shown. */
class RedisUrlTest {

  @Test
  void theRunbooksFormRoundTrips() {
    RedisUrl url = RedisUrl.parse("redis://sentinel-redis.abc.cache.amazonaws.com:6379/0");
    assertEquals("sentinel-redis.abc.cache.amazonaws.com", url.host());
    assertEquals(6379, url.port());
    assertFalse(url.tls());
    assertFalse(url.hasPassword());
    assertNull(url.user());
    assertNull(url.password());
    assertEquals("redis://new-host:6380/0", url.withHost("new-host", 6380).render());
    assertEquals("redis://h:6379/0", RedisUrl.of("h", 6379).render());
  }

  @Test
  void everythingButHostAndPortIsKeptByteForByte() {
    String value = "rediss://app%2Buser:p%40ss%3Aw+rd@old-host:6380/3?ssl_cert_reqs=required&name=a@b";
    RedisUrl url = RedisUrl.parse(value);
    assertEquals("old-host", url.host());
    assertEquals(6380, url.port());
    assertTrue(url.tls());
    assertEquals("app+user", url.user());
    assertEquals("p@ss:w+rd", url.password()); // '+' stays a plus; the first ':' splits user from password
    assertEquals("rediss://app%2Buser:p%40ss%3Aw+rd@new-host:6379/3?ssl_cert_reqs=required&name=a@b",
        url.withHost("new-host", 6379).render());
  }

  @Test
  void theLegacyPasswordOnlyFormHasNoUser() {
    RedisUrl url = RedisUrl.parse("redis://:s3cret@host:6379");
    assertNull(url.user());
    assertEquals("s3cret", url.password());
    assertEquals("redis://:s3cret@other:6379", url.withHost("other", 6379).render());
  }

  @Test
  void noPortMeansTheRedisDefaultAndNoPathStaysNoPath() {
    RedisUrl url = RedisUrl.parse("redis://host");
    assertEquals(6379, url.port());
    assertEquals("redis://other:6379", url.withHost("other", 6379).render());
  }

  @Test
  void anIpv6HostKeepsItsBrackets() {
    RedisUrl url = RedisUrl.parse("redis://[::1]:6380/0");
    assertEquals("[::1]", url.host());
    assertEquals(6380, url.port());
  }

  @Test
  void toStringNeverShowsCredentials() {
    String shown = RedisUrl.parse("rediss://admin:Zx81qPw@host:6379/0").toString();
    assertFalse(shown.contains("Zx81qPw"), shown);
    assertFalse(shown.contains("admin"), shown);
    assertTrue(shown.contains("host:6379"), shown);
  }

  @Test
  void failuresNameTheProblemNeverTheValue() {
    for (String bad : new String[] {"postgresql://u:Zx81qPw@h:5432/db", "{\"password\":\"Zx81qPw\"}",
        "redis://u:Zx81qPw@h:port/0", "redis://u:Zx81qPw@:6379/0"}) {
      StepFailedError e = assertThrows(StepFailedError.class, () -> RedisUrl.parse(bad));
      assertFalse(e.getMessage().contains("Zx81qPw"), e.getMessage());
    }
    StepFailedError e = assertThrows(StepFailedError.class, () -> RedisUrl.parse("redis://u:%zzZx81qPw@h/0")
        .password());
    assertFalse(e.getMessage().contains("Zx81qPw"), e.getMessage());
  }
}

package ai.sentinel.dr.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.support.Passwords;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever the password, repointing the secret changes the host and port and no other byte, and the host
 * reported (timeline, history, SNS, report) is never a piece of the password.
 */
class DatabaseUrlPropertyTest {
  private static final int CASES = 5_000;
  private static final String HOST = "sentinel-db.abc123xyz.us-east-1.rds.amazonaws.com";
  private static final String NEW_HOST = "sentinel-db-recovery.abc123xyz.us-east-1.rds.amazonaws.com";
  private static final String[] TAILS = {"/sentinel", "/sentinel?sslmode=require",
      "/sentinel?sslmode=require&application_name=ops@team", "", "?sslmode=require", "/sentinel#frag"};

  @Test
  void theIssuesExampleReportsTheRealHost() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://user:p@SECRET?x@real-host:5432/db");
    assertEquals("real-host", u.host());
    assertEquals("p@SECRET?x", u.password());
    assertEquals("postgresql://user:p@SECRET?x@new-host:5433/db", u.withHost("new-host", 5433).render());
  }

  @Test
  void aHostInTheQueryStringIsNotTheHost() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://u:pw@" + HOST + ":5432/db?application_name=ops@team");
    assertEquals(HOST, u.host());
    assertEquals("pw", u.password());
  }

  @Test
  void aValueThatCouldBeReadTwoWaysIsRefusedNotGuessed() {
    // password "p@SECRET:1?x=1" or host SECRET with a query: both are well-formed, so neither is acted on
    String value = "postgresql://u:p@SECRET:1?x=1@real-host:5432/db";
    StepFailedError e = assertThrows(StepFailedError.class, () -> DatabaseUrl.parse(value));
    assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    assertTrue(e.getMessage().contains("percent-encode"), e.getMessage());
  }

  @Test
  void everyEncodedPasswordSurvivesARepointByteForByte() {
    Passwords gen = new Passwords(20260117L);
    for (int i = 0; i < CASES; i++) {
      String password = gen.next();
      String encoded = Passwords.encode(password, gen.coin());
      String tail = TAILS[gen.below(TAILS.length)];
      String value = "postgresql://sentinel_admin:" + encoded + "@" + HOST + ":5432" + tail;
      String why = "case " + i + ": " + value;
      DatabaseUrl u = DatabaseUrl.parse(value);
      assertEquals(HOST, u.host(), why);
      assertEquals(5432, u.port(), why);
      assertEquals(password, u.password(), why);
      assertEquals("sentinel_admin", u.user(), why);
      assertEquals("postgresql://sentinel_admin:" + encoded + "@" + NEW_HOST + ":6543" + tail,
          u.withHost(NEW_HOST, 6543).render(), why);
    }
  }

  @Test
  void aRawPasswordIsKeptOrRefusedButItsPiecesAreNeverTheHost() {
    Passwords gen = new Passwords(4242L);
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      String password = gen.next();
      String tail = TAILS[gen.below(TAILS.length)];
      String value = "postgres://app:" + password + "@" + HOST + ":5432" + tail;
      String why = "case " + i + ": " + value;
      DatabaseUrl u;
      try {
        u = DatabaseUrl.parse(value);
      } catch (StepFailedError e) {
        if (!Passwords.needsEncoding(password)) {
          fail(why + " refused though only '/', '?' and '#' make a raw password ambiguous: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains(password), why);
        refused++;
        continue;
      }
      assertEquals(HOST, u.host(), why);
      assertEquals("postgres://app:" + password + "@" + NEW_HOST + ":5432" + tail,
          u.withHost(NEW_HOST, 5432).render(), why);
      if (password.indexOf('%') < 0) {
        assertEquals(password, u.password(), why);
      }
    }
    assertTrue(refused > 0, "the generator made no value that can be read two ways");
    assertTrue(refused < CASES / 4, "refused " + refused + " of " + CASES + ": the parser gives up too easily");
  }
}

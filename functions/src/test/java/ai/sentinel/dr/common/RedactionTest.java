package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each way an application prints a credential: the secret part is masked, the context around it kept. */
class RedactionTest {
  private static final String SECRET = "Zt8k/W3v@N5q:R1";

  @ParameterizedTest
  @ValueSource(strings = {
      "connecting to redis://:Zt8k/W3v@N5q:R1@sentinel-redis:6379/0",
      "connecting to rediss://default:Zt8k/W3v@N5q:R1@sentinel-redis:6379/0 failed",
      "DATABASE_URL=postgresql://sentinel_admin:Zt8k/W3v@N5q:R1@db.internal:5432/sentinel?sslmode=require",
      "{\"url\": \"postgres://app:Zt8k/W3v@N5q:R1@db:5432/x\", \"level\": \"error\"}",
      "GET /health Authorization: Bearer Zt8k/W3v@N5q:R1",
      "authorization=Basic Zt8k/W3v@N5q:R1",
      "header \"Authorization\": \"Bearer Zt8k/W3v@N5q:R1\"",
      "sending bearer Zt8k/W3v@N5q:R1 to the API",
      "PGPASSWORD=Zt8k/W3v@N5q:R1 psql -h db",
      "export PGPASSWORD='Zt8k/W3v@N5q:R1'",
      "JWT_SECRET=Zt8k/W3v@N5q:R1",
      "aws_secret_access_key=Zt8k/W3v@N5q:R1",
      "aws_secret_access_key = Zt8k/W3v@N5q:R1",
      "AWS_SESSION_TOKEN=Zt8k/W3v@N5q:R1",
      "config loaded password=Zt8k/W3v@N5q:R1 user=app",
      "{\"db_password\": \"Zt8k/W3v@N5q:R1\", \"level\": \"error\"}",
      "{\"client_secret\":\"Zt8k/W3v@N5q:R1\"}",
      "api_key: Zt8k/W3v@N5q:R1",
      "DJANGO_SECRET_KEY=\"Zt8k/W3v@N5q:R1\""})
  void theSecretIsMasked(String line) {
    String out = Redaction.redact(line);
    assertFalse(out.contains(SECRET), out);
    for (String piece : new String[] {"Zt8k", "W3v", "N5q", "R1"}) {
      assertFalse(out.contains(piece), piece + " leaked: " + out);
    }
    assertTrue(out.contains(Redaction.MASK), out);
  }

  @Test
  void aJwtAnywhereIsMasked() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlX2J5dGVz";
    String out = Redaction.redact("token rejected: " + jwt + " (expired)");
    assertFalse(out.contains("eyJzdWIiOiJhZG1pbiJ9"), out);
    assertTrue(out.endsWith("(expired)"), out);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "connecting to redis://default:pw@sentinel-redis:6379/0|connecting to redis://default:***@sentinel-redis:6379/0",
      "redis://:pw@sentinel-redis:6379|redis://:***@sentinel-redis:6379",
      "config loaded password=hunter2 user=app|config loaded password=*** user=app",
      "Authorization: Bearer abc.def|Authorization: Bearer ***",
      "{\"password\": \"x y\", \"level\": \"error\"}|{\"password\": \"***\", \"level\": \"error\"}"})
  void theContextAroundTheSecretIsKept(String line, String expected) {
    assertEquals(expected, Redaction.redact(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /health 200 12ms", "connected to https://sentinel.example.com/api",
      "task stopped: Essential container in task exited", "user=app db=sentinel host=db.internal:5432"})
  void ordinaryLinesAreUnchanged(String line) {
    assertEquals(line, Redaction.redact(line));
  }
}

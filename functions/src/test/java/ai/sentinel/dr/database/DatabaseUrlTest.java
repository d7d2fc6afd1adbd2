package ai.sentinel.dr.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.StepFailedError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The secret value: only host and port may change; user, password, database and parameters are kept byte for byte. */
class DatabaseUrlTest {
  private static final String URL = "postgresql://sentinel_admin:S3cr%40t%2Fp%3Aw@" + Db.OLD_HOST
      + ":5432/sentinel?sslmode=require&application_name=sentinel-api";

  @Test
  void urlShapeParsesEveryPart() {
    DatabaseUrl u = DatabaseUrl.parse(URL);
    assertEquals(Db.OLD_HOST, u.host());
    assertEquals(5432, u.port());
    assertEquals("sentinel_admin", u.user());
    assertEquals("S3cr@t/p:w", u.password()); // URL-decoded for the driver
    assertEquals("sentinel", u.database());
  }

  @Test
  void urlShapeRepointChangesOnlyHostAndPort() {
    String next = DatabaseUrl.parse(URL).withHost(Db.NEW_HOST, 5433).render();
    assertEquals("postgresql://sentinel_admin:S3cr%40t%2Fp%3Aw@" + Db.NEW_HOST
        + ":5433/sentinel?sslmode=require&application_name=sentinel-api", next);
    DatabaseUrl back = DatabaseUrl.parse(next);
    assertEquals("S3cr@t/p:w", back.password());
    assertEquals("sentinel_admin", back.user());
    assertEquals("sentinel", back.database());
  }

  @Test
  void runbookUrlWithoutParametersOrPort() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://sentinel_admin:PASSWORD@" + Db.OLD_HOST + "/sentinel");
    assertEquals(5432, u.port());
    assertEquals("postgresql://sentinel_admin:PASSWORD@" + Db.NEW_HOST + ":5432/sentinel",
        u.withHost(Db.NEW_HOST, 5432).render());
  }

  @Test
  void unencodedAtSignInThePasswordDoesNotMoveTheHost() {
    DatabaseUrl u = DatabaseUrl.parse("postgres://app:p@ss@" + Db.OLD_HOST + ":5432/sentinel");
    assertEquals(Db.OLD_HOST, u.host());
    assertEquals("p@ss", u.password());
    assertEquals("postgres://app:p@ss@" + Db.NEW_HOST + ":5432/sentinel", u.withHost(Db.NEW_HOST, 5432).render());
  }

  @Test
  void jsonShapeRepointChangesOnlyHostAndPort() {
    String value = "{\"username\":\"sentinel_admin\",\"password\":\"pw\\\"with{json}\",\"engine\":\"postgres\","
        + "\"host\":\"" + Db.OLD_HOST + "\",\"port\":5432,\"dbname\":\"sentinel\",\"dbInstanceIdentifier\":\"sentinel-db\"}";
    DatabaseUrl u = DatabaseUrl.parse(value);
    assertEquals(Db.OLD_HOST, u.host());
    assertEquals("pw\"with{json}", u.password());
    assertEquals("sentinel", u.database());
    JsonNode before = Json.tree(value);
    JsonNode after = Json.tree(u.withHost(Db.NEW_HOST, 5433).render());
    ObjectNode expected = ((ObjectNode) before).deepCopy();
    expected.put("host", Db.NEW_HOST);
    expected.put("port", 5433);
    assertEquals(expected, after);
    assertTrue(after.get("port").isInt());
  }

  @Test
  void jsonShapeKeepsATextualPortTextual() {
    String value = "{\"username\":\"u\",\"password\":\"p\",\"host\":\"" + Db.OLD_HOST + "\",\"port\":\"5432\"}";
    JsonNode after = Json.tree(DatabaseUrl.parse(value).withHost(Db.NEW_HOST, 5432).render());
    assertTrue(after.get("port").isTextual());
    assertEquals("5432", after.get("port").asText());
    assertEquals(Db.NEW_HOST, after.get("host").asText());
  }

  @Test
  void toStringNeverShowsThePassword() {
    String shown = DatabaseUrl.parse(URL).toString();
    assertFalse(shown.contains("S3cr"), shown);
    assertTrue(shown.contains(Db.OLD_HOST), shown);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not a url", "{\"user\":\"x\"}", "{broken", "postgresql://u:p@host:port/db"})
  void unusableValuesFailWithoutEchoingTheValue(String value) {
    StepFailedError e = assertThrows(StepFailedError.class, () -> DatabaseUrl.parse(value));
    assertFalse(e.getMessage().contains(value), e.getMessage());
  }
}

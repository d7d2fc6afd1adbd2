package ai.sentinel.dr.corruption.sql;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Set;

/**
 * One table of cdk.json {@code dataCorruption.tables}: its name (in the connection's current schema), its
 * single-column primary key, its timestamp column (the runbook's {@code created_at}) and the columns whose values
 * must never leave the database in a diff or a report.
 */
public record TableSpec(String table, String key, String timestamp,
    // left out of the JSON when empty: settings travel in Lambda's 4 KB of variables
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Set<String> sensitive) {
  public TableSpec {
    require(table, "table");
    require(key, "key");
    require(timestamp, "timestamp");
    sensitive = sensitive == null ? Set.of() : Set.copyOf(sensitive);
  }

  public TableSpec(String table, String key, String timestamp) {
    this(table, key, timestamp, Set.of());
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("table spec: " + field + " is required");
    }
  }
}

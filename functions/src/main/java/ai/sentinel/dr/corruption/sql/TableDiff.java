package ai.sentinel.dr.corruption.sql;

import java.util.List;

/**
 * What differs between the clean copy and live in one table: rows only in clean (deleted in live), only in live
 * (inserted), and changed (same key, different content); a bounded sample of keys with the names of the columns
 * that differ (never a value); and the scope the repair must look at.
 */
public record TableDiff(String table, long rowsClean, long rowsLive, long onlyInClean, long onlyInLive, long changed,
    List<DiffKey> sample, KeyScope scope) {
  public TableDiff {
    sample = sample == null ? List.of() : List.copyOf(sample);
  }

  public boolean equal() {
    return onlyInClean == 0 && onlyInLive == 0 && changed == 0;
  }

  /** One differing key of the sample: its kind, and for a changed row the names of the columns that differ. */
  public record DiffKey(String key, Kind kind, List<String> columns) {
    public DiffKey {
      columns = columns == null ? List.of() : List.copyOf(columns);
    }
  }

  public enum Kind { ONLY_IN_CLEAN, ONLY_IN_LIVE, CHANGED }
}

package ai.sentinel.dr.corruption.sql;

import ai.sentinel.dr.corruption.sql.TableDiff.DiffKey;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * A table compare between two invocations, small enough for the recovery document: the bucket grid (integer keys:
 * key ranges of width {@code leafWidth * 16^(depth-1-level)} from {@code base}; other keys: the low
 * {@code topBits + 4*level} bits of the key's hash), the next top-level bucket to scan, the buckets found to differ
 * that still need a closer look, and the results so far. Its size grows with differing ranges, never with rows.
 * {@code window}: [from, to) on the timestamp column (either end null: open) when only rows in it are compared (on
 * each side, the rows whose own timestamp is in it); null: every row.
 */
public record CompareProgress(String table, int topBits, long base, long leafWidth, int depth, long topBuckets,
    long nextTop, List<Pending> pending, long rowsClean, long rowsLive, long onlyInClean, long onlyInLive,
    long changed, List<DiffKey> sample, KeyScope scope, List<String> window) {
  public CompareProgress {
    pending = pending == null ? List.of() : List.copyOf(pending);
    sample = sample == null ? List.of() : List.copyOf(sample);
    window = window == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(window));
  }

  /** A compare of every row. */
  public CompareProgress(String table, int topBits, long base, long leafWidth, int depth, long topBuckets,
      long nextTop, List<Pending> pending, long rowsClean, long rowsLive, long onlyInClean, long onlyInLive,
      long changed, List<DiffKey> sample, KeyScope scope) {
    this(table, topBits, base, leafWidth, depth, topBuckets, nextTop, pending, rowsClean, rowsLive, onlyInClean,
        onlyInLive, changed, sample, scope, null);
  }

  /** A bucket at a level whose summaries differ; rows: the larger side's count. JSON: [level, bucket, rows]. */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  public record Pending(int level, long bucket, long rows) {}

  @JsonIgnore
  public boolean done() {
    return nextTop >= topBuckets && pending.isEmpty();
  }

  /** The result so far; final once {@link #done()}. */
  public TableDiff diff() {
    return new TableDiff(table, rowsClean, rowsLive, onlyInClean, onlyInLive, changed, sample, scope);
  }

  @JsonIgnore
  boolean hashMode() {
    return topBits > 0;
  }
}

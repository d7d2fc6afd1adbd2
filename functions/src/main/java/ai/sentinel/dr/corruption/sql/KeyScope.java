package ai.sentinel.dr.corruption.sql;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where rows differ, as half-open ranges [lo, hi) of a bucket coordinate: the key itself for integer keys
 * ({@code hashBits} 0), else the low {@code hashBits} bits of the key's hash. Kept small by merging the closest
 * ranges (a wider range only costs the repair a few more rows to look at; it never misses one).
 */
public record KeyScope(int hashBits, List<long[]> ranges) {
  static final int MAX_RANGES = 512;

  public KeyScope {
    ranges = ranges == null ? List.of() : List.copyOf(ranges);
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** The SQL coordinate of alias's row that the ranges are over. */
  static String coordinate(TableSchema schema, int hashBits, String alias) {
    String key = alias + "." + schema.key();
    return hashBits == 0 ? key : "(hashtextextended(" + key + "::text, 0) & " + ((1L << hashBits) - 1) + ")";
  }

  /** Adds [lo, hi) and keeps the list sorted, merged, and at most {@link #MAX_RANGES} long. */
  KeyScope with(long lo, long hi) {
    return with(List.of(new long[] {lo, hi}));
  }

  /**
   * Adds the ranges at once: one sort and merge for a whole fetch's differences (one at a time, a thousand of them
   * cost a thousand copies and sorts of up to 512 ranges).
   */
  KeyScope with(List<long[]> added) {
    if (added.isEmpty()) {
      return this;
    }
    List<long[]> all = new ArrayList<>(ranges);
    all.addAll(added);
    all.sort(Comparator.comparingLong(r -> r[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] r : all) {
      long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && r[0] <= last[1]) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        merged.add(new long[] {r[0], r[1]});
      }
    }
    while (merged.size() > MAX_RANGES) {
      int closest = 0;
      for (int i = 1; i < merged.size() - 1; i++) {
        if (merged.get(i + 1)[0] - merged.get(i)[1] < merged.get(closest + 1)[0] - merged.get(closest)[1]) {
          closest = i;
        }
      }
      merged.get(closest)[1] = merged.get(closest + 1)[1];
      merged.remove(closest + 1);
    }
    return new KeyScope(hashBits, merged);
  }

  long[] los() {
    return ranges.stream().mapToLong(r -> r[0]).toArray();
  }

  long[] his() {
    return ranges.stream().mapToLong(r -> r[1]).toArray();
  }
}
